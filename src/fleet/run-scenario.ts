/**
 * Runs a scenario: builds the fleet's components on one kernel and advances the clock to the
 * scenario's end or a limit. Components join this fleet as the models land; a scenario runs
 * exactly what exists, and the result says what was modelled.
 */
import { Simulation, type StopReason } from "../sim/index.js";
import type { Scenario } from "../scenario/index.js";

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Called during long runs with the simulated time. */
  onProgress?: (now: number) => void;
}

export interface FleetSummary {
  clusterClasses: number;
  clusters: number;
  nodes: number;
  pods: number;
}

/** Everything a run produced. Deterministic: no wall-clock figures, so equal runs are equal bytes. */
export interface RunResult {
  scenario: { name: string; source: string };
  seed: number;
  /** ISO 8601 instants of simulated time 0 and of the end, when the scenario names a start. */
  start: string | undefined;
  end: string | undefined;
  timeZone: string | undefined;
  simulatedSeconds: number;
  fleet: FleetSummary;
  /** Components simulated in this run (empty until the models are built on the kernel). */
  components: string[];
  outcome: {
    stopReason: StopReason;
    /** True when a limit cut the run short. */
    limitHit: boolean;
    events: number;
    message: string;
  };
}

export function summarizeFleet(scenario: Scenario): FleetSummary {
  let clusters = 0;
  let nodes = 0;
  let pods = 0;
  for (const cluster of scenario.clusters) {
    clusters += cluster.count;
    nodes += cluster.count * cluster.nodes;
    pods += Math.round(cluster.count * cluster.nodes * cluster.podsPerNode);
  }
  return { clusterClasses: scenario.clusters.length, clusters, nodes, pods };
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const sim = new Simulation(seed);
  const outcome = sim.run({
    until: scenario.durationSeconds,
    maxEvents: scenario.limits.maxEvents,
    wallClockBudgetMs:
      scenario.limits.wallClockSeconds === undefined
        ? undefined
        : scenario.limits.wallClockSeconds * 1000,
    onProgress: options.onProgress,
  });
  const instant = (seconds: number) =>
    scenario.start === undefined
      ? undefined
      : new Date(scenario.start.epochMs + seconds * 1000).toISOString();
  return {
    scenario: { name: scenario.name, source: scenario.source },
    seed,
    start: instant(0),
    end: instant(outcome.now),
    timeZone: scenario.start?.timeZone,
    simulatedSeconds: outcome.now,
    fleet: summarizeFleet(scenario),
    components: [],
    outcome: {
      stopReason: outcome.reason,
      limitHit: outcome.reason === "max-events" || outcome.reason === "wall-clock",
      events: outcome.events,
      message: outcome.message,
    },
  };
}
