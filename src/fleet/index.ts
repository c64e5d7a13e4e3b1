export { runScenario, summarizeFleet } from "./run-scenario.js";
export type { RunOptions, RunResult, FleetSummary } from "./run-scenario.js";
