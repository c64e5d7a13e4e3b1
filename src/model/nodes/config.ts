/**
 * Parameters of the node population, the node lifecycle controller and the taint eviction that
 * follows it. Every default is documented with its source in docs/model-nodes.md.
 */
import { isAtLeast, type KubernetesVersion } from "../../k8s/index.js";

export interface NodesConfig {
  /** Kubernetes minor version of kube-controller-manager; decides the default grace period. */
  version: KubernetesVersion;
  /** Nodes at the start. */
  nodeCount: number;
  /** Availability zones; node i starts in zone i mod zoneCount (balanced groups). */
  zoneCount: number;
  /** Pods on each node at the start (not counting DaemonSet pods, which tolerate NoExecute). */
  podsPerNode: number;
  /** --node-monitor-period: how often the controller checks node health (s). */
  nodeMonitorPeriodSeconds: number;
  /**
   * --node-monitor-grace-period (s): a node whose lease the controller has not seen renewed for
   * longer is marked Unknown. Undefined means the version's default (40 s, 50 s from 1.32).
   */
  nodeMonitorGracePeriodSeconds?: number;
  /** --node-eviction-rate: NoExecute taints per second per zone while the zone is healthy. */
  nodeEvictionRate: number;
  /** --secondary-node-eviction-rate: taints per second per zone in PartialDisruption. */
  secondaryNodeEvictionRate: number;
  /** --unhealthy-zone-threshold: fraction of unhealthy nodes that makes a zone PartialDisruption. */
  unhealthyZoneThreshold: number;
  /** --large-cluster-size-threshold: zones this size or smaller stop evicting in PartialDisruption. */
  largeClusterSizeThreshold: number;
  /** tolerationSeconds of the not-ready/unreachable NoExecute tolerations added to every pod. */
  tolerationSeconds: number;
  /** How often the rate-limited tainting pass runs (scheduler.NodeEvictionPeriod) (s). */
  taintingPassPeriodSeconds: number;
  /** How soon the endpoint controllers retry a write that found the API unreachable (s). */
  endpointRetrySeconds: number;
}

/** NodeMonitorGracePeriod default: 40 s up to 1.31, 50 s from 1.32 (facts §4). */
export function defaultNodeMonitorGracePeriod(version: KubernetesVersion): number {
  return isAtLeast(version, "1.32") ? 50 : 40;
}

/** The grace period the controller uses: the explicit setting, else the version's default. */
export function nodeMonitorGracePeriod(config: NodesConfig): number {
  return config.nodeMonitorGracePeriodSeconds ?? defaultNodeMonitorGracePeriod(config.version);
}

export const DEFAULT_NODES_CONFIG: Readonly<NodesConfig> = Object.freeze({
  version: "1.29",
  nodeCount: 1000,
  zoneCount: 3,
  podsPerNode: 30,
  nodeMonitorPeriodSeconds: 5,
  nodeMonitorGracePeriodSeconds: undefined,
  nodeEvictionRate: 0.1,
  secondaryNodeEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterSizeThreshold: 50,
  tolerationSeconds: 300,
  taintingPassPeriodSeconds: 0.1,
  endpointRetrySeconds: 1,
});

/** The defaults with some fields replaced; validates what would make the model meaningless. */
export function nodesConfig(overrides: Partial<NodesConfig> = {}): NodesConfig {
  const config: NodesConfig = { ...DEFAULT_NODES_CONFIG, ...overrides };
  const positive: (keyof NodesConfig)[] = [
    "zoneCount",
    "nodeMonitorPeriodSeconds",
    "taintingPassPeriodSeconds",
    "endpointRetrySeconds",
  ];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
      throw new RangeError(`nodes config: ${key} must be a positive number, got ${String(value)}`);
    }
  }
  const nonNegative: (keyof NodesConfig)[] = [
    "nodeCount",
    "podsPerNode",
    "nodeEvictionRate",
    "secondaryNodeEvictionRate",
    "largeClusterSizeThreshold",
    "tolerationSeconds",
  ];
  for (const key of nonNegative) {
    const value = config[key];
    if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`nodes config: ${key} must be a number >= 0, got ${String(value)}`);
    }
  }
  if (!Number.isInteger(config.nodeCount) || !Number.isInteger(config.zoneCount)) {
    throw new RangeError("nodes config: nodeCount and zoneCount must be integers");
  }
  if (!(config.unhealthyZoneThreshold > 0 && config.unhealthyZoneThreshold <= 1)) {
    throw new RangeError("nodes config: unhealthyZoneThreshold must be in (0, 1]");
  }
  const grace = nodeMonitorGracePeriod(config);
  if (!(grace > 0)) {
    throw new RangeError("nodes config: nodeMonitorGracePeriodSeconds must be positive");
  }
  return config;
}
