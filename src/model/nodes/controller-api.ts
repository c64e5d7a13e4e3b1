/** How kube-controller-manager's controllers reach the apiserver, as the node models need it. */
export interface ControllerApi {
  /** True when the controller's own requests currently reach a ready apiserver and succeed. */
  reachable(): boolean;
}

/** An API that is always reachable: for clusters whose control plane is not under study. */
export const ALWAYS_REACHABLE: ControllerApi = Object.freeze({ reachable: () => true });
