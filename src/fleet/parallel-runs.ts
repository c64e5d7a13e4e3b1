/**
 * Runs independent simulations (variants of a scenario, seeds of a sweep) on worker threads,
 * one run per worker at a time. Each run is deterministic on its own, so the results do not
 * depend on how many threads there are or which finishes first.
 *
 * A failure anywhere stops everything: the first failed run, or the caller's abort signal,
 * terminates every running worker and starts no more, and the promise settles only once every
 * worker has exited, so no thread outlives the call and no rejection goes unhandled.
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

/** A run on a worker thread failed; the message says which task and why. */
export class ParallelRunError extends Error {
  constructor(
    readonly taskIndex: number,
    message: string,
  ) {
    super(message);
    this.name = "ParallelRunError";
  }
}

const WORKER_SCRIPT = new URL("./run-worker.js", import.meta.url);

export interface ParallelOptions {
  /** Stops every worker and rejects (with the signal's reason) when aborted. */
  signal?: AbortSignal;
  /** Called as each task finishes. */
  onDone?: (index: number) => void;
  /** The worker script; tests pass one that fails in a chosen way. */
  workerScript?: URL;
}

/** Runs every task; results come back in task order. Rejects with the first run's failure. */
export async function runInParallel(
  tasks: readonly RunTask[],
  threads = availableParallelism(),
  options: ParallelOptions = {},
): Promise<RunResult[]> {
  const { signal, onDone } = options;
  const script = options.workerScript ?? WORKER_SCRIPT;
  const results = new Array<RunResult | undefined>(tasks.length);
  const running = new Set<Worker>();
  let failure: { error: unknown } | undefined;
  const stopAll = (error: unknown) => {
    failure ??= { error };
    for (const worker of running) void worker.terminate();
  };
  const onAbort = () => stopAll(signal?.reason ?? new Error("aborted"));
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });

  let next = 0;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < tasks.length) {
      const index = next++;
      try {
        results[index] = await runInWorker(tasks[index], index, script, running);
        onDone?.(index);
      } catch (error) {
        stopAll(error);
      }
    }
  };
  const pool = Math.max(1, Math.min(threads, tasks.length));
  try {
    // Lanes never reject: each failure is recorded and ends every lane.
    await Promise.all(Array.from({ length: pool }, lane));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (failure !== undefined) throw failure.error;
  return results as RunResult[];
}

/** One task on a new worker; settles only after the worker has exited. */
function runInWorker(
  task: RunTask,
  index: number,
  script: URL,
  running: Set<Worker>,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: task });
    running.add(worker);
    let reply: WorkerReply | undefined;
    let crash: Error | undefined;
    worker.once("message", (message: WorkerReply) => (reply = message));
    worker.once("error", (error) => (crash = error));
    worker.once("exit", (code) => {
      running.delete(worker);
      if (reply?.ok === true) resolve(reply.result);
      else if (reply?.ok === false) reject(new ParallelRunError(index, reply.message));
      else if (crash !== undefined) {
        reject(new ParallelRunError(index, `simulation worker failed: ${crash.message}`));
      } else reject(new ParallelRunError(index, `simulation worker exited with code ${code}`));
    });
  });
}
