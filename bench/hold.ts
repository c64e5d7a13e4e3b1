/**
 * The classic hold model on the kubestorm kernel, one measurement per process so that the JIT
 * state of one size does not leak into another:
 *
 *   node dist/bench/hold.js <pending> <warmup> <timed> <seed>
 *
 * prints one JSON line. The same model as bench/reference/hold.cpp and hold_simpy.py; the model
 * is described in BENCHMARKS.md.
 */
import { pathToFileURL } from "node:url";
import { Simulation } from "../src/sim/index.js";

const CANCEL_PROBABILITY = 0.1;

export interface HoldResult {
  pending: number;
  warmup: number;
  /** Fired (not cancelled) events in the timed part. */
  events: number;
  /** Events cancelled in the timed part. */
  cancelled: number;
  seconds: number;
  /** Simulated time at the end: about (warmup + events) / pending, a check that the model ran. */
  simTime: number;
}

export function runHold(pending: number, warmup: number, timed: number, seed: number): HoldResult {
  const sim = new Simulation(seed);
  const rng = sim.random("hold");
  const handles = new Float64Array(pending);
  let cancelled = 0;

  // One callback for every event, the entity index as its argument: no closure per event.
  const fire = (entity: number): void => {
    handles[entity] = sim.schedule(rng.exponential(1), fire, entity);
    if (rng.next() < CANCEL_PROBABILITY) {
      const other = rng.integer(0, pending - 1);
      if (sim.cancel(handles[other])) cancelled++;
      handles[other] = sim.schedule(rng.exponential(1), fire, other);
    }
  };

  for (let entity = 0; entity < pending; entity++) {
    handles[entity] = sim.schedule(rng.exponential(1), fire, entity);
  }
  sim.run({ maxEvents: warmup });
  const cancelledBefore = cancelled;

  const started = process.hrtime.bigint();
  const outcome = sim.run({ maxEvents: timed });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  if (outcome.events !== timed || sim.pending !== pending) {
    throw new Error(
      `hold model broke: fired ${outcome.events} of ${timed}, ${sim.pending} of ${pending} pending`,
    );
  }
  return {
    pending,
    warmup,
    events: outcome.events,
    cancelled: cancelled - cancelledBefore,
    seconds,
    simTime: outcome.now,
  };
}

function main(argv: readonly string[]): void {
  const numbers = argv.map(Number);
  if (numbers.length !== 4 || !numbers.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    console.error("usage: node dist/bench/hold.js <pending> <warmup> <timed> <seed>");
    process.exitCode = 2;
    return;
  }
  const [pending, warmup, timed, seed] = numbers;
  console.log(JSON.stringify(runHold(pending, warmup, timed, seed)));
}

// Runs only as a script: bench/run.ts imports nothing but the result type.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
