/**
 * Kubelets renewing their node leases. Above CONTROL_PLANE_DEFAULTS.maxLeaseRenewers nodes, one
 * simulated renewal stands for a group of nodes (docs/model.md): member m renews the leases of
 * nodes [m*g, (m+1)*g) in one request of batch g.
 */
import type { Simulation } from "../sim/index.js";
import { NODES_GROUP } from "../k8s/index.js";
import type { ClusterClass } from "../scenario/index.js";
import type { Cluster } from "../model/cluster.js";
import { PeriodicCallers } from "../model/clients/periodic-callers.js";
import { CONTROL_PLANE_DEFAULTS } from "./control-plane-defaults.js";

export interface BuiltKubeletLeases {
  leases: PeriodicCallers | undefined;
  /** Nodes each member of `leases` stands for. */
  leaseGroup: number;
}

export function buildKubeletLeases(
  sim: Simulation,
  spec: ClusterClass,
  instanceName: string,
  cluster: Cluster,
  onOutcome: ((member: number, ok: boolean) => void) | undefined,
): BuiltKubeletLeases {
  const d = CONTROL_PLANE_DEFAULTS;
  const leaseGroup = Math.ceil(spec.nodes / d.maxLeaseRenewers);
  if (!spec.nodeLeases) return { leases: undefined, leaseGroup };
  const leases = new PeriodicCallers(
    sim,
    {
      name: `${instanceName}/kubelet-lease`,
      members: Math.ceil(spec.nodes / leaseGroup),
      template: {
        batch: leaseGroup,
        name: "kubelet update lease",
        verb: "update",
        resource: "leases",
        apiGroup: "coordination.k8s.io",
        scope: "namespace",
        options: {},
        encoding: "protobuf",
        mutating: true,
      },
      userOf: (node) => ({
        name: `system:node:node-${node}`,
        groups: [NODES_GROUP, "system:authenticated"],
      }),
      periodSeconds: d.leaseRenewalSeconds,
      startOf: () => 0,
      qps: d.kubeletQps,
      burst: d.kubeletBurst,
      retry: d.leaseRetry,
      onOutcome,
    },
    cluster,
  );
  return { leases, leaseGroup };
}
