export { runScenario, summarizeFleet } from "./run-scenario.js";
export { runInParallel, type RunTask } from "./parallel-runs.js";
export type { RunOptions, RunResult, FleetSummary } from "./run-scenario.js";
