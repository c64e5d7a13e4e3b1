/**
 * The run budget: a wall-clock limit on every run (the scenario's `limits.wallClock`, or the
 * default), and an estimate of the simulated work checked against it before the run starts, so
 * that a scenario needing hours is refused at once instead of running unattended.
 */
import {
  formatDuration,
  InputError,
  pendingEventsProblem,
  scenarioSize,
  type Scenario,
} from "../scenario/index.js";

/** Wall-clock budget of a run when neither --budget nor the scenario's limits.wallClock sets one. */
export const DEFAULT_BUDGET_SECONDS = 15 * 60;

/**
 * Simulated node-seconds per wall-clock second, on the slow side: the built-in replay
 * (3.7e8 node-seconds, overloaded control planes) runs in about 25 s (BENCHMARKS.md), ~1.5e7
 * per second; a quarter of that leaves room for slower or busier machines and heavier scenarios.
 */
export const NODE_SECONDS_PER_WALL_SECOND = 4e6;

export interface Budget {
  seconds: number;
  /** Where it came from, for the message: "--budget", "spec.limits.wallClock" or "default". */
  source: string;
}

export function effectiveBudget(scenario: Scenario, flag: number | undefined): Budget {
  if (flag !== undefined) return { seconds: flag, source: "--budget" };
  if (scenario.limits.wallClockSeconds !== undefined) {
    return { seconds: scenario.limits.wallClockSeconds, source: "spec.limits.wallClock" };
  }
  return { seconds: DEFAULT_BUDGET_SECONDS, source: "the default budget" };
}

/**
 * Refuses, before anything runs, a scenario whose clients do not fit in the kernel or whose
 * estimated run time exceeds the budget (runs in parallel share the machine: `runs` of them).
 * Returns the scenario with the budget as its wall-clock limit.
 */
export function checkBudget(
  scenario: Scenario,
  options: { full: boolean; budget: Budget; runs: number; cores: number },
): Scenario {
  const size = scenarioSize(
    scenario.clusters,
    scenario.pipeline,
    scenario.durationSeconds,
    options.full,
  );
  const fail = (message: string) =>
    new InputError([{ file: scenario.source, line: 0, column: 0, path: "spec.clusters", message }]);
  const pending = pendingEventsProblem(size);
  if (pending !== undefined) throw fail(options.full ? `with --full, ${pending}` : pending);
  const rounds = Math.ceil(options.runs / Math.max(1, options.cores));
  const estimate = (size.nodeSeconds / NODE_SECONDS_PER_WALL_SECOND) * rounds;
  if (estimate > options.budget.seconds) {
    throw fail(
      `the run would take about ${formatDuration(Math.ceil(estimate))} of wall-clock time ` +
        `(${size.simulatedClusters.toLocaleString("en-US")} simulated clusters, ` +
        `${size.nodeSeconds.toExponential(2)} node-seconds${rounds > 1 ? `, ${options.runs} runs on ${options.cores} threads` : ""}), ` +
        `more than ${options.budget.source} of ${formatDuration(options.budget.seconds)}; ` +
        `shorten or shrink the scenario, or raise the budget with --budget (e.g. --budget ${formatDuration(Math.ceil(estimate * 2))})`,
    );
  }
  return { ...scenario, limits: { ...scenario.limits, wallClockSeconds: options.budget.seconds } };
}
