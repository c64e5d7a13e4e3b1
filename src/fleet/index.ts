export { runScenario, summarizeFleet } from "./run-scenario.js";
export {
  runInParallel,
  ParallelRunError,
  type ParallelOptions,
  type RunTask,
} from "./parallel-runs.js";
export type { RunOptions, RunResult, FleetSummary } from "./run-scenario.js";
