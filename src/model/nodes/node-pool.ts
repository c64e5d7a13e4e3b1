/**
 * The nodes of one cluster as struct-of-arrays: one row per node, never an object or a timer per
 * node. Rows are never reused, so a node index stays valid after the node is removed.
 *
 * The pool holds what the apiserver knows about each node (its lease renewal time, the Ready
 * condition and NoExecute taint the controllers wrote, the pods bound to it) and what the
 * endpoint controllers last listed. The kubelets write through `recordLeaseRenewal` and
 * `recordKubeletReady`, the cloud through `addNodes` / `removeNodes`, the controllers through the
 * methods marked "controller write". Every change is announced to the subscribed listeners.
 */

/** The node's Ready condition as last written (by the kubelet or the node lifecycle controller). */
export const NodeCondition = {
  Ready: 0,
  /** Ready=False: the kubelet reported itself not ready. */
  NotReady: 1,
  /** Ready=Unknown: the controller saw no lease renewal within the grace period. */
  Unknown: 2,
} as const;
export type NodeCondition = (typeof NodeCondition)[keyof typeof NodeCondition];

/** What a pool announces. `now` is the simulated time of the change (s). */
export interface NodeEvents {
  /** The Ready condition went from Ready to NotReady/Unknown (false) or back to Ready (true). */
  onNodeReadinessChanged(node: number, ready: boolean, now: number): void;
  /** A NoExecute taint was added (true) or removed (false). */
  onNodeTaintChanged(node: number, tainted: boolean, now: number): void;
  /** The taint eviction deleted `pods` pods bound to `node`. */
  onPodsEvicted(node: number, pods: number, now: number): void;
  /** The cloud removed the node; its `pods` pods are gone with it. */
  onNodeRemoved(node: number, pods: number, now: number): void;
  /** The cloud added a node. */
  onNodeAdded(node: number, now: number): void;
  /** The endpoint controllers listed the node's pods as ready endpoints (true) or not (false). */
  onEndpointsListedChanged(node: number, listed: boolean, now: number): void;
}

export interface NodePoolOptions {
  nodeCount: number;
  zoneCount: number;
  podsPerNode: number;
  /** Simulated time the nodes start at: their lease counts as renewed then (s). */
  now?: number;
}

/**
 * The pool's columns for loops over every node. Read them only: writes go through the pool's
 * methods, which keep the counts and announce changes. Valid until the pool grows (addNodes).
 */
export interface NodeColumns {
  readonly removed: Uint8Array;
  readonly zone: Uint16Array;
  readonly leaseRenewed: Float64Array;
  readonly kubeletReady: Uint8Array;
  readonly condition: Uint8Array;
  /** NaN when not tainted. */
  readonly taintTime: Float64Array;
}

const INITIAL_CAPACITY = 16;

export class NodePool {
  readonly zoneCount: number;
  private slots = 0;
  private zone: Uint16Array;
  private removed: Uint8Array;
  private pods: Int32Array;
  private leaseRenewed: Float64Array;
  private kubeletReady: Uint8Array;
  private condition: Uint8Array;
  private conditionSince: Float64Array;
  private taintTime: Float64Array;
  private evictedPods: Int32Array;
  private evictionTime: Float64Array;
  private listed: Uint8Array;
  private readonly liveByZone: Int32Array;
  private live = 0;
  private readonly byCondition = new Int32Array(3);
  private tainted = 0;
  private podsTotal = 0;
  private readonly listeners: Partial<NodeEvents>[] = [];

  constructor(options: NodePoolOptions) {
    const { nodeCount, zoneCount, podsPerNode } = options;
    if (!Number.isInteger(zoneCount) || zoneCount < 1 || zoneCount > 0xffff) {
      throw new RangeError(`zoneCount must be an integer in [1, 65535], got ${zoneCount}`);
    }
    if (!Number.isInteger(nodeCount) || nodeCount < 0) {
      throw new RangeError(`nodeCount must be a non-negative integer, got ${nodeCount}`);
    }
    this.zoneCount = zoneCount;
    this.liveByZone = new Int32Array(zoneCount);
    const capacity = Math.max(INITIAL_CAPACITY, nodeCount);
    this.zone = new Uint16Array(capacity);
    this.removed = new Uint8Array(capacity);
    this.pods = new Int32Array(capacity);
    this.leaseRenewed = new Float64Array(capacity);
    this.kubeletReady = new Uint8Array(capacity);
    this.condition = new Uint8Array(capacity);
    this.conditionSince = new Float64Array(capacity);
    this.taintTime = new Float64Array(capacity);
    this.evictedPods = new Int32Array(capacity);
    this.evictionTime = new Float64Array(capacity);
    this.listed = new Uint8Array(capacity);
    const now = options.now ?? 0;
    for (let node = 0; node < nodeCount; node++) {
      this.appendNode(node % zoneCount, podsPerNode, now);
    }
  }

  subscribe(listener: Partial<NodeEvents>): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  columns(): NodeColumns {
    return {
      removed: this.removed,
      zone: this.zone,
      leaseRenewed: this.leaseRenewed,
      kubeletReady: this.kubeletReady,
      condition: this.condition,
      taintTime: this.taintTime,
    };
  }

  /** Rows ever allocated, removed nodes included: node indices run from 0 to size - 1. */
  get size(): number {
    return this.slots;
  }
  get liveCount(): number {
    return this.live;
  }
  get readyCount(): number {
    return this.byCondition[NodeCondition.Ready];
  }
  get notReadyCount(): number {
    return this.byCondition[NodeCondition.NotReady];
  }
  get unknownCount(): number {
    return this.byCondition[NodeCondition.Unknown];
  }
  get taintedCount(): number {
    return this.tainted;
  }
  /** Pods bound to live nodes. */
  get podCount(): number {
    return this.podsTotal;
  }

  zoneOf(node: number): number {
    return this.zone[this.checked(node)];
  }
  isRemoved(node: number): boolean {
    return this.removed[this.checked(node)] === 1;
  }
  podsOn(node: number): number {
    return this.pods[this.checked(node)];
  }
  /** Last time the apiserver accepted the node's lease renewal (s). */
  leaseRenewedAt(node: number): number {
    return this.leaseRenewed[this.checked(node)];
  }
  /** What the kubelet reports in its node status when it can post it. */
  kubeletReportsReady(node: number): boolean {
    return this.kubeletReady[this.checked(node)] === 1;
  }
  conditionOf(node: number): NodeCondition {
    return this.condition[this.checked(node)] as NodeCondition;
  }
  isReady(node: number): boolean {
    return this.conditionOf(node) === NodeCondition.Ready;
  }
  /** When the Ready condition last changed (s). */
  conditionChangedAt(node: number): number {
    return this.conditionSince[this.checked(node)];
  }
  /** When the current NoExecute taint was added (s), NaN when the node is not tainted. */
  taintedAt(node: number): number {
    return this.taintTime[this.checked(node)];
  }
  isTainted(node: number): boolean {
    return !Number.isNaN(this.taintedAt(node));
  }
  podsEvictedFrom(node: number): number {
    return this.evictedPods[this.checked(node)];
  }
  /** When the node's pods were last evicted (s), NaN if never. */
  evictedAt(node: number): number {
    return this.evictionTime[this.checked(node)];
  }
  /** Whether the endpoint controllers currently list the node's pods as ready endpoints. */
  endpointsListed(node: number): boolean {
    return this.listed[this.checked(node)] === 1;
  }
  liveInZone(zone: number): number {
    return this.liveByZone[zone] ?? 0;
  }
  /** Indices of the live nodes of a zone, in index order. */
  nodesInZone(zone: number): number[] {
    const found: number[] = [];
    for (let node = 0; node < this.slots; node++) {
      if (this.removed[node] === 0 && this.zone[node] === zone) found.push(node);
    }
    return found;
  }

  // --- kubelet writes ---------------------------------------------------------------------

  /** The apiserver accepted the node's lease update at `now`. Ignored for removed nodes. */
  recordLeaseRenewal(node: number, now: number): void {
    this.checked(node);
    if (this.removed[node] === 1) return;
    if (now > this.leaseRenewed[node]) this.leaseRenewed[node] = now;
  }

  /** The kubelet's own view of readiness (container runtime, network plugin), posted with status. */
  recordKubeletReady(node: number, ready: boolean): void {
    this.kubeletReady[this.checked(node)] = ready ? 1 : 0;
  }

  // --- cloud (not the Kubernetes API) -------------------------------------------------------

  /**
   * Adds `count` Ready nodes whose lease counts as renewed at `now`, in `zone` or else each in
   * the zone with the fewest live nodes. New nodes carry `pods` pods (default 0: a scale-up node
   * starts empty). Returns the new indices.
   */
  addNodes(count: number, now: number, options: { zone?: number; pods?: number } = {}): number[] {
    const added: number[] = [];
    for (let i = 0; i < count; i++) {
      const zone = options.zone ?? this.smallestZone();
      if (zone < 0 || zone >= this.zoneCount) throw new RangeError(`no zone ${zone}`);
      const node = this.appendNode(zone, options.pods ?? 0, now);
      added.push(node);
      this.emit("onNodeAdded", node, now);
    }
    return added;
  }

  /**
   * Terminates `count` live nodes the way a balanced autoscaling group scales in: each from the
   * zone with the most live nodes (or from `zone`), newest first. Their pods vanish without any
   * request to the Kubernetes API. Returns the removed indices.
   */
  removeNodes(count: number, now: number, zone?: number): number[] {
    const removed: number[] = [];
    for (let i = 0; i < count && this.live > 0; i++) {
      const from = zone ?? this.largestZone();
      const node = this.newestLiveIn(from);
      if (node < 0) break;
      this.removeNode(node, now);
      removed.push(node);
    }
    return removed;
  }

  /** Terminates one node by index (a no-op if it is already gone). */
  removeNode(node: number, now: number): void {
    this.checked(node);
    if (this.removed[node] === 1) return;
    const pods = this.pods[node];
    this.removed[node] = 1;
    this.live--;
    this.liveByZone[this.zone[node]]--;
    this.byCondition[this.condition[node]]--;
    if (!Number.isNaN(this.taintTime[node])) {
      this.taintTime[node] = Number.NaN;
      this.tainted--;
    }
    this.podsTotal -= pods;
    this.pods[node] = 0;
    this.emit("onNodeRemoved", node, pods, now);
  }

  // --- controller writes ----------------------------------------------------------------

  /** Controller write: the Ready condition (the kubelet's status post also lands here). */
  setCondition(node: number, condition: NodeCondition, now: number): void {
    this.checked(node);
    const before = this.condition[node] as NodeCondition;
    if (before === condition || this.removed[node] === 1) return;
    this.byCondition[before]--;
    this.byCondition[condition]++;
    this.condition[node] = condition;
    this.conditionSince[node] = now;
    const wasReady = before === NodeCondition.Ready;
    const isReady = condition === NodeCondition.Ready;
    if (wasReady !== isReady) this.emit("onNodeReadinessChanged", node, isReady, now);
  }

  /** Controller write: adds the NoExecute taint (not-ready or unreachable) at `now`. */
  taint(node: number, now: number): void {
    this.checked(node);
    if (this.removed[node] === 1 || !Number.isNaN(this.taintTime[node])) return;
    this.taintTime[node] = now;
    this.tainted++;
    this.emit("onNodeTaintChanged", node, true, now);
  }

  /** Controller write: removes the NoExecute taints, which cancels pending evictions. */
  untaint(node: number, now: number): void {
    this.checked(node);
    if (Number.isNaN(this.taintTime[node])) return;
    this.taintTime[node] = Number.NaN;
    this.tainted--;
    this.emit("onNodeTaintChanged", node, false, now);
  }

  /** Controller write: deletes every pod bound to the node. Returns how many there were. */
  evictPods(node: number, now: number): number {
    this.checked(node);
    const pods = this.pods[node];
    if (this.removed[node] === 1 || pods === 0) return 0;
    this.pods[node] = 0;
    this.podsTotal -= pods;
    this.evictedPods[node] = this.evictedPods[node] + pods;
    this.evictionTime[node] = now;
    this.emit("onPodsEvicted", node, pods, now);
    return pods;
  }

  /** Endpoint controllers' write: whether the node's pods are listed as ready endpoints. */
  setEndpointsListed(node: number, listed: boolean, now: number): void {
    this.checked(node);
    const value = listed ? 1 : 0;
    if (this.listed[node] === value) return;
    this.listed[node] = value;
    this.emit("onEndpointsListedChanged", node, listed, now);
  }

  // --- internals --------------------------------------------------------------------------

  private appendNode(zone: number, pods: number, now: number): number {
    if (this.slots === this.zone.length) this.grow(this.slots * 2);
    const node = this.slots++;
    this.zone[node] = zone;
    this.removed[node] = 0;
    this.pods[node] = pods;
    this.leaseRenewed[node] = now;
    this.kubeletReady[node] = 1;
    this.condition[node] = NodeCondition.Ready;
    this.conditionSince[node] = now;
    this.taintTime[node] = Number.NaN;
    this.evictedPods[node] = 0;
    this.evictionTime[node] = Number.NaN;
    this.listed[node] = 1;
    this.live++;
    this.liveByZone[zone]++;
    this.byCondition[NodeCondition.Ready]++;
    this.podsTotal += pods;
    return node;
  }

  private grow(capacity: number): void {
    const copy = <T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(
      old: T,
      fresh: T,
    ): T => {
      fresh.set(old);
      return fresh;
    };
    this.zone = copy(this.zone, new Uint16Array(capacity));
    this.removed = copy(this.removed, new Uint8Array(capacity));
    this.pods = copy(this.pods, new Int32Array(capacity));
    this.leaseRenewed = copy(this.leaseRenewed, new Float64Array(capacity));
    this.kubeletReady = copy(this.kubeletReady, new Uint8Array(capacity));
    this.condition = copy(this.condition, new Uint8Array(capacity));
    this.conditionSince = copy(this.conditionSince, new Float64Array(capacity));
    this.taintTime = copy(this.taintTime, new Float64Array(capacity));
    this.evictedPods = copy(this.evictedPods, new Int32Array(capacity));
    this.evictionTime = copy(this.evictionTime, new Float64Array(capacity));
    this.listed = copy(this.listed, new Uint8Array(capacity));
  }

  private smallestZone(): number {
    let best = 0;
    for (let zone = 1; zone < this.zoneCount; zone++) {
      if (this.liveByZone[zone] < this.liveByZone[best]) best = zone;
    }
    return best;
  }

  private largestZone(): number {
    let best = 0;
    for (let zone = 1; zone < this.zoneCount; zone++) {
      if (this.liveByZone[zone] > this.liveByZone[best]) best = zone;
    }
    return best;
  }

  private newestLiveIn(zone: number): number {
    for (let node = this.slots - 1; node >= 0; node--) {
      if (this.removed[node] === 0 && this.zone[node] === zone) return node;
    }
    return -1;
  }

  private checked(node: number): number {
    if (!Number.isInteger(node) || node < 0 || node >= this.slots) {
      throw new RangeError(`no node ${node} (pool has ${this.slots} rows)`);
    }
    return node;
  }

  private emit<K extends keyof NodeEvents>(event: K, ...args: Parameters<NodeEvents[K]>): void {
    for (const listener of this.listeners) {
      const handler = listener[event] as ((...a: Parameters<NodeEvents[K]>) => void) | undefined;
      handler?.apply(listener, args);
    }
  }
}
