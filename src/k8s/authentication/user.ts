/**
 * Well-known user and group names (k8s.io/apiserver/pkg/authentication/user/user.go) and the
 * slice of `user.Info` that request classification reads.
 */

export interface UserInfo {
  /** The authenticated user name, e.g. "system:node:node-1" or "system:serviceaccount:ns:name". */
  name: string;
  groups: readonly string[];
}

export const SYSTEM_PRIVILEGED_GROUP = "system:masters";
export const NODES_GROUP = "system:nodes";
export const MONITORING_GROUP = "system:monitoring";
export const ALL_UNAUTHENTICATED = "system:unauthenticated";
export const ALL_AUTHENTICATED = "system:authenticated";

export const ANONYMOUS = "system:anonymous";
export const APISERVER_USER = "system:apiserver";
export const KUBE_PROXY = "system:kube-proxy";
export const KUBE_CONTROLLER_MANAGER = "system:kube-controller-manager";
export const KUBE_SCHEDULER = "system:kube-scheduler";

/** The kube-system namespace (metav1.NamespaceSystem). */
export const NAMESPACE_SYSTEM = "kube-system";
