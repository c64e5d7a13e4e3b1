/**
 * The smallest cluster at which a workload overloads the control plane, searched with the
 * estimate: for a synchronised start (every instance reads at once, as in a rollout or restart,
 * then the steady load) and in steady state alone (reads spread over their period).
 */
import {
  estimateWorkload,
  idleReplicaMemory,
  type ControlPlane,
  type Overload,
} from "./estimate.js";
import type { ApiCall, Workload } from "./types.js";

export const MAX_SEARCHED_NODES = 100_000;

export type BreakPhase = "synchronised" | "steady";

/**
 * The smallest node count at which the workload overloads the control plane, or undefined up to
 * MAX_SEARCHED_NODES. "synchronised" counts every overload (a start in step, then the steady
 * load); "steady" only those of the steady load. Load grows with N, so a bisection suffices.
 */
export function breakingNodeCount(
  workload: Workload,
  calls: readonly ApiCall[],
  plane: ControlPlane,
  phase: BreakPhase = "synchronised",
): { nodes: number; overloads: Overload[] } | undefined {
  const at = (nodes: number) =>
    estimateWorkload(workload, calls, { ...plane, nodes }).overloads.filter(
      (o) => phase === "synchronised" || o.phase === "steady",
    );
  const ceiling = largestModelledNodes(plane);
  if (calls.length === 0 || at(ceiling).length === 0) return undefined;
  let low = 0;
  let high = ceiling;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (at(middle).length > 0) high = middle;
    else low = middle;
  }
  return { nodes: high, overloads: at(high) };
}

/**
 * Share of an apiserver's memory its idle footprint may take for a size to be in the model's
 * range (assumed, docs/preflight.md). Beyond it the rest of the fleet has no room left, and a
 * workload "alone on an idle control plane" says nothing: any request would tip it over.
 */
export const IDLE_MEMORY_RANGE_SHARE = 0.5;

/**
 * The largest cluster whose idle apiserver (base plus watch cache) takes at most
 * IDLE_MEMORY_RANGE_SHARE of its memory, at most MAX_SEARCHED_NODES.
 */
export function largestModelledNodes(plane: ControlPlane): number {
  const limit = IDLE_MEMORY_RANGE_SHARE * plane.apiserverMemoryBytes;
  const idleAt = (nodes: number) => idleReplicaMemory({ ...plane, nodes });
  if (idleAt(MAX_SEARCHED_NODES) <= limit) return MAX_SEARCHED_NODES;
  let low = 1;
  let high = MAX_SEARCHED_NODES;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (idleAt(middle) <= limit) low = middle;
    else high = middle;
  }
  return low;
}
