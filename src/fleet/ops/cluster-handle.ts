/**
 * The view of one simulated cluster that the deploy pipeline, the alerting system and the
 * operators have. The fleet layer implements it on top of the simulated clusters; the ops
 * actors only act through it, so outcomes come from the cluster models, never from here.
 */

/** Current health signals, as the monitoring system sees them (per-minute windows). */
export interface HealthSignals {
  /** p99 latency of non-long-running requests over the last minute (seconds). */
  apiserverP99Seconds: number;
  rejected429PerSecond: number;
  /** At least one apiserver replica passes /readyz. */
  readyzOk: boolean;
  /** User-facing request success rate over the last minute, in [0, 1]. */
  workloadSuccessRate: number;
  dnsSuccessRate: number;
}

export type HealthSignalName = keyof HealthSignals;

export type ApiActionKind = "rollback" | "delete-daemonset";

/** "normal" goes through the load balancer like any client; "break-glass" uses a reserved path. */
export type ApiPath = "normal" | "break-glass";

/** One simulated cluster (or cluster class) as operators and the pipeline see it. */
export interface ClusterHandle {
  readonly name: string;
  /** Apply the change (start the DaemonSet rollout) in this cluster. */
  applyChange(changeId: string): void;
  /**
   * An action through the Kubernetes API (e.g. roll back / delete the DaemonSet). Calls `done`
   * with true when the apiserver accepted it, false on failure/timeout. `path` "normal" goes
   * through the load balancer like any client; "break-glass" uses the reserved path when the
   * cluster has one (calls `done(false)` at once if it has none).
   */
  apiAction(action: ApiActionKind, path: ApiPath, done: (ok: boolean) => void): void;
  /** Cloud-provider actions, not the Kubernetes API. */
  scaleNodes(targetNodes: number): void;
  /** Network block of non-node clients of the admin API. */
  blockAdminApi(blocked: boolean): void;
  /** Takes effect after the cluster's scale-up delay. */
  scaleApiservers(replicas: number): void;
  /** Current health signals, as the monitoring system sees them. */
  signals(): HealthSignals;
}

/** A signal as a number, so that rules compare booleans too (true = 1, false = 0). */
export function signalValue(signals: HealthSignals, name: HealthSignalName): number {
  const value = signals[name];
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}
