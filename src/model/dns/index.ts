/** The cluster DNS model: CoreDNS, its caches, NodeLocal DNSCache and the pods' resolvers. */
export {
  COREDNS_CACHE_PLUGIN_DEFAULTS,
  DEFAULT_DNS_CONFIG,
  GLIBC_RESOLVER,
  KUBEADM_COREDNS_CACHE,
  MUSL_RESOLVER,
  NODELOCAL_CLUSTER_ZONE_CACHE,
  dnsConfig,
} from "./config.js";
export type {
  CacheLayerConfig,
  CoreDnsConfig,
  DnsConfig,
  DnsConfigOverrides,
  NodeLocalConfig,
  ResolverSettings,
  ServeStaleMode,
} from "./config.js";
export { DnsModel } from "./dns-model.js";
export type {
  DnsCounters,
  DnsModelInputs,
  DnsNameDemand,
  DnsWorkload,
  EndpointsValidity,
  KubeDnsEndpoints,
  LookupResult,
  ReplicaStatus,
  ServiceStoreFeed,
} from "./dns-types.js";
export { FluidCache, missesUntilRefreshed, ttlTicks } from "./fluid-cache.js";
export { podSearchDomains, searchCandidates } from "./resolver.js";
export type { Candidate } from "./resolver.js";
