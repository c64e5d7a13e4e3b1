/**
 * Data-plane defaults of a cluster assembly, each listed with its source in docs/model.md, and
 * the request templates and identities its components share.
 */
import type { OperatorSettings } from "../../scenario/index.js";
import type { UserInfo } from "../../k8s/index.js";
import type { RequestTemplate } from "../../model/request.js";

export const DATA_PLANE_DEFAULTS = {
  /** kube-controller-manager --leader-elect-retry-period, -renew-deadline, -lease-duration. */
  leaderElectionRetrySeconds: 2,
  leaderElectionRenewDeadlineSeconds: 10,
  leaderElectionLeaseDurationSeconds: 15,
  /** From the container's start to the election loop's first try (assumed). */
  controllerManagerStartupSeconds: 5,
  /** kube-dns-autoscaler (cluster-proportional-autoscaler) linear mode: 1 replica per 16 nodes. */
  coreDnsNodesPerReplica: 16,
  coreDnsMinReplicas: 2,
  /** Lookups per second each pod makes of each name it depends on (assumed). */
  lookupsPerPodPerName: 0.2,
  /** Size of one EndpointSlice object (assumed: ~100 endpoints of ~100 B plus metadata). */
  endpointSliceBytes: 10_000,
  /** Services in a cluster beyond the scenario's (kube-system and platform; assumed). */
  baseServices: 100,
  /** New apiserver replicas: from asking to the process starting (assumed, VM provisioning). */
  apiserverProvisioningSeconds: 600,
  /** kube-controller-manager's client for ReplicaSet pod creations (--kube-api-qps/burst). */
  replicaSetQps: 20,
  replicaSetBurst: 30,
  /** Step of the fluid DNS and workload models (s): fine against 30 s TTLs and 5 s timeouts. */
  dataPlaneTickSeconds: 2,
} as const;

export const kubeSystemUser = (name: string): UserInfo => ({
  name: `system:serviceaccount:kube-system:${name}`,
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
});

export const OPERATOR_USERS: Record<OperatorSettings["identity"], UserInfo> = {
  // kubeadm's admin.conf: the system:masters group, which APF exempts.
  "system:masters": {
    name: "kubernetes-admin",
    groups: ["system:masters", "system:authenticated"],
  },
  // An SSO user bound to cluster-admin: global-default like any authenticated user.
  "cluster-admin": { name: "oncall@example.com", groups: ["oncall", "system:authenticated"] },
};

/** A request template of a built-in client; LISTs and WATCHes read the watch cache (RV "0"). */
export function template(
  name: string,
  verb: RequestTemplate["verb"],
  resource: string,
  apiGroup: string,
  scope: RequestTemplate["scope"] = "namespace",
): RequestTemplate {
  return {
    name,
    verb,
    resource,
    apiGroup,
    scope,
    options: verb === "list" || verb === "watch" ? { resourceVersion: "0" } : {},
    encoding: "protobuf",
    mutating: verb !== "get" && verb !== "list" && verb !== "watch",
  };
}
