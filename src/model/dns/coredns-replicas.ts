/**
 * The CoreDNS Deployment's replicas as classes of replicas in identical states
 * (replica-class.ts): which class each replica is in, splitting a class when its replicas'
 * informers disagree or one is killed alone, merging classes that have become alike, and each
 * class's start, load, memory, OOM kills, liveness failures and CrashLoopBackOff.
 */
import type { Simulation } from "../../sim/index.js";
import type { DnsConfig } from "./config.js";
import type { KubeDnsEndpoints, ReplicaStatus, ServiceStoreFeed } from "./dns-types.js";
import { FluidCache } from "./fluid-cache.js";
import type { NameKey } from "./name-table.js";
import { NOT_SYNCED, ReplicaClass, STALE, WATCHING } from "./replica-class.js";

const NEVER = Number.NaN;
/** Weight of the previous tick in a replica's load estimate. */
const LOAD_SMOOTHING = 0.5;
/**
 * Ticks between two searches for replica classes whose states have become the same: short
 * after a split, doubling up to the maximum while searches find nothing (they cost
 * classes² comparisons).
 */
const MERGE_CHECK_MIN_TICKS = 10;
const MERGE_CHECK_MAX_TICKS = 160;
/**
 * Classes merge when their cache fractions (and loads, relative) agree to within this and
 * their data ages to within MERGE_TIME_TOLERANCE (s): far below the percent resolution of any
 * output, and loose enough that replicas restarted at different moments merge again once their
 * caches refill (exact equality is never reached by states that converge in floating point).
 */
const MERGE_FRACTION_TOLERANCE = 1e-4;
const MERGE_TIME_TOLERANCE = 0.5;

export class CoreDnsReplicas {
  readonly count: number;
  private readonly tick: number;
  /** Classes of replicas in identical states; `classOf[r]` is replica r's index in it. */
  private classList: ReplicaClass[] = [];
  private readonly classOf: Int32Array;
  /** Per replica: kept outside the classes as they do not affect behaviour. */
  private readonly restarts: Uint32Array;
  private readonly oomKills: Uint32Array;
  /** This tick's share of the kube-dns Service's flows that each replica in it gets. */
  perReplicaWeight = 0;
  private mergeCheckInterval = MERGE_CHECK_MIN_TICKS;
  private nextMergeCheck = MERGE_CHECK_MIN_TICKS;

  /**
   * The Deployment was ready before the model starts: every replica up, in the Service, with
   * warm caches for every name, all in one class.
   */
  constructor(
    private readonly sim: Simulation,
    private readonly config: DnsConfig,
    keys: readonly NameKey[],
  ) {
    const replicas = config.coreDns.replicas;
    this.count = replicas;
    this.tick = config.tickSeconds;
    this.classOf = new Int32Array(replicas);
    this.restarts = new Uint32Array(replicas);
    this.oomKills = new Uint32Array(replicas);
    const initial = new ReplicaClass(
      sim.now,
      keys.map((key) => {
        const cache = new FluidCache(key.coreDnsTtlTicks, key.coreDnsStaleTicks);
        cache.warm(sim.now);
        return cache;
      }),
    );
    initial.members = replicas;
    this.classList.push(initial);
  }

  /** The classes now; the list is replaced when empty classes are dropped. */
  get classes(): readonly ReplicaClass[] {
    return this.classList;
  }

  /** Kill replica r's process now; `ticks` is the model's tick count. */
  restart(replica: number, ticks: number): void {
    this.check(replica);
    const own = this.classList[this.classOf[replica]!]!;
    if (!own.up) return;
    this.kill(own.members > 1 ? this.splitOff(replica, own, ticks) : own);
  }

  status(replica: number): ReplicaStatus {
    this.check(replica);
    const r = replica;
    const c = this.classList[this.classOf[r]!]!;
    const capacity = this.config.coreDns.capacityQps;
    const up = c.up;
    const synced = up && c.synced;
    return {
      replica: r,
      up,
      synced,
      stale: synced && !c.watching,
      ready: synced,
      inService: c.inService,
      offeredQps: c.offered,
      answeredQps: up ? c.offered * (1 - c.dropFraction) : 0,
      cpuUtilisation: up ? c.offered / capacity : 0,
      memoryBytes: c.memoryBytes,
      restarts: this.restarts[r]!,
      oomKills: this.oomKills[r]!,
    };
  }

  /** Replicas that are ready (up and synced). */
  ready(): number {
    let ready = 0;
    for (const c of this.classList) if (c.up && c.synced) ready += c.members;
    return ready;
  }

  private check(replica: number): void {
    if (!(replica >= 0 && replica < this.count) || !Number.isInteger(replica)) {
      throw new RangeError(`no CoreDNS replica ${replica}`);
    }
  }

  /** Every cache of every class ages one tick. */
  advanceCaches(): void {
    for (const c of this.classList) for (const cache of c.caches) cache.advance();
  }

  /** Moves replica r out of `from` into a new class in the same state. */
  private splitOff(replica: number, from: ReplicaClass, ticks: number): ReplicaClass {
    const split = from.cloneState();
    this.mergeCheckInterval = MERGE_CHECK_MIN_TICKS;
    this.nextMergeCheck = Math.min(this.nextMergeCheck, ticks + MERGE_CHECK_MIN_TICKS);
    from.members -= 1;
    split.members = 1;
    this.classOf[replica] = this.classList.length;
    this.classList.push(split);
    return split;
  }

  /** Searches for classes to merge when one is due, backing off while searches find none. */
  mergeIfDue(ticks: number, now: number): void {
    if (this.classList.length > 1 && ticks >= this.nextMergeCheck) {
      const merged = this.mergeAlikeClasses(now);
      this.mergeCheckInterval = merged
        ? MERGE_CHECK_MIN_TICKS
        : Math.min(MERGE_CHECK_MAX_TICKS, 2 * this.mergeCheckInterval);
      this.nextMergeCheck = ticks + this.mergeCheckInterval;
    }
  }

  /**
   * Folds classes whose states have become the same (to within the merge tolerances) into the
   * larger of them: replicas that split apart converge once their inputs agree again.
   */
  private mergeAlikeClasses(now: number): boolean {
    const classes = this.classList;
    const resetAfter = this.config.coreDns.restartBackoffResetAfter;
    let merged = false;
    for (let i = 0; i < classes.length; i++) {
      if (classes[i]!.members === 0) continue;
      for (let j = i + 1; j < classes.length; j++) {
        const a = classes[i]!;
        const b = classes[j]!;
        if (b.members === 0) continue;
        if (!a.closeTo(b, now, resetAfter, MERGE_FRACTION_TOLERANCE, MERGE_TIME_TOLERANCE)) {
          continue;
        }
        const [into, from] = b.members > a.members ? [j, i] : [i, j];
        classes[into]!.members += classes[from]!.members;
        classes[from]!.members = 0;
        for (let r = 0; r < this.count; r++) {
          if (this.classOf[r] === from) this.classOf[r] = into;
        }
        merged = true;
        if (from === i) break;
      }
    }
    if (merged) this.dropEmptyClasses();
    return merged;
  }

  private dropEmptyClasses(): void {
    const renumber = new Int32Array(this.classList.length).fill(-1);
    const kept: ReplicaClass[] = [];
    this.classList.forEach((c, i) => {
      if (c.members === 0) return;
      renumber[i] = kept.length;
      kept.push(c);
    });
    for (let r = 0; r < this.count; r++) this.classOf[r] = renumber[this.classOf[r]!]!;
    this.classList = kept;
  }

  /**
   * Starts the processes whose back-off has run out, then reads each replica's informer and
   * splits a class whose replicas' informers disagree; `ticks` is the model's tick count.
   */
  updateFromFeed(
    feed: ServiceStoreFeed,
    kubeDnsEndpoints: KubeDnsEndpoints,
    ticks: number,
    now: number,
  ): void {
    const canUpdate = kubeDnsEndpoints.canUpdateEndpoints();
    const classes = this.classList;
    const existing = classes.length;
    for (let i = 0; i < existing; i++) {
      const c = classes[i]!;
      c.startingNow = !c.up && now >= c.restartAt;
      if (c.startingNow) {
        c.up = true;
        c.startedAt = now;
        c.restartAt = NEVER;
      }
      c.signature = -1;
      c.splitInto.fill(-1);
    }
    // The informers are asked replica by replica, in order; replicas of one class that answer
    // differently split it.
    for (let r = 0; r < this.count; r++) {
      const index = this.classOf[r]!;
      const c = classes[index]!;
      if (c.startingNow) feed.restart(r);
      const synced = c.up && feed.hasSynced(r);
      const signature = !synced ? NOT_SYNCED : feed.isWatching(r) ? WATCHING : STALE;
      if (c.signature < 0) {
        c.signature = signature;
      } else if (signature !== c.signature) {
        let into = c.splitInto[signature]!;
        if (into < 0) {
          this.splitOff(r, c, ticks);
          into = this.classOf[r]!;
          c.splitInto[signature] = into;
          classes[into]!.signature = signature;
        } else {
          c.members -= 1;
          classes[into]!.members += 1;
          this.classOf[r] = into;
        }
      }
    }
    for (const c of classes) {
      const synced = c.signature !== NOT_SYNCED;
      const watching = c.signature === WATCHING;
      // The store is current while watched; a fresh list is current as of now.
      if (synced && (watching || !c.synced)) c.storeAsOf = now;
      c.synced = synced;
      c.watching = watching;
      // kube-proxy learns of readiness changes only through EndpointSlices, written via the API.
      if (canUpdate) c.inService = synced;
    }
  }

  /** kube-proxy spreads the Service's flows evenly over the replicas in its endpoints. */
  routingWeights(): void {
    let members = 0;
    for (const c of this.classList) if (c.inService) members += c.members;
    this.perReplicaWeight = members > 0 ? 1 / members : 0;
  }

  /** Load, drops, memory, OOM kills and liveness failures from the questions offered. */
  updateLoad(now: number): void {
    const core = this.config.coreDns;
    const storeBytes = (this.config.pods + this.config.services) * core.memoryPerObjectBytes;
    // `kill` may split nothing off, so the class list does not change in this loop.
    for (const c of this.classList) {
      if (!c.up) {
        c.memoryBytes = 0;
        c.load = 0;
        c.backlog = 0;
        c.dropFraction = 0;
        continue;
      }
      // Drops feed back into the load (timeouts end lookups, retries add questions) with a
      // one-tick lag; averaging with the previous tick damps the oscillation that would cause.
      const offered = (c.load = LOAD_SMOOTHING * c.load + (1 - LOAD_SMOOTHING) * c.offered);
      c.dropFraction = offered > core.capacityQps ? 1 - core.capacityQps / offered : 0;
      // Queries beyond capacity pile up (one goroutine each) and drain when the load falls.
      c.backlog = Math.max(0, c.backlog + (offered - core.capacityQps) * this.tick);
      c.memoryBytes =
        core.baseMemoryBytes +
        storeBytes +
        core.memoryPerAnsweredQps * Math.min(offered, core.capacityQps) +
        core.memoryPerQueuedQuery * c.backlog;
      if (c.memoryBytes > core.memoryLimitBytes) {
        this.forMembers(c, (r) => (this.oomKills[r] = this.oomKills[r]! + 1));
        this.kill(c);
        continue;
      }
      if (offered > core.capacityQps) {
        if (Number.isNaN(c.saturatedSince)) c.saturatedSince = now;
        if (now - c.saturatedSince >= core.livenessBudgetSeconds) this.kill(c);
      } else {
        c.saturatedSince = NEVER;
      }
    }
  }

  private forMembers(c: ReplicaClass, action: (replica: number) => void): void {
    const index = this.classList.indexOf(c);
    for (let r = 0; r < this.count; r++) if (this.classOf[r] === index) action(r);
  }

  /** Every replica of class `c` is killed: caches lost, restart after the back-off. */
  private kill(c: ReplicaClass): void {
    const core = this.config.coreDns;
    const now = this.sim.now;
    if (now - c.startedAt >= core.restartBackoffResetAfter) c.backoffStep = 0;
    const delay = Math.min(
      core.restartBackoffMax,
      core.restartBackoffInitial * Math.pow(2, c.backoffStep),
    );
    c.backoffStep += 1;
    c.up = false;
    c.synced = false;
    c.watching = false;
    c.restartAt = now + delay;
    this.forMembers(c, (r) => (this.restarts[r] = this.restarts[r]! + 1));
    c.dropFraction = 0;
    c.saturatedSince = NEVER;
    c.memoryBytes = 0;
    c.load = 0;
    c.backlog = 0;
    for (const cache of c.caches) cache.clear();
  }
}
