/**
 * Nodes of a cluster and the controllers that judge them: the node pool (struct-of-arrays), the
 * node lifecycle controller with its zone disruption modes and NoExecute taint eviction, and the
 * endpoint listing of Services that follows node readiness.
 */
export {
  DEFAULT_NODES_CONFIG,
  defaultNodeMonitorGracePeriod,
  nodeMonitorGracePeriod,
  nodesConfig,
  type NodesConfig,
} from "./config.js";
export { ALWAYS_REACHABLE, type ControllerApi } from "./controller-api.js";
export {
  NodeCondition,
  NodePool,
  type NodeColumns,
  type NodeEvents,
  type NodePoolOptions,
} from "./node-pool.js";
export {
  NodeLifecycleController,
  ZoneState,
  type NodeLifecycleStats,
} from "./node-lifecycle-controller.js";
export {
  EndpointReadiness,
  spreadPods,
  type ServiceSpec,
  type UniformRandom,
} from "./endpoint-readiness.js";
export {
  EVICTION_RATE_LIMITER_BURST,
  EvictionRateLimiter,
  ZoneTaintQueues,
} from "./zone-tainters.js";
