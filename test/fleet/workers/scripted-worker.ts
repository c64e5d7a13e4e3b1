/**
 * A stand-in for run-worker.js whose behaviour the task's scenario name chooses, so that tests
 * can make each path of runInParallel fail: a failed run, a crash, a worker that never ends.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { RunTask, WorkerReply } from "../../../src/fleet/parallel-runs.js";

// The test runner also loads this file on its own, outside a worker: then it does nothing.
const task = workerData as RunTask | null;
switch (parentPort === null ? undefined : task?.scenario.name) {
  case undefined:
    break;
  case "fail":
    parentPort?.postMessage({ ok: false, message: "the model failed" } satisfies WorkerReply);
    break;
  case "crash":
    throw new Error("the worker crashed");
  case "exit":
    process.exit(3);
    break;
  case "hang":
    // Busy forever: only terminate() ends it.
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  default:
    parentPort?.postMessage({
      ok: true,
      result: { scenario: { name: task?.scenario.name } },
    } as unknown as WorkerReply);
}
