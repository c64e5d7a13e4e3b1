/** How kube-controller-manager's controllers reach the apiserver, as the node models need it. */
export interface ControllerApi {
  /** True when the controllers run (their process leads) and their requests can be made. */
  reachable(): boolean;
  /**
   * The newest lease renewals the controller's lease informer holds: `now` while its watch is
   * open, earlier while it is broken and not yet relisted (a stale informer). Absent: `now`.
   */
  leasesSeenUntil?(now: number): number;
}

/** An API that is always reachable: for clusters whose control plane is not under study. */
export const ALWAYS_REACHABLE: ControllerApi = Object.freeze({ reachable: () => true });
