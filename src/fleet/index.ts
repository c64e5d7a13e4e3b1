export { runScenario, summarizeFleet } from "./run-scenario.js";
export {
  runInParallel,
  ParallelRunError,
  type ParallelOptions,
  type RunTask,
} from "./parallel-runs.js";
export type { RunOptions } from "./run-scenario.js";
export type { ClusterClassResult, FleetSummary, RunResult } from "./results.js";
