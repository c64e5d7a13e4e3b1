/** A Kubernetes API action tried with backoff until it is accepted or the attempts run out. */
import type { RandomStream, Simulation } from "../../sim/index.js";
import type { ApiActionKind, ApiPath, ClusterHandle } from "./cluster-handle.js";
import { backoffSeconds, type RetryPolicy } from "./delays.js";

export interface ApiActionRequest {
  sim: Simulation;
  random: RandomStream;
  cluster: ClusterHandle;
  action: ApiActionKind;
  path: ApiPath;
  retry: RetryPolicy;
  /** After each attempt: its number (from 1), outcome and why. */
  onAttempt?: (attempt: number, ok: boolean, reason: string) => void;
  /** Once, with the final outcome. */
  onDone: (ok: boolean, reason: string, attempts: number) => void;
}

/**
 * Why an attempt failed. A break-glass attempt refused synchronously means the cluster has no
 * such path (the handle answers at once); anything else was refused or timed out by the cluster.
 */
function failureReason(path: ApiPath, synchronous: boolean): string {
  if (path === "break-glass" && synchronous) return "cluster has no break-glass path";
  return path === "normal"
    ? "apiserver did not accept the request (overloaded or unreachable)"
    : "break-glass request was not accepted";
}

export function runApiActionWithRetry(request: ApiActionRequest): void {
  const { sim, random, cluster, action, path, retry } = request;
  if (!(retry.maxAttempts >= 1)) {
    throw new RangeError(`retry.maxAttempts must be >= 1, got ${retry.maxAttempts}`);
  }
  let attempt = 0;
  const tryOnce = (): void => {
    attempt++;
    const thisAttempt = attempt;
    let answered = false;
    let calling = true;
    cluster.apiAction(action, path, (ok) => {
      // A handle that answers twice (e.g. timeout then late success) counts its first answer.
      if (answered) return;
      answered = true;
      const reason = ok ? "accepted" : failureReason(path, calling);
      request.onAttempt?.(thisAttempt, ok, reason);
      const noPath = !ok && path === "break-glass" && calling;
      if (ok || noPath || thisAttempt >= retry.maxAttempts) {
        request.onDone(ok, reason, thisAttempt);
        return;
      }
      sim.schedule(backoffSeconds(retry, thisAttempt, random), tryOnce);
    });
    calling = false;
  };
  tryOnce();
}
