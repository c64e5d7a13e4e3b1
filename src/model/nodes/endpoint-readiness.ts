/**
 * What the endpoint controllers (EndpointSlice and Endpoints, in kube-controller-manager) list
 * for the pods of each Service, driven by node state only.
 *
 * A pod is listed as a ready endpoint while its node is Ready (the node lifecycle controller
 * marks the pods of a NotReady node not ready), its pods were not evicted and the node still
 * exists. The controllers write through the API: when it is unreachable the listing stays as it
 * was, and the pending nodes are written once a retry finds the API again. A removed node's
 * pods stay listed until then although nothing serves them.
 */
import type { Simulation } from "../../sim/index.js";
import type { NodePool } from "./node-pool.js";
import type { ControllerApi } from "./controller-api.js";

export interface ServiceSpec {
  name: string;
  /** The node index of each of the Service's pods (one entry per pod). */
  podNodes: ArrayLike<number>;
}

/** Minimal random source: `next()` in [0, 1) (a RandomStream). */
export interface UniformRandom {
  next(): number;
}

/**
 * Places `replicas` pods on live nodes chosen uniformly at random (with replacement, as the
 * default scheduler spreads one Deployment over a large cluster).
 */
export function spreadPods(pool: NodePool, replicas: number, random: UniformRandom): Int32Array {
  const live: number[] = [];
  for (let node = 0; node < pool.size; node++) if (!pool.isRemoved(node)) live.push(node);
  if (live.length === 0 && replicas > 0) throw new RangeError("no live node to place pods on");
  const placed = new Int32Array(replicas);
  for (let pod = 0; pod < replicas; pod++) {
    placed[pod] = live[Math.floor(random.next() * live.length)];
  }
  return placed;
}

export class EndpointReadiness {
  private readonly names: string[] = [];
  private readonly podCounts: number[] = [];
  private readonly listedReady: number[] = [];
  private readonly unchangedSince: number[] = [];
  /** Pods of all services, in service order: their node. */
  private podNode = new Int32Array(0);
  private podService = new Int32Array(0);
  /** Pods by node (compressed rows): pods of node n are podsByNode[rowStart[n]..rowStart[n+1]). */
  private rowStart = new Int32Array(1);
  private podsByNode = new Int32Array(0);
  private pending = new Uint8Array(0);
  private readonly pendingNodes: number[] = [];
  private retryHandle = -1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly sim: Simulation,
    private readonly pool: NodePool,
    private readonly api: ControllerApi,
    private readonly retrySeconds: number,
  ) {
    const changed = (node: number, _value: unknown, now: number): void =>
      this.nodeChanged(node, now);
    this.unsubscribe = pool.subscribe({
      onNodeReadinessChanged: changed,
      onPodsEvicted: changed,
      onNodeRemoved: changed,
      onNodeAdded: (node, now) => this.nodeChanged(node, now),
      onEndpointsListedChanged: (node, listed, now) => this.listingChanged(node, listed, now),
    });
  }

  /** Stops listening to the pool and cancels a pending retry. */
  dispose(): void {
    this.unsubscribe();
    if (this.retryHandle >= 0) this.sim.cancel(this.retryHandle);
    this.retryHandle = -1;
  }

  /** Adds a Service; returns its index. Its endpoint set counts as unchanged from now. */
  addService(spec: ServiceSpec): number {
    const service = this.names.length;
    const added = spec.podNodes.length;
    let listed = 0;
    for (let pod = 0; pod < added; pod++) {
      const node = spec.podNodes[pod];
      if (!Number.isInteger(node) || node < 0 || node >= this.pool.size) {
        throw new RangeError(`service ${spec.name}: pod ${pod} is on unknown node ${node}`);
      }
      if (this.pool.endpointsListed(node)) listed++;
    }
    this.names.push(spec.name);
    this.podCounts.push(added);
    this.listedReady.push(listed);
    this.unchangedSince.push(this.sim.now);
    const podNode = new Int32Array(this.podNode.length + added);
    podNode.set(this.podNode);
    const podService = new Int32Array(podNode.length);
    podService.set(this.podService);
    for (let pod = 0; pod < added; pod++) {
      podNode[this.podNode.length + pod] = spec.podNodes[pod];
      podService[this.podNode.length + pod] = service;
    }
    this.podNode = podNode;
    this.podService = podService;
    this.rebuildIndex();
    return service;
  }

  get serviceCount(): number {
    return this.names.length;
  }
  serviceName(service: number): string {
    return this.names[this.checked(service)];
  }
  podCount(service: number): number {
    return this.podCounts[this.checked(service)];
  }
  /** Endpoints listed as ready. */
  readyEndpoints(service: number): number {
    return this.listedReady[this.checked(service)];
  }
  /** Fraction of the Service's pods listed as ready endpoints (1 for a Service without pods). */
  readyFraction(service: number): number {
    const pods = this.podCount(service);
    return pods === 0 ? 1 : this.readyEndpoints(service) / pods;
  }
  /** Since when (s) the Service's listed endpoint set has not changed. */
  unchangedSinceOf(service: number): number {
    return this.unchangedSince[this.checked(service)];
  }
  /** Endpoints listed as ready whose pod no longer exists (its node was removed): black holes. */
  listedGoneEndpoints(service: number): number {
    this.checked(service);
    let gone = 0;
    for (let pod = 0; pod < this.podNode.length; pod++) {
      if (this.podService[pod] !== service) continue;
      const node = this.podNode[pod];
      if (this.pool.endpointsListed(node) && this.pool.isRemoved(node)) gone++;
    }
    return gone;
  }

  /** Fraction of live nodes whose pods the endpoint controllers list as ready (1 when none). */
  readyNodeFraction(): number {
    let listed = 0;
    for (let node = 0; node < this.pool.size; node++) {
      if (!this.pool.isRemoved(node) && this.pool.endpointsListed(node)) listed++;
    }
    return this.pool.liveCount === 0 ? 1 : listed / this.pool.liveCount;
  }

  /** Nodes whose listing the endpoint controllers still have to write. */
  get pendingCount(): number {
    return this.pendingNodes.length;
  }

  /** Writes the pending listings now if the API is reachable; returns how many nodes changed. */
  flush(now: number): number {
    if (this.pendingNodes.length === 0 || !this.api.reachable()) return 0;
    let changed = 0;
    for (const node of this.pendingNodes) {
      this.pending[node] = 0;
      const wanted =
        !this.pool.isRemoved(node) &&
        this.pool.isReady(node) &&
        Number.isNaN(this.pool.evictedAt(node));
      if (wanted !== this.pool.endpointsListed(node)) {
        this.pool.setEndpointsListed(node, wanted, now);
        changed++;
      }
    }
    this.pendingNodes.length = 0;
    return changed;
  }

  private nodeChanged(node: number, now: number): void {
    if (node >= this.pending.length) {
      const grown = new Uint8Array(Math.max(node + 1, this.pending.length * 2, 16));
      grown.set(this.pending);
      this.pending = grown;
    }
    if (this.pending[node] === 0) {
      this.pending[node] = 1;
      this.pendingNodes.push(node);
    }
    if (this.flush(now) === 0 && this.pendingNodes.length > 0) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryHandle >= 0) return;
    this.retryHandle = this.sim.schedule(this.retrySeconds, this.retry);
  }

  private readonly retry = (): void => {
    this.retryHandle = -1;
    this.flush(this.sim.now);
    if (this.pendingNodes.length > 0) this.scheduleRetry();
  };

  private listingChanged(node: number, listed: boolean, now: number): void {
    if (node + 1 >= this.rowStart.length) return;
    const delta = listed ? 1 : -1;
    for (let at = this.rowStart[node]; at < this.rowStart[node + 1]; at++) {
      const service = this.podService[this.podsByNode[at]];
      this.listedReady[service] = this.listedReady[service] + delta;
      this.unchangedSince[service] = now;
    }
  }

  private rebuildIndex(): void {
    const nodes = this.pool.size;
    const counts = new Int32Array(nodes + 1);
    for (let pod = 0; pod < this.podNode.length; pod++) counts[this.podNode[pod] + 1]++;
    for (let node = 0; node < nodes; node++) counts[node + 1] += counts[node];
    const fill = counts.slice(0, nodes);
    const byNode = new Int32Array(this.podNode.length);
    for (let pod = 0; pod < this.podNode.length; pod++) byNode[fill[this.podNode[pod]]++] = pod;
    this.rowStart = counts;
    this.podsByNode = byNode;
  }

  private checked(service: number): number {
    if (!Number.isInteger(service) || service < 0 || service >= this.names.length) {
      throw new RangeError(`no service ${service}`);
    }
    return service;
  }
}
