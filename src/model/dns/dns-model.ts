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
 */
import type { Simulation } from "../../sim/index.js";
import { GLIBC_RESOLVER, type DnsConfig, type ResolverSettings } from "./config.js";
import { FluidCache, missesUntilRefreshed, ttlTicks } from "./fluid-cache.js";
import { TIMEOUT, answered, mix, servfail, throughCache, type QueryOutcome } from "./outcome.js";
import {
  nodeCacheFacing,
  questionStats,
  throttledByServfailCache,
  timeoutsBecomeServfail,
  type PodFacing,
} from "./pod-path.js";
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
  nodeLocal: FluidCache | null;
  coreDns: FluidCache[];
  /** Questions per second from pods this tick. */
  demand: number;
  pod: PodFacing;
  serviceOutcome: QueryOutcome;
  replicaOutcomes: QueryOutcome[];
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
  perKeyQueries: Float64Array;
}

const NEVER = Number.NaN;
/** Weight of the previous tick in a replica's load estimate. */
const LOAD_SMOOTHING = 0.5;

export class DnsModel {
  private readonly tick: number;
  private readonly keys: Key[] = [];
  private readonly keyIndex = new Map<string, number>();
  private readonly lookupList: Lookup[] = [];
  private readonly workloads = new Map<string, DnsWorkload>();

  private readonly up: Uint8Array;
  private readonly synced: Uint8Array;
  private readonly watching: Uint8Array;
  private readonly inService: Uint8Array;
  private readonly restartAt: Float64Array;
  private readonly startedAt: Float64Array;
  private readonly backoffStep: Uint32Array;
  private readonly storeAsOf: Float64Array;
  private readonly dropFraction: Float64Array;
  private readonly saturatedSince: Float64Array;
  private readonly offered: Float64Array;
  private readonly load: Float64Array;
  private readonly backlog: Float64Array;
  private readonly memory: Float64Array;
  private readonly restarts: Uint32Array;
  private readonly oomKills: Uint32Array;

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
    this.up = new Uint8Array(replicas).fill(1);
    this.synced = new Uint8Array(replicas);
    this.watching = new Uint8Array(replicas);
    // The Deployment was ready before the model starts.
    this.inService = new Uint8Array(replicas).fill(1);
    this.restartAt = new Float64Array(replicas).fill(NEVER);
    this.startedAt = new Float64Array(replicas).fill(sim.now);
    this.backoffStep = new Uint32Array(replicas);
    this.storeAsOf = new Float64Array(replicas).fill(sim.now);
    this.dropFraction = new Float64Array(replicas);
    this.saturatedSince = new Float64Array(replicas).fill(NEVER);
    this.offered = new Float64Array(replicas);
    this.load = new Float64Array(replicas);
    this.backlog = new Float64Array(replicas);
    this.memory = new Float64Array(replicas);
    this.restarts = new Uint32Array(replicas);
    this.oomKills = new Uint32Array(replicas);
    for (const workload of workloads) this.addWorkload(workload);
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
    if (this.up[replica] === 1) this.kill(replica);
  }

  /** Stop ticking. */
  stop(): void {
    if (this.handle !== null) this.sim.cancel(this.handle);
    this.handle = null;
  }

  /** The last tick's outcome for one workload's name. */
  lookup(workload: string, name: string): LookupResult {
    const found = this.lookupList.find(
      (l) => l.workload.name === workload && l.demand.name === name,
    );
    if (found === undefined) throw new Error(`no DNS lookup of ${name} by ${workload}`);
    return { ...found.result };
  }

  lookups(): LookupResult[] {
    return this.lookupList.map((l) => ({ ...l.result }));
  }

  replica(replica: number): ReplicaStatus {
    this.checkReplica(replica);
    const r = replica;
    const capacity = this.config.coreDns.capacityQps;
    const up = this.up[r] === 1;
    const synced = up && this.synced[r] === 1;
    return {
      replica: r,
      up,
      synced,
      stale: synced && this.watching[r] === 0,
      ready: synced,
      inService: this.inService[r] === 1,
      offeredQps: this.offered[r]!,
      answeredQps: up ? this.offered[r]! * (1 - this.dropFraction[r]!) : 0,
      cpuUtilisation: up ? this.offered[r]! / capacity : 0,
      memoryBytes: this.memory[r]!,
      restarts: this.restarts[r]!,
      oomKills: this.oomKills[r]!,
    };
  }

  replicas(): ReplicaStatus[] {
    return Array.from({ length: this.config.coreDns.replicas }, (_, r) => this.replica(r));
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
      this.lookupList.push({
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
      });
    }
  }

  private keyFor(fqdn: string, clusterZone: boolean, positive: boolean): number {
    const existing = this.keyIndex.get(fqdn);
    if (existing !== undefined) return existing;
    const { coreDns, nodeLocal } = this.config;
    const tick = this.tick;
    const recordTtl = clusterZone ? coreDns.recordTtl : coreDns.externalRecordTtl;
    const cacheOf = (layer: typeof coreDns.cache): FluidCache => {
      const cap = positive ? layer.successTtlCap : layer.denialTtlCap;
      const staleTicks =
        layer.serveStale === "off" ? 0 : Math.max(1, Math.round(layer.serveStaleDuration / tick));
      const cache = new FluidCache(ttlTicks(recordTtl, cap, layer.minTtl, tick), staleTicks);
      cache.warm(this.sim.now);
      return cache;
    };
    const key: Key = {
      fqdn,
      clusterZone,
      positive,
      nodeLocal: nodeLocal.enabled ? cacheOf(nodeLocal.cache) : null,
      coreDns: Array.from({ length: coreDns.replicas }, () => cacheOf(coreDns.cache)),
      demand: 0,
      pod: {
        sticky: 0,
        stickyLatency: 0,
        stickyDataAsOf: 0,
        staleServed: 0,
        rest: TIMEOUT,
        servfailSticks: false,
      },
      serviceOutcome: TIMEOUT,
      replicaOutcomes: [],
    };
    this.keys.push(key);
    this.keyIndex.set(fqdn, this.keys.length - 1);
    return this.keys.length - 1;
  }

  private checkReplica(replica: number): void {
    if (!(replica >= 0 && replica < this.config.coreDns.replicas) || !Number.isInteger(replica)) {
      throw new RangeError(`no CoreDNS replica ${replica}`);
    }
  }

  // ---- the tick ----

  private onTick(): void {
    const now = this.sim.now;
    for (const key of this.keys) {
      key.nodeLocal?.advance();
      for (const cache of key.coreDns) cache.advance();
      key.demand = 0;
    }
    for (const lookup of this.lookupList) lookup.appCache?.advance();
    this.updateReplicas(now);
    const weights = this.routingWeights();
    for (const key of this.keys) this.computeOutcomes(key, weights, now);
    for (const lookup of this.lookupList) this.resolveLookup(lookup);
    this.offered.fill(0);
    for (const key of this.keys) this.pushDown(key, weights);
    this.updateLoad(now);
    this.handle = this.sim.schedule(this.tick, this.tickCallback);
  }

  private updateReplicas(now: number): void {
    const { feed, kubeDnsEndpoints } = this.inputs;
    const canUpdate = kubeDnsEndpoints.canUpdateEndpoints();
    for (let r = 0; r < this.up.length; r++) {
      if (this.up[r] === 0 && now >= this.restartAt[r]!) {
        this.up[r] = 1;
        this.startedAt[r] = now;
        this.restartAt[r] = NEVER;
        feed.restart(r);
      }
      const wasSynced = this.synced[r] === 1;
      const synced = this.up[r] === 1 && feed.hasSynced(r);
      const watching = synced && feed.isWatching(r);
      // The store is current while watched; a fresh list is current as of now.
      if (synced && (watching || !wasSynced)) this.storeAsOf[r] = now;
      this.synced[r] = synced ? 1 : 0;
      this.watching[r] = watching ? 1 : 0;
      // kube-proxy learns of readiness changes only through EndpointSlices, written via the API.
      if (canUpdate) this.inService[r] = synced ? 1 : 0;
    }
  }

  private routingWeights(): Float64Array {
    const weights = new Float64Array(this.up.length);
    let members = 0;
    for (let r = 0; r < weights.length; r++) members += this.inService[r]!;
    if (members === 0) return weights;
    for (let r = 0; r < weights.length; r++) weights[r] = this.inService[r]! / members;
    return weights;
  }

  private computeOutcomes(key: Key, weights: Float64Array, now: number): void {
    const core = this.config.coreDns;
    const parts: Array<{ weight: number; outcome: QueryOutcome }> = [];
    key.replicaOutcomes = key.coreDns.map((cache, r) => {
      if (this.up[r] === 0) return TIMEOUT;
      const plugin = key.clusterZone
        ? this.synced[r] === 1
          ? answered(core.answerLatency, this.storeAsOf[r]!)
          : servfail(core.answerLatency)
        : answered(core.upstreamLatency, now);
      const served = throughCache(cache, core.cache.serveStale, core.answerLatency, plugin);
      const drop = this.dropFraction[r]!;
      return mix([
        { weight: 1 - drop, outcome: served },
        { weight: drop, outcome: TIMEOUT },
      ]);
    });
    for (let r = 0; r < weights.length; r++) {
      parts.push({ weight: weights[r]!, outcome: key.replicaOutcomes[r]! });
    }
    key.serviceOutcome = mix(parts);
    const nodeLocal = this.config.nodeLocal;
    if (key.nodeLocal === null) {
      key.pod = {
        sticky: 0,
        stickyLatency: 0,
        stickyDataAsOf: 0,
        staleServed: 0,
        rest: key.serviceOutcome,
        servfailSticks: false,
      };
      return;
    }
    // NodeLocal forwards other zones to the node's upstream resolvers, not to CoreDNS.
    const upstream = key.clusterZone
      ? timeoutsBecomeServfail(key.serviceOutcome, nodeLocal.forwardTimeout)
      : answered(core.upstreamLatency, now);
    key.pod = nodeCacheFacing(key.nodeLocal, nodeLocal, upstream);
  }

  /** One lookup: the application cache, then the resolver's walk over the search list. */
  private resolveLookup(lookup: Lookup): void {
    const w = lookup.workload;
    const rate = w.lookupsPerSecond * lookup.shareOfWorkload;
    const walk = this.walk(lookup);
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
      const misses = missesUntilRefreshed(perPod, walk.answer);
      walksPerSecond = (pods * (1 - valid) * misses.upstreamQueries) / this.tick;
      cache.refresh(misses.refreshed, walk.dataAsOf);
      this.totals.appCacheHits += rate * valid * this.tick;
      this.totals.appCacheMisses += rate * (1 - valid) * this.tick;
    }
    for (let i = 0; i < lookup.keys.length; i++) {
      this.keys[lookup.keys[i]!]!.demand += walksPerSecond * walk.perKeyQueries[i]!;
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
   */
  private walk(lookup: Lookup): Walk {
    const settings = lookup.resolver;
    let searching = 1;
    let doomed = 0;
    let answer = 0;
    let usable = 0;
    let dataAsOfSum = 0;
    let latency = 0;
    let queries = 0;
    const perKeyQueries = lookup.perKeyQueries.fill(0);
    for (let i = 0; i < lookup.keys.length; i++) {
      const key = this.keys[lookup.keys[i]!]!;
      const reach = searching + doomed;
      const q = questionStats(key.pod, settings, this.config.nodeLocal.answerLatency);
      const pAnswer = q.answer;
      const finalServfail = q.finalServfail;
      const sent = settings.questionsPerName * q.tries;
      latency += reach * q.latency;
      queries += reach * sent;
      perKeyQueries[i] = reach * sent;
      const goOn = settings.continueSearchOnServfail ? finalServfail : 0;
      if (key.positive) {
        answer += searching * pAnswer;
        usable += searching * pAnswer * this.usableForKey(lookup, q.dataAsOf);
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
    return {
      answer,
      usable,
      dataAsOf: answer > 0 ? dataAsOfSum / answer : this.sim.now,
      latency,
      queries,
      perKeyQueries,
    };
  }

  private usableForKey(lookup: Lookup, dataAsOf: number): number {
    return this.usable(lookup.demand.service, dataAsOf);
  }

  private usable(service: string | undefined, dataAsOf: number): number {
    if (service === undefined) return 1;
    const v = this.inputs.endpoints.endpointsValidSince(service, dataAsOf);
    return v <= 0 ? 0 : v >= 1 ? 1 : v;
  }

  /** The questions of one name flow through the node caches to the replicas. */
  private pushDown(key: Key, weights: Float64Array): void {
    const tick = this.tick;
    let toService = key.demand;
    const pod = key.pod;
    if (key.nodeLocal !== null) {
      const cache = key.nodeLocal;
      const layer = this.config.nodeLocal;
      const nodes = Math.max(1, layer.nodes);
      const valid = cache.valid;
      this.totals.nodeLocalCacheHits += key.demand * valid * tick;
      this.totals.nodeLocalCacheMisses += key.demand * (1 - valid) * tick;
      this.totals.staleServed += key.demand * pod.staleServed * tick;
      this.totals.servfails += key.demand * (1 - pod.sticky) * pod.rest.servfail * tick;
      const upstream = key.clusterZone ? key.serviceOutcome : answered(0, this.sim.now);
      const perNode = throttledByServfailCache(
        (key.demand * tick) / nodes,
        layer.cache.servfailTtl,
        tick,
      );
      const misses = missesUntilRefreshed(perNode, upstream.answer);
      let upstreamQps = (nodes * (1 - valid) * misses.upstreamQueries) / tick;
      cache.refresh(misses.refreshed, upstream.dataAsOf);
      if (layer.cache.prefetch && key.demand > 0) {
        upstreamQps += (nodes * cache.expiringNext) / tick;
        cache.prefetch(upstream.answer, upstream.dataAsOf);
      }
      // Other zones go to the node's upstream resolvers.
      toService = key.clusterZone ? upstreamQps : 0;
    }
    const core = this.config.coreDns;
    for (let r = 0; r < weights.length; r++) {
      const qps = toService * weights[r]!;
      this.offered[r] = this.offered[r]! + qps;
      this.totals.coreDnsQueries += qps * tick;
      const ro = key.replicaOutcomes[r]!;
      this.totals.servfails += qps * ro.servfail * tick;
      this.totals.timeouts += qps * ro.timeout * tick;
      this.totals.staleServed += qps * ro.staleServed * tick;
      if (this.up[r] === 0) continue;
      const served = qps * (1 - this.dropFraction[r]!);
      const cache = key.coreDns[r]!;
      const valid = cache.valid;
      this.totals.coreDnsCacheHits += served * valid * tick;
      this.totals.coreDnsCacheMisses += served * (1 - valid) * tick;
      if (key.clusterZone && this.synced[r] === 1 && this.watching[r] === 0) {
        this.totals.staleStoreAnswers += served * tick;
      }
      const pluginAnswers = !key.clusterZone || this.synced[r] === 1 ? 1 : 0;
      const dataAsOf = key.clusterZone ? this.storeAsOf[r]! : this.sim.now;
      const perTick = throttledByServfailCache(served * tick, core.cache.servfailTtl, tick);
      cache.refresh(missesUntilRefreshed(perTick, pluginAnswers).refreshed, dataAsOf);
      if (core.cache.prefetch && served > 0) cache.prefetch(pluginAnswers, dataAsOf);
    }
  }

  private updateLoad(now: number): void {
    const core = this.config.coreDns;
    const storeBytes = (this.config.pods + this.config.services) * core.memoryPerObjectBytes;
    for (let r = 0; r < this.up.length; r++) {
      if (this.up[r] === 0) {
        this.memory[r] = 0;
        this.load[r] = 0;
        this.backlog[r] = 0;
        this.dropFraction[r] = 0;
        continue;
      }
      // Drops feed back into the load (timeouts end lookups, retries add questions) with a
      // one-tick lag; averaging with the previous tick damps the oscillation that would cause.
      const offered = (this.load[r] =
        LOAD_SMOOTHING * this.load[r]! + (1 - LOAD_SMOOTHING) * this.offered[r]!);
      this.dropFraction[r] = offered > core.capacityQps ? 1 - core.capacityQps / offered : 0;
      // Queries beyond capacity pile up (one goroutine each) and drain when the load falls.
      this.backlog[r] = Math.max(0, this.backlog[r]! + (offered - core.capacityQps) * this.tick);
      this.memory[r] =
        core.baseMemoryBytes +
        storeBytes +
        core.memoryPerAnsweredQps * Math.min(offered, core.capacityQps) +
        core.memoryPerQueuedQuery * this.backlog[r]!;
      if (this.memory[r]! > core.memoryLimitBytes) {
        this.oomKills[r] = this.oomKills[r]! + 1;
        this.kill(r);
        continue;
      }
      if (offered > core.capacityQps) {
        if (Number.isNaN(this.saturatedSince[r]!)) this.saturatedSince[r] = now;
        if (now - this.saturatedSince[r]! >= core.livenessBudgetSeconds) this.kill(r);
      } else {
        this.saturatedSince[r] = NEVER;
      }
    }
  }

  private kill(r: number): void {
    const core = this.config.coreDns;
    const now = this.sim.now;
    if (now - this.startedAt[r]! >= core.restartBackoffResetAfter) this.backoffStep[r] = 0;
    const delay = Math.min(
      core.restartBackoffMax,
      core.restartBackoffInitial * Math.pow(2, this.backoffStep[r]!),
    );
    this.backoffStep[r] = this.backoffStep[r]! + 1;
    this.up[r] = 0;
    this.synced[r] = 0;
    this.watching[r] = 0;
    this.restartAt[r] = now + delay;
    this.restarts[r] = this.restarts[r]! + 1;
    this.dropFraction[r] = 0;
    this.saturatedSince[r] = NEVER;
    this.memory[r] = 0;
    this.load[r] = 0;
    this.backlog[r] = 0;
    for (const key of this.keys) key.coreDns[r]!.clear();
  }
}
