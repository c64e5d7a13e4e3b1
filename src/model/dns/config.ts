/**
 * Every parameter of the DNS model, with defaults. docs/model-dns.md gives the source of each
 * default (upstream code or documentation) or the reasoning behind an assumed one.
 */

/** How the `cache` plugin (CoreDNS or NodeLocal DNSCache) answers expired entries. */
export type ServeStaleMode = "off" | "immediate" | "verify";

export interface CacheLayerConfig {
  /** Cap on the TTL of positive answers (s): `cache [TTL]` or `success CAPACITY TTL`. */
  successTtlCap: number;
  /** Cap on the TTL of NXDOMAIN/NODATA answers (s): `denial CAPACITY TTL`. */
  denialTtlCap: number;
  /** Lower bound on any cached TTL (s): the plugin's MINTTL. */
  minTtl: number;
  /** How long a SERVFAIL is cached (s): `servfail DURATION`; 0 disables. */
  servfailTtl: number;
  /** `serve_stale` policy; `off` when the directive is absent. */
  serveStale: ServeStaleMode;
  /** How long past expiry an entry may still be served stale (s): `serve_stale DURATION`. */
  serveStaleDuration: number;
  /**
   * `prefetch`: popular entries are refreshed shortly before they expire, so a query in the
   * refresh window never misses while upstream works.
   */
  prefetch: boolean;
}

export interface CoreDnsConfig {
  /** Replicas of the CoreDNS Deployment behind the kube-dns Service. */
  replicas: number;
  /** `kubernetes` plugin `ttl`: the TTL of the records it answers (s). */
  recordTtl: number;
  /** TTL of answers forwarded from the upstream (external) resolvers, before the cache cap (s). */
  externalRecordTtl: number;
  /** Queries per second one replica answers at full CPU. */
  capacityQps: number;
  /** Idle resident memory of a replica (bytes). */
  baseMemoryBytes: number;
  /** Memory per Service and per Pod held by the `kubernetes` plugin's informer store (bytes). */
  memoryPerObjectBytes: number;
  /** Memory per query/s answered (buffers of queries in flight) (bytes). */
  memoryPerAnsweredQps: number;
  /**
   * Memory per query waiting beyond capacity: CoreDNS starts a goroutine per UDP packet, so
   * a saturated replica accumulates queries in memory (bytes).
   */
  memoryPerQueuedQuery: number;
  /** Container memory limit: passing it OOM-kills the replica (bytes). */
  memoryLimitBytes: number;
  /**
   * Seconds of continuous saturation after which the liveness probe has failed often enough
   * for the kubelet to restart the container.
   */
  livenessBudgetSeconds: number;
  /** First restart delay after a kill (s); doubles per consecutive restart. */
  restartBackoffInitial: number;
  /** Cap of the restart delay (s). */
  restartBackoffMax: number;
  /** A replica that has run this long without a restart resets its backoff (s). */
  restartBackoffResetAfter: number;
  /** Mean time to answer a query from the cache or the `kubernetes` plugin (s). */
  answerLatency: number;
  /** Mean time for the `forward` plugin to get an answer from the upstream resolvers (s). */
  upstreamLatency: number;
  cache: CacheLayerConfig;
}

export interface NodeLocalConfig {
  enabled: boolean;
  /** Nodes running the NodeLocal DNSCache DaemonSet: the number of independent caches. */
  nodes: number;
  /**
   * Time the `forward` plugin waits for the cluster DNS before answering SERVFAIL (s): a
   * timeout upstream becomes a SERVFAIL for the pod.
   */
  forwardTimeout: number;
  /** Mean time to answer from the node's cache (s). */
  answerLatency: number;
  cache: CacheLayerConfig;
}

export interface DnsConfig {
  /** Seconds between two ticks of the fluid model. */
  tickSeconds: number;
  /** The cluster domain (`--cluster-domain`); names under it are answered by CoreDNS's store. */
  clusterDomain: string;
  /** Search domains the node's resolv.conf adds after the cluster ones (cloud defaults). */
  hostSearchDomains: string[];
  /** Services and Pods in the cluster, for the CoreDNS store's memory. */
  services: number;
  pods: number;
  coreDns: CoreDnsConfig;
  nodeLocal: NodeLocalConfig;
}

const MIB = 1024 * 1024;

/** The CoreDNS `cache` plugin with no arguments: its own defaults. */
export const COREDNS_CACHE_PLUGIN_DEFAULTS: CacheLayerConfig = {
  successTtlCap: 3600,
  denialTtlCap: 1800,
  minTtl: 5,
  servfailTtl: 5,
  serveStale: "off",
  serveStaleDuration: 3600,
  prefetch: false,
};

/** The CoreDNS `cache` plugin as kubeadm's Corefile configures it: `cache 30`. */
export const KUBEADM_COREDNS_CACHE: CacheLayerConfig = {
  ...COREDNS_CACHE_PLUGIN_DEFAULTS,
  successTtlCap: 30,
  denialTtlCap: 30,
};

/** NodeLocal DNSCache's cluster-zone block: `cache { success 9984 30; denial 9984 5 }`. */
export const NODELOCAL_CLUSTER_ZONE_CACHE: CacheLayerConfig = {
  successTtlCap: 30,
  denialTtlCap: 5,
  minTtl: 5,
  servfailTtl: 5,
  serveStale: "off",
  serveStaleDuration: 3600,
  prefetch: false,
};

export const DEFAULT_DNS_CONFIG: DnsConfig = {
  tickSeconds: 1,
  clusterDomain: "cluster.local",
  hostSearchDomains: ["ec2.internal"],
  services: 1000,
  pods: 10000,
  coreDns: {
    replicas: 2,
    recordTtl: 30,
    externalRecordTtl: 300,
    capacityQps: 10000,
    baseMemoryBytes: 54 * MIB,
    memoryPerObjectBytes: MIB / 1000,
    memoryPerAnsweredQps: (5 * MIB) / 30000,
    memoryPerQueuedQuery: 4096,
    memoryLimitBytes: 170 * MIB,
    livenessBudgetSeconds: 50,
    restartBackoffInitial: 10,
    restartBackoffMax: 300,
    restartBackoffResetAfter: 600,
    answerLatency: 0.0005,
    upstreamLatency: 0.01,
    cache: KUBEADM_COREDNS_CACHE,
  },
  nodeLocal: {
    enabled: false,
    nodes: 100,
    forwardTimeout: 2,
    answerLatency: 0.0002,
    cache: NODELOCAL_CLUSTER_ZONE_CACHE,
  },
};

/** The stub resolver in a pod (resolv.conf(5) options plus the libc's behaviour). */
export interface ResolverSettings {
  /** `options ndots:N`: names with fewer dots walk the search list first. */
  ndots: number;
  /** `options timeout:N`: seconds to wait for one attempt. */
  timeoutSeconds: number;
  /** `options attempts:N`: tries per query on timeout or SERVFAIL. */
  attempts: number;
  /** Questions sent per name tried (A and AAAA in parallel: 2). */
  questionsPerName: number;
  /**
   * glibc moves on to the next search domain after a SERVFAIL; musl stops and fails the
   * lookup. Both stop on a timeout.
   */
  continueSearchOnServfail: boolean;
}

/** kubelet writes `options ndots:5`; glibc's timeout 5 s and attempts 2. */
export const GLIBC_RESOLVER: ResolverSettings = {
  ndots: 5,
  timeoutSeconds: 5,
  attempts: 2,
  questionsPerName: 2,
  continueSearchOnServfail: true,
};

export const MUSL_RESOLVER: ResolverSettings = {
  ...GLIBC_RESOLVER,
  continueSearchOnServfail: false,
};

/** A copy of the defaults with some fields replaced (one level deep for the nested blocks). */
export function dnsConfig(overrides: DnsConfigOverrides = {}): DnsConfig {
  const base = DEFAULT_DNS_CONFIG;
  return {
    ...base,
    ...overrides,
    coreDns: {
      ...base.coreDns,
      ...overrides.coreDns,
      cache: { ...base.coreDns.cache, ...overrides.coreDns?.cache },
    },
    nodeLocal: {
      ...base.nodeLocal,
      ...overrides.nodeLocal,
      cache: { ...base.nodeLocal.cache, ...overrides.nodeLocal?.cache },
    },
  };
}

export interface DnsConfigOverrides extends Partial<Omit<DnsConfig, "coreDns" | "nodeLocal">> {
  coreDns?: Partial<Omit<CoreDnsConfig, "cache">> & { cache?: Partial<CacheLayerConfig> };
  nodeLocal?: Partial<Omit<NodeLocalConfig, "cache">> & { cache?: Partial<CacheLayerConfig> };
}
