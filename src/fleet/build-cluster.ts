/**
 * Builds one simulated cluster's control plane from a scenario's cluster class in one call:
 * apiservers and etcd, kubelets renewing their leases, and the agents the scenario declares.
 * The cluster assembly (src/fleet/cluster) adds the same pieces as separate components.
 */
import type { Simulation } from "../sim/index.js";
import type { StateChecker } from "../world/index.js";
import type { ClusterClass } from "../scenario/index.js";
import type { Cluster, ClusterObserver } from "../model/cluster.js";
import { buildControlPlane } from "./build-control-plane.js";
import { buildKubeletLeases, type BuiltKubeletLeases } from "./build-kubelet-leases.js";
import { buildAgents, type BuiltAgents } from "./build-agents.js";

export { CONTROL_PLANE_DEFAULTS } from "./control-plane-defaults.js";

export interface BuiltCluster extends BuiltKubeletLeases, BuiltAgents {
  cluster: Cluster;
}

/** What the data plane hears from the control-plane clients. */
export interface BuildHooks {
  /** Member m of the kubelet lease population (nodes [m*g, (m+1)*g)) renewed or failed. */
  onLeaseOutcome?: (member: number, ok: boolean) => void;
}

export function buildCluster(
  sim: Simulation,
  spec: ClusterClass,
  instanceName: string,
  observer: ClusterObserver,
  hooks: BuildHooks = {},
  checker?: StateChecker,
): BuiltCluster {
  const cluster = buildControlPlane(sim, spec, instanceName, observer, checker);
  const leases = buildKubeletLeases(sim, spec, instanceName, cluster, hooks.onLeaseOutcome);
  const agents = buildAgents(sim, spec, instanceName, cluster);
  return { cluster, ...leases, ...agents };
}
