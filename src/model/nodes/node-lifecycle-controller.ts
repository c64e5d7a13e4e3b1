/**
 * The node lifecycle controller of kube-controller-manager (pkg/controller/nodelifecycle) with
 * the taint eviction that follows its NoExecute taints (pkg/controller/tainteviction):
 *
 * - every node monitor period, a node whose lease it has not seen renewed within the grace
 *   period is marked Ready=Unknown;
 * - each zone is Normal, PartialDisruption (at least the unhealthy-zone threshold of its nodes,
 *   and more than two, not Ready) or FullDisruption (no Ready node);
 * - not-ready nodes queue for a NoExecute taint, applied per zone at the zone's rate: the
 *   eviction rate, the secondary rate in PartialDisruption (0 for zones of at most the
 *   large-cluster threshold), and 0 everywhere when every zone is in FullDisruption, which also
 *   removes every taint because the controller then blames the control plane, not the nodes;
 * - the pods of a tainted node are deleted tolerationSeconds after the taint.
 *
 * All of it runs on one kernel event at a time, rescheduled for the next monitor pass, the next
 * token of a zone with queued nodes, or the next eviction due, whichever comes first. When the
 * controller cannot reach the API it changes nothing, and it sees no lease renewals either.
 */
import type { Simulation } from "../../sim/index.js";
import { nodeMonitorGracePeriod, type NodesConfig } from "./config.js";
import type { ControllerApi } from "./controller-api.js";
import { EndpointReadiness } from "./endpoint-readiness.js";
import { NodeCondition, type NodeEvents, type NodePool } from "./node-pool.js";
import { EvictionRateLimiter, ZoneTaintQueues } from "./zone-tainters.js";

export const ZoneState = {
  /** A zone whose nodes the controller has not yet assessed. */
  Initial: "Initial",
  Normal: "Normal",
  PartialDisruption: "PartialDisruption",
  FullDisruption: "FullDisruption",
} as const;
export type ZoneState = (typeof ZoneState)[keyof typeof ZoneState];

export interface NodeLifecycleStats {
  monitorPasses: number;
  /** Monitor passes skipped because the API was unreachable. */
  skippedPasses: number;
  /** NoExecute taints added (upstream counts these as node_collector_evictions_total). */
  taintsApplied: number;
  /** Nodes whose pods were evicted after their toleration ran out. */
  nodesEvicted: number;
  podsEvicted: number;
  /** Times the controller entered full-disruption mode (every zone without a Ready node). */
  fullDisruptionEntries: number;
}

// Times a few ulps apart are the same instant (tick arithmetic in floating point).
const TIME_EPSILON = 1e-9;

export class NodeLifecycleController {
  readonly stats: NodeLifecycleStats = {
    monitorPasses: 0,
    skippedPasses: 0,
    taintsApplied: 0,
    nodesEvicted: 0,
    podsEvicted: 0,
    fullDisruptionEntries: 0,
  };
  /** The endpoint controllers' listing of the pods, per node and per Service. */
  readonly endpoints: EndpointReadiness;
  readonly gracePeriodSeconds: number;

  /** The lease renewal time the controller last saw, per node. */
  private seenLease = new Float64Array(0);
  /** When the controller last saw a renewal (its probeTimestamp), per node. */
  private probeTime = new Float64Array(0);
  private knownRows = 0;
  private readonly zoneStates: (ZoneState | undefined)[];
  private readonly limiters: EvictionRateLimiter[];
  private queues: ZoneTaintQueues;
  /** Taints in the order they were added: node and taint time; due tolerationSeconds later. */
  private readonly evictionNodes: number[] = [];
  private readonly evictionTaintTimes: number[] = [];
  private evictionHead = 0;
  private startTime = 0;
  /** The first monitor pass of the current outage; NaN while the API is reachable. */
  private unreachableSince = Number.NaN;
  private monitorTick = 0;
  private wakeHandle = -1;
  private running = false;

  constructor(
    private readonly sim: Simulation,
    readonly pool: NodePool,
    private readonly api: ControllerApi,
    readonly config: NodesConfig,
  ) {
    this.gracePeriodSeconds = nodeMonitorGracePeriod(config);
    this.zoneStates = new Array<ZoneState | undefined>(pool.zoneCount).fill(undefined);
    this.limiters = Array.from(
      { length: pool.zoneCount },
      () => new EvictionRateLimiter(config.nodeEvictionRate, sim.now),
    );
    this.queues = new ZoneTaintQueues(pool.zoneCount);
    this.endpoints = new EndpointReadiness(sim, pool, api, config.endpointRetrySeconds);
  }

  /** Starts the controller: the first monitor pass runs now, then every monitor period. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startTime = this.sim.now;
    this.monitorTick = 0;
    this.reschedule(this.startTime);
  }

  /**
   * The controller of a newly elected leader: it has no node health recorded, so every node's
   * probe time is now (tryUpdateNodeHealth) and gets a fresh grace period; zones start over and
   * the in-memory taint queues are empty. Taints already written stay (they are API objects).
   */
  restart(): void {
    this.stop();
    this.knownRows = 0;
    this.zoneStates.fill(undefined);
    this.queues = new ZoneTaintQueues(this.pool.zoneCount);
    this.unreachableSince = Number.NaN;
    this.start();
  }

  stop(): void {
    this.running = false;
    if (this.wakeHandle >= 0) this.sim.cancel(this.wakeHandle);
    this.wakeHandle = -1;
  }

  /** Subscribes to node changes (readiness, taints, evictions, removals, endpoint listing). */
  subscribe(listener: Partial<NodeEvents>): () => void {
    return this.pool.subscribe(listener);
  }

  get readyCount(): number {
    return this.pool.readyCount;
  }
  get notReadyCount(): number {
    return this.pool.notReadyCount;
  }
  get unknownCount(): number {
    return this.pool.unknownCount;
  }
  get taintedCount(): number {
    return this.pool.taintedCount;
  }
  get podsEvicted(): number {
    return this.stats.podsEvicted;
  }
  /** Fraction of live nodes whose pods the endpoint controllers list as ready. */
  readyEndpointNodeFraction(): number {
    return this.endpoints.readyNodeFraction();
  }
  /** The zone's state after the last monitor pass; undefined for a zone without nodes. */
  zoneState(zone: number): ZoneState | undefined {
    return this.zoneStates[zone];
  }
  /** The zone tainter's current rate (taints per second). */
  zoneEvictionRate(zone: number): number {
    const limiter = this.limiters[zone];
    if (limiter === undefined) throw new RangeError(`no zone ${zone}`);
    return limiter.qps;
  }
  /** True while every zone with nodes is in FullDisruption (evictions stopped). */
  get inFullDisruptionMode(): boolean {
    let any = false;
    for (const state of this.zoneStates) {
      if (state === undefined) continue;
      if (state !== ZoneState.FullDisruption) return false;
      any = true;
    }
    return any;
  }
  /** Nodes waiting for a NoExecute taint in the zone's queue. */
  queuedForTaint(zone: number): number {
    return this.queues.length(zone);
  }

  // --- the one kernel event -------------------------------------------------------------

  private readonly wake = (): void => {
    this.wakeHandle = -1;
    if (!this.running) return;
    const now = this.sim.now;
    if (now >= this.nextMonitorAt() - TIME_EPSILON) {
      this.monitorNodeHealth(now);
      this.monitorTick++;
    }
    this.taintingPass(now);
    this.evictDuePods(now);
    this.endpoints.flush(now);
    this.reschedule(now);
  };

  private nextMonitorAt(): number {
    return this.startTime + this.monitorTick * this.config.nodeMonitorPeriodSeconds;
  }

  private reschedule(now: number): void {
    let next = this.nextMonitorAt();
    const taintAt = this.nextTaintingPassAt(now);
    if (taintAt < next) next = taintAt;
    if (this.evictionHead < this.evictionNodes.length) {
      const due = this.evictionTaintTimes[this.evictionHead] + this.config.tolerationSeconds;
      // An eviction that found the API unreachable waits for the next monitor pass.
      if (due > now + TIME_EPSILON && due < next) next = due;
    }
    if (this.wakeHandle >= 0) this.sim.cancel(this.wakeHandle);
    this.wakeHandle = this.sim.scheduleAt(Math.max(next, now), this.wake);
  }

  /** The first tainting pass (on its 100 ms grid) at which some queued zone has a token. */
  private nextTaintingPassAt(now: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (let zone = 0; zone < this.limiters.length; zone++) {
      if (this.queues.length(zone) === 0) continue;
      const at = this.limiters[zone].nextTokenAt(now);
      if (at < earliest) earliest = at;
    }
    if (!Number.isFinite(earliest)) return earliest;
    const period = this.config.taintingPassPeriodSeconds;
    let tick = Math.ceil((earliest - this.startTime) / period - TIME_EPSILON);
    let at = this.startTime + tick * period;
    while (at <= now + TIME_EPSILON) at = this.startTime + ++tick * period;
    return at;
  }

  // --- monitorNodeHealth ------------------------------------------------------------------

  private monitorNodeHealth(now: number): void {
    const reachable = this.api.reachable();
    this.observeNewRows(now);
    if (!reachable) {
      // The informer cache still holds the renewals it received before it lost the API (taken
      // to be those up to the first pass that failed), and the controller keeps noting them;
      // every write (conditions, taints) fails.
      if (Number.isNaN(this.unreachableSince)) this.unreachableSince = now;
      this.stats.skippedPasses++;
      this.observeLeases(now, this.unreachableSince);
      return;
    }
    this.unreachableSince = Number.NaN;
    this.stats.monitorPasses++;
    // A lease informer whose watch is broken holds renewals only up to when it broke: nodes
    // look stale to a controller that still leads (kubernetes issue #85221).
    this.observeLeases(now, Math.min(now, this.api.leasesSeenUntil?.(now) ?? now));
    const pool = this.pool;
    const zones = pool.zoneCount;
    const total = new Int32Array(zones);
    const ready = new Int32Array(zones);
    const { removed, zone: zoneOf, condition, taintTime } = pool.columns();
    const staleBefore = now - this.gracePeriodSeconds - TIME_EPSILON;
    const probeTime = this.probeTime;
    const size = pool.size;
    for (let node = 0; node < size; node++) {
      const zone = zoneOf[node];
      if (removed[node] === 1) {
        if (this.queues.isQueued(node)) this.queues.remove(zone, node);
        continue;
      }
      const observed = condition[node] as NodeCondition;
      let current = observed;
      if (probeTime[node] < staleBefore && observed !== NodeCondition.Unknown) {
        current = NodeCondition.Unknown;
        pool.setCondition(node, current, now);
      }
      total[zone]++;
      if (current === NodeCondition.Ready) {
        ready[zone]++;
      }
      // processTaintBaseEviction judges on the condition as it was before this pass.
      if (observed === NodeCondition.Ready) {
        if (!Number.isNaN(taintTime[node]) || this.queues.isQueued(node)) {
          this.markNodeAsReachable(node, zone, now);
        }
      } else if (Number.isNaN(taintTime[node])) {
        this.queues.add(zone, node);
      }
    }
    this.handleDisruption(total, ready, now);
  }

  /**
   * Notes lease renewals made up to `seenUntil` that the controller has not seen yet: their
   * probe time becomes now (tryUpdateNodeHealth judges on its own clock). When the API is
   * reachable, a kubelet that renews also posts its node status within one status period
   * (10 s), which the renewal stands for here.
   */
  private observeLeases(now: number, seenUntil: number): void {
    const pool = this.pool;
    const { removed, leaseRenewed, kubeletReady, condition } = pool.columns();
    const seenLease = this.seenLease;
    const probeTime = this.probeTime;
    const size = pool.size;
    for (let node = 0; node < size; node++) {
      const renewed = leaseRenewed[node];
      if (renewed <= seenLease[node] || renewed > seenUntil || removed[node] === 1) continue;
      seenLease[node] = renewed;
      probeTime[node] = now;
      if (seenUntil === now) {
        const status = kubeletReady[node] === 1 ? NodeCondition.Ready : NodeCondition.NotReady;
        if (condition[node] !== status) pool.setCondition(node, status, now);
      }
    }
  }

  private observeNewRows(now: number): void {
    const size = this.pool.size;
    if (size > this.seenLease.length) {
      const capacity = Math.max(size, this.seenLease.length * 2);
      const seen = new Float64Array(capacity);
      seen.set(this.seenLease);
      const probe = new Float64Array(capacity);
      probe.set(this.probeTime);
      this.seenLease = seen;
      this.probeTime = probe;
    }
    for (let node = this.knownRows; node < size; node++) {
      this.seenLease[node] = this.pool.leaseRenewedAt(node);
      this.probeTime[node] = now;
    }
    this.knownRows = size;
  }

  private markNodeAsReachable(node: number, zone: number, now: number): void {
    this.pool.untaint(node, now);
    this.queues.remove(zone, node);
  }

  // --- handleDisruption ---------------------------------------------------------------------

  private handleDisruption(total: Int32Array, ready: Int32Array, now: number): void {
    const zones = total.length;
    const newStates: (ZoneState | undefined)[] = new Array<ZoneState | undefined>(zones);
    let allAreFullyDisrupted = true;
    for (let zone = 0; zone < zones; zone++) {
      if (total[zone] === 0) continue;
      newStates[zone] = this.computeZoneState(total[zone], ready[zone]);
      if (newStates[zone] !== ZoneState.FullDisruption) allAreFullyDisrupted = false;
      if (this.zoneStates[zone] === undefined) this.zoneStates[zone] = ZoneState.Initial;
    }
    let allWereFullyDisrupted = true;
    for (let zone = 0; zone < zones; zone++) {
      const state = this.zoneStates[zone];
      if (state === undefined) continue;
      if (total[zone] === 0) {
        this.zoneStates[zone] = undefined;
        continue;
      }
      if (state !== ZoneState.FullDisruption) allWereFullyDisrupted = false;
    }
    if (allAreFullyDisrupted && allWereFullyDisrupted) return;

    if (allAreFullyDisrupted) {
      // Entering full-disruption mode: every node looks down, so the control plane or the
      // network is the likelier culprit. Stop all evictions and lift every taint.
      this.stats.fullDisruptionEntries++;
      for (let node = 0; node < this.pool.size; node++) {
        if (!this.pool.isRemoved(node)) this.markNodeAsReachable(node, this.pool.zoneOf(node), now);
      }
      for (let zone = 0; zone < zones; zone++) {
        if (this.zoneStates[zone] === undefined) continue;
        this.limiters[zone].swap(0, now);
        this.zoneStates[zone] = ZoneState.FullDisruption;
      }
      return;
    }
    if (allWereFullyDisrupted) {
      // Leaving it: every node gets a fresh grace period before it can be judged again.
      for (let node = 0; node < this.pool.size; node++) this.probeTime[node] = now;
    }
    for (let zone = 0; zone < zones; zone++) {
      const state = this.zoneStates[zone];
      if (state === undefined) continue;
      const next = newStates[zone];
      // Zones in zoneStates all have nodes now (the others were dropped above).
      if (next === undefined || (state === next && !allWereFullyDisrupted)) continue;
      this.limiters[zone].swap(this.rateFor(next, total[zone]), now);
      this.zoneStates[zone] = next;
    }
  }

  /** ComputeZoneState: FullDisruption with no Ready node, PartialDisruption past the threshold. */
  private computeZoneState(total: number, ready: number): ZoneState {
    const notReady = total - ready;
    if (ready === 0 && notReady > 0) return ZoneState.FullDisruption;
    if (notReady > 2 && notReady / total >= this.config.unhealthyZoneThreshold) {
      return ZoneState.PartialDisruption;
    }
    return ZoneState.Normal;
  }

  /** setLimiterInZone: HealthyQPSFunc for Normal and FullDisruption, ReducedQPSFunc for Partial. */
  private rateFor(state: ZoneState, zoneSize: number): number {
    if (state === ZoneState.PartialDisruption) {
      return zoneSize > this.config.largeClusterSizeThreshold
        ? this.config.secondaryNodeEvictionRate
        : 0;
    }
    return this.config.nodeEvictionRate;
  }

  // --- doNoExecuteTaintingPass and taint eviction -------------------------------------------

  private taintingPass(now: number): void {
    for (let zone = 0; zone < this.limiters.length; zone++) {
      const limiter = this.limiters[zone];
      for (;;) {
        const node = this.queues.head(zone);
        if (node < 0 || !limiter.tryAccept(now)) break;
        if (this.pool.isRemoved(node) || this.pool.isReady(node)) {
          this.queues.pop(zone);
          continue;
        }
        // The taint is a write: when it fails the node stays at the head, the token is spent.
        if (!this.api.reachable()) break;
        this.queues.pop(zone);
        this.pool.taint(node, now);
        this.stats.taintsApplied++;
        this.evictionNodes.push(node);
        this.evictionTaintTimes.push(now);
      }
    }
  }

  private evictDuePods(now: number): void {
    const toleration = this.config.tolerationSeconds;
    while (this.evictionHead < this.evictionNodes.length) {
      const node = this.evictionNodes[this.evictionHead];
      const taintedAt = this.evictionTaintTimes[this.evictionHead];
      if (taintedAt + toleration > now + TIME_EPSILON) break;
      // A taint lifted (or replaced) since cancels this eviction.
      if (this.pool.isRemoved(node) || this.pool.taintedAt(node) !== taintedAt) {
        this.evictionHead++;
        continue;
      }
      if (!this.api.reachable()) break;
      const pods = this.pool.evictPods(node, now);
      if (pods > 0) {
        this.stats.nodesEvicted++;
        this.stats.podsEvicted += pods;
      }
      this.evictionHead++;
    }
    if (this.evictionHead > 1024 && this.evictionHead * 2 > this.evictionNodes.length) {
      this.evictionNodes.splice(0, this.evictionHead);
      this.evictionTaintTimes.splice(0, this.evictionHead);
      this.evictionHead = 0;
    }
  }
}
