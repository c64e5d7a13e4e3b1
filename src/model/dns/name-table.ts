/**
 * The names the pods ask: every workload's lookups, each expanded by its resolver's search list
 * into the fully qualified names it walks, and one shared entry per such name (its caches,
 * demand and outcomes along the path), built once when the model starts.
 */
import type { Simulation } from "../../sim/index.js";
import { GLIBC_RESOLVER, type DnsConfig, type ResolverSettings } from "./config.js";
import type { DnsNameDemand, DnsWorkload, LookupResult } from "./dns-types.js";
import { FluidCache, ttlTicks } from "./fluid-cache.js";
import { newOutcome, type QueryOutcome } from "./outcome.js";
import { newPodFacing, type PodFacing } from "./pod-path.js";
import { podSearchDomains, searchCandidates } from "./resolver.js";

/** One fully qualified name asked by any lookup's walk. */
export interface NameKey {
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

/** One name of one workload: its walk over keys and its last result. */
export interface Lookup {
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

export class NameTable {
  readonly keys: NameKey[] = [];
  readonly lookups: Lookup[] = [];
  private readonly keyIndex = new Map<string, number>();
  private readonly lookupIndex = new Map<string, Map<string, Lookup>>();
  private readonly workloads = new Map<string, DnsWorkload>();

  constructor(
    private readonly sim: Simulation,
    private readonly config: DnsConfig,
    private readonly tick: number,
  ) {}

  /** The model's own copy of a workload (its lookup rate may be changed). */
  workload(name: string): DnsWorkload | undefined {
    return this.workloads.get(name);
  }

  /** The first lookup of `name` by `workload`. */
  lookup(workload: string, name: string): Lookup | undefined {
    return this.lookupIndex.get(workload)?.get(name);
  }

  addWorkload(workload: DnsWorkload): void {
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
      this.lookups.push(lookup);
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
    const key: NameKey = {
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
}
