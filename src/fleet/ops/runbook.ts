/**
 * The operators' runbook: ordered steps, each an action with preconditions, delays and retries.
 * The team works through it once per cluster it takes on; dependencies and preconditions are
 * per cluster, people are shared by all clusters.
 */
import type { ApiActionKind, ApiPath } from "./cluster-handle.js";
import { fixedDelay, type DelayDistribution, type RetryPolicy } from "./delays.js";

/** A condition on one target cluster; a step acts on a cluster only while all of its hold. */
export type Precondition =
  /** The rule fires for this cluster (its own alert, or a fleet alert naming it). */
  | { kind: "alert-firing"; alert: string }
  /** The named step ended in failure in this cluster. */
  | { kind: "step-failed"; step: string }
  /** The named step succeeded in this cluster. */
  | { kind: "step-succeeded"; step: string }
  /**
   * The operators consider the cluster locked out: their last Kubernetes API action through the
   * normal path failed there, or no apiserver replica is ready.
   */
  | { kind: "locked-out" };

export type OperatorAction =
  | { kind: "api"; action: ApiActionKind; path: ApiPath }
  /** Scale nodes to this fraction of the cluster's baseline node count. */
  | { kind: "scale-nodes"; fractionOfBaseline: number }
  | { kind: "block-admin-api"; blocked: boolean }
  | { kind: "scale-apiservers"; replicas: number }
  /** Move this fraction of the cluster's traffic to clusters with no alert. */
  | { kind: "shift-traffic"; fraction: number };

/** Which clusters a step applies to (at the moment it comes up); others skip it. */
export type StepTarget =
  /** Clusters that have been part of a firing alert. */
  | "affected"
  /** Clusters the pipeline changed. */
  | "changed"
  | "all"
  | { clusters: string[] };

export interface RunbookStep {
  name: string;
  action: OperatorAction;
  /** All must hold for a cluster; none = always. */
  when: Precondition[];
  /**
   * What the step waits for, in the same cluster, before its start delay: another step having
   * started (queued for a person) or finished. A skipped step counts as both. Default: the
   * previous step finished (for the first step: the team taking the cluster on).
   */
  after?: { step: string; phase: "started" | "finished" };
  /** From the step becoming possible to the team starting it (deciding, preparing). */
  startDelay: DelayDistribution;
  /** Per cluster, from starting the work to the action being issued. */
  duration: DelayDistribution;
  target: StepTarget;
  /** "largest-first": queued work on larger clusters (baseline nodes) gets people first. */
  order: "as-listed" | "largest-first";
  /** For Kubernetes API actions; cloud and traffic actions are issued once and succeed. */
  retry: RetryPolicy;
  /**
   * A cluster whose preconditions do not hold yet is checked again for up to this long before
   * being skipped; 0 = skipped at once.
   */
  waitForPreconditionsSeconds: number;
}

export const NO_RETRY: RetryPolicy = {
  maxAttempts: 1,
  initialBackoffSeconds: 0,
  backoffFactor: 1,
  maxBackoffSeconds: 0,
  jitterFraction: 0,
};

/** Retrying a rollback by hand a couple of times before escalating. */
export const DEFAULT_MANUAL_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoffSeconds: 60,
  backoffFactor: 2,
  maxBackoffSeconds: 300,
  jitterFraction: 0.2,
};

/** Removing the DaemonSet: keep trying while remediations bring the apiservers back. */
export const DEFAULT_PERSISTENT_RETRY: RetryPolicy = {
  maxAttempts: 40,
  initialBackoffSeconds: 30,
  backoffFactor: 2,
  maxBackoffSeconds: 300,
  jitterFraction: 0.2,
};

/** How long undo steps wait for the remediation they undo to be in place. */
export const UNDO_WAIT_SECONDS = 7200;

function step(
  name: string,
  action: OperatorAction,
  options: Partial<Omit<RunbookStep, "name" | "action">> = {},
): RunbookStep {
  return {
    name,
    action,
    when: [],
    startDelay: fixedDelay(0),
    duration: { medianSeconds: 60, sigma: 0.3 },
    target: "affected",
    order: "largest-first",
    retry: NO_RETRY,
    waitForPreconditionsSeconds: 0,
    ...options,
  };
}

/**
 * The remediations of the 2024-12-11 report as a runbook, per affected cluster: roll back; when
 * that fails, break glass; when locked out, scale nodes down, block the admin API and scale
 * apiservers up at once; move traffic away; remove the DaemonSet as soon as the API answers;
 * then unblock and scale nodes back up.
 */
export function incidentRunbook(
  options: { apiserverReplicas?: number; scaleDownTo?: number } = {},
): RunbookStep[] {
  return [
    step(
      "rollback",
      { kind: "api", action: "rollback", path: "normal" },
      { retry: DEFAULT_MANUAL_RETRY },
    ),
    step(
      "break-glass-rollback",
      { kind: "api", action: "rollback", path: "break-glass" },
      { when: [{ kind: "step-failed", step: "rollback" }], retry: DEFAULT_MANUAL_RETRY },
    ),
    ...lockoutRemediations(options),
    step(
      "shift-traffic",
      { kind: "shift-traffic", fraction: 1 },
      {
        after: { step: "rollback", phase: "started" },
        startDelay: { medianSeconds: 600, sigma: 0.3 },
        duration: { medianSeconds: 120, sigma: 0.3 },
      },
    ),
    step(
      "delete-daemonset",
      { kind: "api", action: "delete-daemonset", path: "normal" },
      {
        after: { step: "break-glass-rollback", phase: "finished" },
        when: [{ kind: "step-failed", step: "break-glass-rollback" }],
        startDelay: { medianSeconds: 600, sigma: 0.5 },
        retry: DEFAULT_PERSISTENT_RETRY,
      },
    ),
    ...undoRemediations(),
  ];
}

/** Locked out even through break glass: scale nodes down, block the admin API, add apiservers. */
function lockoutRemediations(options: {
  apiserverReplicas?: number;
  scaleDownTo?: number;
}): RunbookStep[] {
  const lockedOutAfterBreakGlass: Precondition[] = [
    { kind: "locked-out" },
    { kind: "step-failed", step: "break-glass-rollback" },
  ];
  const remediation = { medianSeconds: 120, sigma: 0.5 };
  return [
    step(
      "scale-nodes-down",
      { kind: "scale-nodes", fractionOfBaseline: options.scaleDownTo ?? 0.5 },
      {
        when: lockedOutAfterBreakGlass,
        startDelay: { medianSeconds: 300, sigma: 0.5 },
        duration: { medianSeconds: 300, sigma: 0.5 },
      },
    ),
    step(
      "block-admin-api",
      { kind: "block-admin-api", blocked: true },
      {
        when: lockedOutAfterBreakGlass,
        after: { step: "scale-nodes-down", phase: "started" },
        startDelay: remediation,
        duration: { medianSeconds: 600, sigma: 0.5 },
      },
    ),
    step(
      "scale-apiservers-up",
      { kind: "scale-apiservers", replicas: options.apiserverReplicas ?? 6 },
      {
        when: lockedOutAfterBreakGlass,
        after: { step: "scale-nodes-down", phase: "started" },
        startDelay: remediation,
        duration: { medianSeconds: 300, sigma: 0.5 },
      },
    ),
  ];
}

/** Once the DaemonSet is gone: undo the block and the node scale-down. */
function undoRemediations(): RunbookStep[] {
  return [
    step(
      "unblock-admin-api",
      { kind: "block-admin-api", blocked: false },
      {
        when: [
          { kind: "step-succeeded", step: "delete-daemonset" },
          { kind: "step-succeeded", step: "block-admin-api" },
        ],
        startDelay: { medianSeconds: 300, sigma: 0.5 },
        // The block may still be going in when the DaemonSet is gone: wait for it.
        waitForPreconditionsSeconds: UNDO_WAIT_SECONDS,
      },
    ),
    step(
      "scale-nodes-up",
      { kind: "scale-nodes", fractionOfBaseline: 1 },
      {
        when: [
          { kind: "step-succeeded", step: "delete-daemonset" },
          { kind: "step-succeeded", step: "scale-nodes-down" },
        ],
        after: { step: "unblock-admin-api", phase: "started" },
        duration: { medianSeconds: 300, sigma: 0.5 },
        waitForPreconditionsSeconds: UNDO_WAIT_SECONDS,
      },
    ),
  ];
}
