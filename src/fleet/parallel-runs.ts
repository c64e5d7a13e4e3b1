/**
 * Runs independent simulations (variants of a scenario, seeds of a sweep) on worker threads,
 * one run per worker at a time. Each run is deterministic on its own, so the results do not
 * depend on how many threads there are or which finishes first.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { Scenario } from "../scenario/index.js";
import type { RunOptions } from "./run-scenario.js";
import type { RunResult } from "./results.js";

export interface RunTask {
  scenario: Scenario;
  options: Pick<RunOptions, "seed" | "full" | "check">;
}

/** What a worker posts back: the result, or the error message of a failed run. */
export type WorkerReply = { ok: true; result: RunResult } | { ok: false; message: string };

const WORKER_SCRIPT = new URL("./run-worker.js", import.meta.url);

/** Runs every task; results come back in task order. Rejects with the first run's failure. */
export async function runInParallel(
  tasks: readonly RunTask[],
  threads = availableParallelism(),
  onDone?: (index: number) => void,
): Promise<RunResult[]> {
  const results = new Array<RunResult | undefined>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await runInWorker(tasks[index]);
      onDone?.(index);
    }
  };
  const pool = Math.max(1, Math.min(threads, tasks.length));
  await Promise.all(Array.from({ length: pool }, worker));
  return results as RunResult[];
}

function runInWorker(task: RunTask): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: task });
    let settled = false;
    worker.once("message", (reply: WorkerReply) => {
      settled = true;
      if (reply.ok) resolve(reply.result);
      else reject(new Error(reply.message));
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`simulation worker exited with code ${code}`));
    });
  });
}
