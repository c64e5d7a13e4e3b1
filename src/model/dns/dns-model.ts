/**
 * A cluster's DNS as a fluid model: CoreDNS replicas (their `kubernetes` plugin store and
 * `cache`), optional NodeLocal DNSCache on every node, and the pods' stub resolvers and
 * application caches. Lookups are rates and caches are fractions, updated by one periodic tick;
 * no query is simulated on its own.
 *
 * Per tick: caches age one tick; replicas start, sync or go stale from their informer feed;
 * each question's outcome is computed bottom-up (replica, kube-dns Service, node cache);
 * each lookup walks its resolver's search list over those outcomes; the queries that result
 * flow top-down through the caches (refreshing them) to the replicas, whose load decides
 * whether they drop queries on the next tick, run out of memory or fail their liveness probe.
 *
 * Replicas in the same state are computed once per class (replica-class.ts), and the tick
 * reuses its scratch objects, so its cost grows with the names and the distinct replica
 * states, not with the replicas.
 */
import type { Simulation } from "../../sim/index.js";
import { GLIBC_RESOLVER, type DnsConfig, type ResolverSettings } from "./config.js";
import { FluidCache, refreshedFraction, ttlTicks, upstreamQueriesPerCache } from "./fluid-cache.js";
import {
  OutcomeMixer,
  TIMEOUT,
  copyOutcome,
  newOutcome,
  setAnswered,
  setServfail,
  throughCacheInto,
  type QueryOutcome,
} from "./outcome.js";
import {
  directFacing,
  newPodFacing,
  newQuestionStats,
  nodeCacheFacing,
  questionStats,
  throttledByServfailCache,
  timeoutsBecomeServfail,
  type PodFacing,
} from "./pod-path.js";
import { NOT_SYNCED, ReplicaClass, STALE, WATCHING } from "./replica-class.js";
import { podSearchDomains, searchCandidates } from "./resolver.js";

/** The state of each CoreDNS replica's informer over Services and EndpointSlices. */
export interface ServiceStoreFeed {
  /** True once replica r's informer has listed since its (re)start: its store is complete. */
  hasSynced(replica: number): boolean;
  /** True while replica r's watch is open, so its store is current (not stale). */
  isWatching(replica: number): boolean;
  /** Replica r's process restarted: its informer starts over with an empty store. */
  restart(replica: number): void;
}

/** How much of a Service's endpoints an old answer still gets right. */
export interface EndpointsValidity {
  /** Fraction in [0, 1] of `service`'s endpoints unchanged since time `since` (s). */
  endpointsValidSince(service: string, since: number): number;
}

/** Whether the kube-dns Service's EndpointSlices can be updated (it needs the API). */
export interface KubeDnsEndpoints {
  canUpdateEndpoints(): boolean;
}

export interface DnsModelInputs {
  feed: ServiceStoreFeed;
  endpoints: EndpointsValidity;
  kubeDnsEndpoints: KubeDnsEndpoints;
}

/** A name a workload looks up, and its share of the workload's lookups. */
export interface DnsNameDemand {
  /** As the application writes it: `auth`, `auth.payments`, `api.example.com`, `x.y.`. */
  name: string;
  /** Relative weight among the workload's names. */
  share: number;
  /** The Service it refers to (the key of `endpointsValidSince`); absent for external names. */
  service?: string;
}

/** A class of identical pods that resolve names the same way. */
export interface DnsWorkload {
  name: string;
  namespace: string;
  pods: number;
  /** Application-level lookups per second across all pods of the class. */
  lookupsPerSecond: number;
  names: DnsNameDemand[];
  resolver?: ResolverSettings;
  /** TTL of the application's own cache of resolved names (s); 0 or absent: none. */
  appCacheTtl?: number;
}

export interface LookupResult {
  workload: string;
  name: string;
  /** Application lookups per second for this name. */
  lookupsPerSecond: number;
  /** Fraction of lookups that got an answer whose endpoints are still valid. */
  successFraction: number;
  /** Fraction of lookups that got an answer (valid or not). */
  answeredFraction: number;
  /** Mean seconds per lookup, failures included (each timed-out attempt costs the timeout). */
  meanLatency: number;
  /** DNS questions the pods send per application lookup (search list, A+AAAA, retries). */
  queriesPerLookup: number;
}

export interface ReplicaStatus {
  replica: number;
  /** The process runs. */
  up: boolean;
  /** The store has listed since the process started. */
  synced: boolean;
  /** Synced but the watch is broken: answers come from an outdated store. */
  stale: boolean;
  /** /ready: up and synced. */
  ready: boolean;
  /** Listed in the kube-dns Service's endpoints (kube-proxy sends it queries). */
  inService: boolean;
  /** Queries per second sent to it, and answered by it. */
  offeredQps: number;
  answeredQps: number;
  /** Offered load over capacity (may exceed 1). */
  cpuUtilisation: number;
  memoryBytes: number;
  restarts: number;
  oomKills: number;
}

/** Cumulative counts since the model started. */
export interface DnsCounters {
  /** Questions reaching CoreDNS replicas (dropped ones included). */
  coreDnsQueries: number;
  /** SERVFAIL answers from CoreDNS replicas and from node caches. */
  servfails: number;
  /** Questions that got no reply. */
  timeouts: number;
  coreDnsCacheHits: number;
  coreDnsCacheMisses: number;
  nodeLocalCacheHits: number;
  nodeLocalCacheMisses: number;
  appCacheHits: number;
  appCacheMisses: number;
  /** Answers served from expired entries (serve_stale), at any layer. */
  staleServed: number;
  /** Cluster-zone answers from a replica whose watch is broken (its store may be outdated). */
  staleStoreAnswers: number;
}

interface Key {
  fqdn: string;
  clusterZone: boolean;
  positive: boolean;
  /** The TTL and serve_stale window of this name in a CoreDNS replica's cache (ticks). */
  coreDnsTtlTicks: number;
  coreDnsStaleTicks: number;
  nodeLocal: FluidCache | null;
  /** Questions per second from pods this tick. */
  demand: number;
  pod: PodFacing;
  serviceOutcome: QueryOutcome;
  /** Scratch: what the node cache's upstream answers. */
  nodeUpstream: QueryOutcome;
  /** The tick whose outcomes `pod`, `serviceOutcome` and the classes' outcomes hold. */
  computedTick: number;
}

interface Lookup {
  workload: DnsWorkload;
  resolver: ResolverSettings;
  demand: DnsNameDemand;
  /** This name's fraction of the workload's lookups. */
  shareOfWorkload: number;
  keys: number[];
  /** Scratch: questions per walk sent for each key, rewritten every tick. */
  perKeyQueries: Float64Array;
  appCache: FluidCache | null;
  result: LookupResult;
}

interface Walk {
  answer: number;
  usable: number;
  dataAsOf: number;
  latency: number;
  queries: number;
}

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

export class DnsModel {
  private readonly tick: number;
  private readonly replicaCount: number;
  private readonly keys: Key[] = [];
  private readonly keyIndex = new Map<string, number>();
  private readonly lookupList: Lookup[] = [];
  private readonly lookupIndex = new Map<string, Map<string, Lookup>>();
  private readonly workloads = new Map<string, DnsWorkload>();

  /** Classes of replicas in identical states; `classOf[r]` is replica r's index in it. */
  private classes: ReplicaClass[] = [];
  private readonly classOf: Int32Array;
  /** Per replica: kept outside the classes as they do not affect behaviour. */
  private readonly restarts: Uint32Array;
  private readonly oomKills: Uint32Array;
  /** This tick's share of the kube-dns Service's flows that each replica in it gets. */
  private perReplicaWeight = 0;
  private ticks = 0;
  private mergeCheckInterval = MERGE_CHECK_MIN_TICKS;
  private nextMergeCheck = MERGE_CHECK_MIN_TICKS;

  // Scratch reused by every tick.
  private readonly mixer = new OutcomeMixer();
  private readonly serviceMixer = new OutcomeMixer();
  private readonly plugin = newOutcome();
  private readonly stats = newQuestionStats();
  private readonly walked: Walk = { answer: 0, usable: 0, dataAsOf: 0, latency: 0, queries: 0 };

  private readonly totals: DnsCounters = {
    coreDnsQueries: 0,
    servfails: 0,
    timeouts: 0,
    coreDnsCacheHits: 0,
    coreDnsCacheMisses: 0,
    nodeLocalCacheHits: 0,
    nodeLocalCacheMisses: 0,
    appCacheHits: 0,
    appCacheMisses: 0,
    staleServed: 0,
    staleStoreAnswers: 0,
  };
  private handle: number | null = null;
  private readonly tickCallback = (): void => this.onTick();

  constructor(
    private readonly sim: Simulation,
    readonly config: DnsConfig,
    workloads: readonly DnsWorkload[],
    private readonly inputs: DnsModelInputs,
  ) {
    this.tick = config.tickSeconds;
    if (!(this.tick > 0)) throw new RangeError(`tickSeconds must be > 0, got ${this.tick}`);
    const replicas = config.coreDns.replicas;
    if (!(replicas >= 1) || !Number.isInteger(replicas)) {
      throw new RangeError(`coreDns.replicas must be an integer ≥ 1, got ${replicas}`);
    }
    this.replicaCount = replicas;
    this.classOf = new Int32Array(replicas);
    this.restarts = new Uint32Array(replicas);
    this.oomKills = new Uint32Array(replicas);
    for (const workload of workloads) this.addWorkload(workload);
    // The Deployment was ready before the model starts: every replica up, in the Service, with
    // warm caches, all in one class.
    const initial = new ReplicaClass(
      sim.now,
      this.keys.map((key) => {
        const cache = new FluidCache(key.coreDnsTtlTicks, key.coreDnsStaleTicks);
        cache.warm(sim.now);
        return cache;
      }),
    );
    initial.members = replicas;
    this.classes.push(initial);
    this.handle = sim.schedule(this.tick, this.tickCallback);
  }

  /** Change a workload's application lookup rate (applies from the next tick). */
  setLookupRate(workload: string, lookupsPerSecond: number): void {
    const w = this.workloads.get(workload);
    if (w === undefined) throw new Error(`unknown DNS workload ${workload}`);
    w.lookupsPerSecond = lookupsPerSecond;
  }

  /** Kill replica r's process now (eviction, a test); it restarts after the backoff delay. */
  restartReplica(replica: number): void {
    this.checkReplica(replica);
    const own = this.classes[this.classOf[replica]!]!;
    if (!own.up) return;
    this.kill(own.members > 1 ? this.splitOff(replica, own) : own);
  }

  /** Stop ticking. */
  stop(): void {
    if (this.handle !== null) this.sim.cancel(this.handle);
    this.handle = null;
  }

  /** The last tick's outcome for one workload's name. */
  lookup(workload: string, name: string): LookupResult {
    const found = this.lookupIndex.get(workload)?.get(name);
    if (found === undefined) throw new Error(`no DNS lookup of ${name} by ${workload}`);
    return { ...found.result };
  }

  lookups(): LookupResult[] {
    return this.lookupList.map((l) => ({ ...l.result }));
  }

  replica(replica: number): ReplicaStatus {
    this.checkReplica(replica);
    const r = replica;
    const c = this.classes[this.classOf[r]!]!;
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

  replicas(): ReplicaStatus[] {
    return Array.from({ length: this.replicaCount }, (_, r) => this.replica(r));
  }

  /** Replicas that are ready (up and synced), without building every replica's status. */
  readyReplicas(): number {
    let ready = 0;
    for (const c of this.classes) if (c.up && c.synced) ready += c.members;
    return ready;
  }

  /** How many classes of identical replicas the model computes now (a cost measure). */
  replicaClasses(): number {
    return this.classes.length;
  }

  get counters(): DnsCounters {
    return { ...this.totals };
  }

  // ---- construction ----

  private addWorkload(workload: DnsWorkload): void {
    if (this.workloads.has(workload.name)) {
      throw new Error(`duplicate DNS workload ${workload.name}`);
    }
    const own = { ...workload, names: [...workload.names] };
    this.workloads.set(own.name, own);
    const resolver = own.resolver ?? GLIBC_RESOLVER;
    const search = podSearchDomains(
      own.namespace,
      this.config.clusterDomain,
      this.config.hostSearchDomains,
    );
    const totalShare = own.names.reduce((sum, n) => sum + Math.max(0, n.share), 0);
    const byName = new Map<string, Lookup>();
    this.lookupIndex.set(own.name, byName);
    for (const demand of own.names) {
      const candidates = searchCandidates(
        demand.name,
        demand.service !== undefined,
        search,
        this.config.clusterDomain,
        resolver,
      );
      if (!candidates.some((c) => c.answers)) {
        throw new Error(
          `DNS workload ${own.name}: no name in the search walk of ${demand.name} is a Service ` +
            `(<service>.<namespace>.svc.${this.config.clusterDomain})`,
        );
      }
      const keys = candidates.map((c) => this.keyFor(c.fqdn, c.clusterZone, c.answers));
      const appTtl = own.appCacheTtl ?? 0;
      let appCache: FluidCache | null = null;
      if (appTtl > 0) {
        appCache = new FluidCache(Math.max(1, Math.round(appTtl / this.tick)), 0);
        appCache.warm(this.sim.now);
      }
      const lookup: Lookup = {
        workload: own,
        resolver,
        demand,
        shareOfWorkload: totalShare > 0 ? Math.max(0, demand.share) / totalShare : 0,
        keys,
        perKeyQueries: new Float64Array(keys.length),
        appCache,
        result: {
          workload: own.name,
          name: demand.name,
          lookupsPerSecond: 0,
          successFraction: 1,
          answeredFraction: 1,
          meanLatency: 0,
          queriesPerLookup: 0,
        },
      };
      this.lookupList.push(lookup);
      // The first lookup of a name wins, as a search of the list would find it first.
      if (!byName.has(demand.name)) byName.set(demand.name, lookup);
    }
  }

  private keyFor(fqdn: string, clusterZone: boolean, positive: boolean): number {
    const existing = this.keyIndex.get(fqdn);
    if (existing !== undefined) return existing;
    const { coreDns, nodeLocal } = this.config;
    const tick = this.tick;
    const recordTtl = clusterZone ? coreDns.recordTtl : coreDns.externalRecordTtl;
    const ttlOf = (layer: typeof coreDns.cache): number =>
      ttlTicks(recordTtl, positive ? layer.successTtlCap : layer.denialTtlCap, layer.minTtl, tick);
    const staleOf = (layer: typeof coreDns.cache): number =>
      layer.serveStale === "off" ? 0 : Math.max(1, Math.round(layer.serveStaleDuration / tick));
    let nodeCache: FluidCache | null = null;
    if (nodeLocal.enabled) {
      nodeCache = new FluidCache(ttlOf(nodeLocal.cache), staleOf(nodeLocal.cache));
      nodeCache.warm(this.sim.now);
    }
    const key: Key = {
      fqdn,
      clusterZone,
      positive,
      coreDnsTtlTicks: ttlOf(coreDns.cache),
      coreDnsStaleTicks: staleOf(coreDns.cache),
      nodeLocal: nodeCache,
      demand: 0,
      pod: newPodFacing(),
      serviceOutcome: newOutcome(),
      nodeUpstream: newOutcome(),
      computedTick: -1,
    };
    this.keys.push(key);
    this.keyIndex.set(fqdn, this.keys.length - 1);
    return this.keys.length - 1;
  }

  private checkReplica(replica: number): void {
    if (!(replica >= 0 && replica < this.replicaCount) || !Number.isInteger(replica)) {
      throw new RangeError(`no CoreDNS replica ${replica}`);
    }
  }

  // ---- replica classes ----

  /** Moves replica r out of `from` into a new class in the same state. */
  private splitOff(replica: number, from: ReplicaClass): ReplicaClass {
    const split = from.cloneState();
    this.mergeCheckInterval = MERGE_CHECK_MIN_TICKS;
    this.nextMergeCheck = Math.min(this.nextMergeCheck, this.ticks + MERGE_CHECK_MIN_TICKS);
    from.members -= 1;
    split.members = 1;
    this.classOf[replica] = this.classes.length;
    this.classes.push(split);
    return split;
  }

  /**
   * Folds classes whose states have become the same (to within the merge tolerances) into the
   * larger of them: replicas that split apart converge once their inputs agree again.
   */
  private mergeAlikeClasses(now: number): boolean {
    const classes = this.classes;
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
        for (let r = 0; r < this.replicaCount; r++) {
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
    const renumber = new Int32Array(this.classes.length).fill(-1);
    const kept: ReplicaClass[] = [];
    this.classes.forEach((c, i) => {
      if (c.members === 0) return;
      renumber[i] = kept.length;
      kept.push(c);
    });
    for (let r = 0; r < this.replicaCount; r++) this.classOf[r] = renumber[this.classOf[r]!]!;
    this.classes = kept;
  }

  // ---- the tick ----

  private onTick(): void {
    const now = this.sim.now;
    const keys = this.keys;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      key.nodeLocal?.advance();
      key.demand = 0;
    }
    for (const c of this.classes) for (const cache of c.caches) cache.advance();
    for (const lookup of this.lookupList) lookup.appCache?.advance();
    this.updateReplicas(now);
    this.ticks += 1;
    if (this.classes.length > 1 && this.ticks >= this.nextMergeCheck) {
      const merged = this.mergeAlikeClasses(now);
      this.mergeCheckInterval = merged
        ? MERGE_CHECK_MIN_TICKS
        : Math.min(MERGE_CHECK_MAX_TICKS, 2 * this.mergeCheckInterval);
      this.nextMergeCheck = this.ticks + this.mergeCheckInterval;
    }
    this.routingWeights();
    // Outcomes are computed when a walk first reaches their name (most walks end at the name
    // that answers), and only names asked this tick send questions down.
    for (const lookup of this.lookupList) this.resolveLookup(lookup, now);
    for (const c of this.classes) c.offered = 0;
    for (let k = 0; k < keys.length; k++) if (keys[k]!.demand > 0) this.pushDown(k, now);
    this.updateLoad(now);
    this.handle = this.sim.schedule(this.tick, this.tickCallback);
  }

  private updateReplicas(now: number): void {
    const { feed, kubeDnsEndpoints } = this.inputs;
    const canUpdate = kubeDnsEndpoints.canUpdateEndpoints();
    const classes = this.classes;
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
    for (let r = 0; r < this.replicaCount; r++) {
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
          this.splitOff(r, c);
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
  private routingWeights(): void {
    let members = 0;
    for (const c of this.classes) if (c.inService) members += c.members;
    this.perReplicaWeight = members > 0 ? 1 / members : 0;
  }

  /** This tick's outcomes of one name at each replica class, the Service and the pod. */
  private computeOutcomes(k: number, now: number): void {
    const key = this.keys[k]!;
    key.computedTick = this.ticks;
    const core = this.config.coreDns;
    const plugin = this.plugin;
    const mixer = this.mixer;
    const service = this.serviceMixer.reset();
    for (const c of this.classes) {
      // Only replicas in the Service get questions: the others' outcomes are never read.
      if (!c.inService) continue;
      const out = c.outcomes[k]!;
      if (!c.up) {
        copyOutcome(out, TIMEOUT);
      } else {
        if (!key.clusterZone) setAnswered(plugin, core.upstreamLatency, now);
        else if (c.synced) setAnswered(plugin, core.answerLatency, c.storeAsOf);
        else setServfail(plugin, core.answerLatency);
        throughCacheInto(
          out,
          mixer,
          c.caches[k]!,
          core.cache.serveStale,
          core.answerLatency,
          plugin,
        );
        const drop = c.dropFraction;
        if (drop > 0)
          mixer
            .reset()
            .add(1 - drop, out)
            .add(drop, TIMEOUT)
            .finish(out);
      }
      service.add(c.members * this.perReplicaWeight, out);
    }
    service.finish(key.serviceOutcome);
    const nodeLocal = this.config.nodeLocal;
    if (key.nodeLocal === null) {
      directFacing(key.pod, key.serviceOutcome);
      return;
    }
    // NodeLocal forwards other zones to the node's upstream resolvers, not to CoreDNS.
    const upstream = key.clusterZone
      ? timeoutsBecomeServfail(key.nodeUpstream, key.serviceOutcome, nodeLocal.forwardTimeout)
      : setAnswered(key.nodeUpstream, core.upstreamLatency, now);
    nodeCacheFacing(key.pod, key.nodeLocal, nodeLocal, upstream);
  }

  /** One lookup: the application cache, then the resolver's walk over the search list. */
  private resolveLookup(lookup: Lookup, now: number): void {
    const w = lookup.workload;
    const rate = w.lookupsPerSecond * lookup.shareOfWorkload;
    const walk = this.walk(lookup, now);
    let walksPerSecond = rate;
    let success = walk.usable;
    let answeredFraction = walk.answer;
    let latency = walk.latency;
    const cache = lookup.appCache;
    if (cache !== null) {
      const valid = cache.valid;
      const usableCached = this.usable(lookup.demand.service, cache.dataAsOf);
      success = valid * usableCached + (1 - valid) * walk.usable;
      answeredFraction = valid + (1 - valid) * walk.answer;
      latency = (1 - valid) * walk.latency;
      const pods = Math.max(1, w.pods);
      const perPod = (rate * this.tick) / pods;
      walksPerSecond =
        (pods * (1 - valid) * upstreamQueriesPerCache(perPod, walk.answer)) / this.tick;
      cache.refresh(refreshedFraction(perPod, walk.answer), walk.dataAsOf);
      this.totals.appCacheHits += rate * valid * this.tick;
      this.totals.appCacheMisses += rate * (1 - valid) * this.tick;
    }
    for (let i = 0; i < lookup.keys.length; i++) {
      this.keys[lookup.keys[i]!]!.demand += walksPerSecond * lookup.perKeyQueries[i]!;
    }
    const result = lookup.result;
    result.lookupsPerSecond = rate;
    result.successFraction = success;
    result.answeredFraction = answeredFraction;
    result.meanLatency = latency;
    result.queriesPerLookup = rate > 0 ? (walksPerSecond * walk.queries) / rate : 0;
  }

  /**
   * The resolver's search-list walk over this tick's outcomes. Every name is asked
   * `questionsPerName` times (A and AAAA) and retried on SERVFAIL or timeout up to `attempts`
   * tries. NXDOMAIN moves on to the next name; a final SERVFAIL moves on only with glibc; a
   * final timeout ends the lookup. After the real name failed, glibc still walks the rest.
   * Writes the questions per key into `lookup.perKeyQueries`.
   */
  private walk(lookup: Lookup, now: number): Walk {
    const settings = lookup.resolver;
    let searching = 1;
    let doomed = 0;
    let answer = 0;
    let usable = 0;
    let dataAsOfSum = 0;
    let latency = 0;
    let queries = 0;
    const perKeyQueries = lookup.perKeyQueries.fill(0);
    const q = this.stats;
    for (let i = 0; i < lookup.keys.length; i++) {
      const k = lookup.keys[i]!;
      const key = this.keys[k]!;
      if (key.computedTick !== this.ticks) this.computeOutcomes(k, now);
      const reach = searching + doomed;
      questionStats(q, key.pod, settings, this.config.nodeLocal.answerLatency);
      const pAnswer = q.answer;
      const finalServfail = q.finalServfail;
      const sent = settings.questionsPerName * q.tries;
      latency += reach * q.latency;
      queries += reach * sent;
      perKeyQueries[i] = reach * sent;
      const goOn = settings.continueSearchOnServfail ? finalServfail : 0;
      if (key.positive) {
        answer += searching * pAnswer;
        usable += searching * pAnswer * this.usable(lookup.demand.service, q.dataAsOf);
        dataAsOfSum += searching * pAnswer * q.dataAsOf;
        doomed = (doomed + searching) * goOn;
        searching = 0;
      } else {
        searching *= pAnswer + goOn;
        doomed *= pAnswer + goOn;
      }
      // Later names are asked only by lookups still walking.
      if (searching + doomed <= 0) break;
    }
    const walked = this.walked;
    walked.answer = answer;
    walked.usable = usable;
    walked.dataAsOf = answer > 0 ? dataAsOfSum / answer : this.sim.now;
    walked.latency = latency;
    walked.queries = queries;
    return walked;
  }

  private usable(service: string | undefined, dataAsOf: number): number {
    if (service === undefined) return 1;
    const v = this.inputs.endpoints.endpointsValidSince(service, dataAsOf);
    return v <= 0 ? 0 : v >= 1 ? 1 : v;
  }

  /** The questions of one name flow through the node caches to the replicas. */
  private pushDown(k: number, now: number): void {
    const key = this.keys[k]!;
    const tick = this.tick;
    const totals = this.totals;
    let toService = key.demand;
    const pod = key.pod;
    if (key.nodeLocal !== null) {
      const cache = key.nodeLocal;
      const layer = this.config.nodeLocal;
      const nodes = Math.max(1, layer.nodes);
      const valid = cache.valid;
      totals.nodeLocalCacheHits += key.demand * valid * tick;
      totals.nodeLocalCacheMisses += key.demand * (1 - valid) * tick;
      totals.staleServed += key.demand * pod.staleServed * tick;
      totals.servfails += key.demand * (1 - pod.sticky) * pod.rest.servfail * tick;
      const upstreamAnswer = key.clusterZone ? key.serviceOutcome.answer : 1;
      const upstreamAsOf = key.clusterZone ? key.serviceOutcome.dataAsOf : now;
      const perNode = throttledByServfailCache(
        (key.demand * tick) / nodes,
        layer.cache.servfailTtl,
        tick,
      );
      let upstreamQps =
        (nodes * (1 - valid) * upstreamQueriesPerCache(perNode, upstreamAnswer)) / tick;
      cache.refresh(refreshedFraction(perNode, upstreamAnswer), upstreamAsOf);
      if (layer.cache.prefetch && key.demand > 0) {
        upstreamQps += (nodes * cache.expiringNext) / tick;
        cache.prefetch(upstreamAnswer, upstreamAsOf);
      }
      // Other zones go to the node's upstream resolvers.
      toService = key.clusterZone ? upstreamQps : 0;
    }
    const core = this.config.coreDns;
    const qpsPerReplica = toService * this.perReplicaWeight;
    for (const c of this.classes) {
      if (!c.inService) continue;
      const qps = qpsPerReplica;
      const classQps = qps * c.members;
      c.offered += qps;
      totals.coreDnsQueries += classQps * tick;
      const ro = c.outcomes[k]!;
      totals.servfails += classQps * ro.servfail * tick;
      totals.timeouts += classQps * ro.timeout * tick;
      totals.staleServed += classQps * ro.staleServed * tick;
      if (!c.up) continue;
      const served = qps * (1 - c.dropFraction);
      const cache = c.caches[k]!;
      const valid = cache.valid;
      totals.coreDnsCacheHits += served * c.members * valid * tick;
      totals.coreDnsCacheMisses += served * c.members * (1 - valid) * tick;
      if (key.clusterZone && c.synced && !c.watching) {
        totals.staleStoreAnswers += served * c.members * tick;
      }
      const pluginAnswers = !key.clusterZone || c.synced ? 1 : 0;
      const dataAsOf = key.clusterZone ? c.storeAsOf : now;
      const perTick = throttledByServfailCache(served * tick, core.cache.servfailTtl, tick);
      cache.refresh(refreshedFraction(perTick, pluginAnswers), dataAsOf);
      if (core.cache.prefetch && served > 0) cache.prefetch(pluginAnswers, dataAsOf);
    }
  }

  private updateLoad(now: number): void {
    const core = this.config.coreDns;
    const storeBytes = (this.config.pods + this.config.services) * core.memoryPerObjectBytes;
    // `kill` may split nothing off, so the class list does not change in this loop.
    for (const c of this.classes) {
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
    const index = this.classes.indexOf(c);
    for (let r = 0; r < this.replicaCount; r++) if (this.classOf[r] === index) action(r);
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
