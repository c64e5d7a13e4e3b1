/** The body of a swarm worker thread: runs its seeds one by one and posts each outcome. */
import { parentPort, workerData } from "node:worker_threads";
import { runSwarmSeed } from "./swarm.js";

for (const seed of workerData as number[]) parentPort?.postMessage(runSwarmSeed(seed));
