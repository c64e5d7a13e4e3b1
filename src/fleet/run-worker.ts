/** The body of a simulation worker thread: runs one task and posts its result. */
import { parentPort, workerData } from "node:worker_threads";
import { runScenario } from "./run-scenario.js";
import type { RunTask, WorkerReply } from "./parallel-runs.js";

const task = workerData as RunTask;
let reply: WorkerReply;
try {
  reply = { ok: true, result: runScenario(task.scenario, task.options) };
} catch (error) {
  reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(reply);
