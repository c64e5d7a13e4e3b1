/**
 * One tick of the questions' flow over the replicas' current states: each name's outcome
 * bottom-up (replica classes, the kube-dns Service, the node cache, what the pod sees); each
 * lookup's application cache and search-list walk over those outcomes; then the questions
 * top-down through the node caches (refreshing them) to the replicas, whose offered load they
 * set. Keeps the cumulative counters.
 */
import type { Simulation } from "../../sim/index.js";
import type { DnsConfig } from "./config.js";
import type { CoreDnsReplicas } from "./coredns-replicas.js";
import type { DnsCounters, DnsModelInputs } from "./dns-types.js";
import { refreshedFraction, upstreamQueriesPerCache } from "./fluid-cache.js";
import type { Lookup, NameTable } from "./name-table.js";
import {
  OutcomeMixer,
  TIMEOUT,
  copyOutcome,
  newOutcome,
  setAnswered,
  setServfail,
  throughCacheInto,
} from "./outcome.js";
import {
  directFacing,
  newQuestionStats,
  nodeCacheFacing,
  questionStats,
  throttledByServfailCache,
  timeoutsBecomeServfail,
} from "./pod-path.js";

interface Walk {
  answer: number;
  usable: number;
  dataAsOf: number;
  latency: number;
  queries: number;
}

export class QueryFlow {
  private readonly tick: number;
  /** The model's tick count this tick: outcomes computed in it are tagged with it. */
  private ticks = 0;

  // Scratch reused by every tick.
  private readonly mixer = new OutcomeMixer();
  private readonly serviceMixer = new OutcomeMixer();
  private readonly plugin = newOutcome();
  private readonly stats = newQuestionStats();
  private readonly walked: Walk = { answer: 0, usable: 0, dataAsOf: 0, latency: 0, queries: 0 };

  readonly totals: DnsCounters = {
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

  constructor(
    private readonly sim: Simulation,
    private readonly config: DnsConfig,
    private readonly names: NameTable,
    private readonly replicas: CoreDnsReplicas,
    private readonly inputs: DnsModelInputs,
  ) {
    this.tick = config.tickSeconds;
  }

  /**
   * Resolves every lookup, then sends the questions down. Outcomes are computed when a walk
   * first reaches their name (most walks end at the name that answers), and only names asked
   * this tick send questions down.
   */
  run(ticks: number, now: number): void {
    this.ticks = ticks;
    for (const lookup of this.names.lookups) this.resolveLookup(lookup, now);
    for (const c of this.replicas.classes) c.offered = 0;
    const keys = this.names.keys;
    for (let k = 0; k < keys.length; k++) if (keys[k]!.demand > 0) this.pushDown(k, now);
  }

  /** This tick's outcomes of one name at each replica class, the Service and the pod. */
  private computeOutcomes(k: number, now: number): void {
    const key = this.names.keys[k]!;
    key.computedTick = this.ticks;
    const core = this.config.coreDns;
    const plugin = this.plugin;
    const mixer = this.mixer;
    const service = this.serviceMixer.reset();
    for (const c of this.replicas.classes) {
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
      service.add(c.members * this.replicas.perReplicaWeight, out);
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
      this.names.keys[lookup.keys[i]!]!.demand += walksPerSecond * lookup.perKeyQueries[i]!;
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
      const key = this.names.keys[k]!;
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
    const key = this.names.keys[k]!;
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
    const qpsPerReplica = toService * this.replicas.perReplicaWeight;
    for (const c of this.replicas.classes) {
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
}
