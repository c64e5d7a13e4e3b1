/**
 * Swarm testing: whole scenarios drawn from consecutive seeds, each run with the state checker
 * on. A seed that breaks a conservation rule, or makes the model throw, is reported with the
 * rule, the simulated time and the one command that reproduces it.
 */
import { Worker } from "node:worker_threads";
import { SimulationError } from "../sim/index.js";
import { StateViolation } from "../world/index.js";
import { swarmScenario } from "../scenario/swarm-scenario.js";
import { runScenario } from "./run-scenario.js";

export interface SwarmOutcome {
  seed: number;
  ok: boolean;
  /** Why the seed failed: the violated rule or the model's error. */
  message?: string;
  /** The rule broken, when the state checker stopped the run. */
  rule?: string;
  events: number;
  clusters: number;
  oomKills: number;
  /** Mitigations applied on top of the drawn file. */
  mitigations: string[];
}

/** The command that reruns one seed exactly. */
export function reproduceCommand(seed: number): string {
  return `kubestorm swarm --from ${seed} --seeds 1`;
}

/** Draws and runs the scenario of one seed with the checker on. */
export function runSwarmSeed(seed: number): SwarmOutcome {
  let drawn: ReturnType<typeof swarmScenario>;
  try {
    drawn = swarmScenario(seed);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const message = `the drawn scenario is invalid (a generator defect): ${detail}`;
    return { seed, ok: false, message, events: 0, clusters: 0, oomKills: 0, mitigations: [] };
  }
  const base = { seed, mitigations: drawn.mitigations };
  try {
    const result = runScenario(drawn.scenario, { check: true });
    return {
      ...base,
      ok: true,
      events: result.outcome.events,
      clusters: result.clusters.length,
      oomKills: result.clusters.reduce((sum, c) => sum + c.oomKills, 0),
    };
  } catch (error) {
    const cause = error instanceof SimulationError ? error.cause : error;
    return {
      ...base,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      rule: cause instanceof StateViolation ? cause.rule : undefined,
      events: 0,
      clusters: 0,
      oomKills: 0,
    };
  }
}

const WORKER_SCRIPT = new URL("./swarm-worker.js", import.meta.url);

/**
 * Runs the seeds on `threads` worker threads (each takes every threads-th seed), reporting each
 * outcome as it comes; resolves with all outcomes in seed order.
 */
export async function runSwarm(
  seeds: readonly number[],
  threads: number,
  onOutcome?: (outcome: SwarmOutcome) => void,
): Promise<SwarmOutcome[]> {
  const pool = Math.max(1, Math.min(threads, seeds.length));
  const shares = Array.from({ length: pool }, (_, t) => seeds.filter((_, i) => i % pool === t));
  const outcomes: SwarmOutcome[] = [];
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(WORKER_SCRIPT, { workerData: share });
          let received = 0;
          worker.on("message", (outcome: SwarmOutcome) => {
            received++;
            outcomes.push(outcome);
            onOutcome?.(outcome);
          });
          worker.once("error", reject);
          worker.once("exit", (code) => {
            if (received === share.length) resolve();
            else reject(new Error(`swarm worker exited with code ${code} after ${received} seeds`));
          });
        }),
    ),
  );
  return outcomes.sort((a, b) => a.seed - b.seed);
}
