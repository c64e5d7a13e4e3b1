/**
 * What the DNS model reads (the informer feed, endpoint validity, whether the kube-dns endpoints
 * can change) and what it reports (per lookup, per replica, cumulative counters).
 */
import type { ResolverSettings } from "./config.js";

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
