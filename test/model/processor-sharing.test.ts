import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import { ProcessorSharingStation } from "../../src/model/processor-sharing.js";

function finishTimes(
  capacity: number,
  jobs: { at: number; work: number }[],
  abort?: number,
): number[] {
  const sim = new Simulation(1);
  const station = new ProcessorSharingStation(sim, capacity);
  const done: number[] = new Array<number>(jobs.length).fill(NaN);
  const ids: number[] = [];
  jobs.forEach((job, index) =>
    sim.scheduleAt(job.at, () => {
      ids[index] = station.submit(job.work, (i: number) => (done[i] = sim.now), index);
    }),
  );
  if (abort !== undefined) sim.scheduleAt(0.5, () => station.abort(ids[abort]));
  sim.run();
  return done;
}

const close = (actual: number[], expected: number[]) =>
  actual.forEach((value, i) =>
    assert.ok(
      Math.abs(value - expected[i]) < 1e-9 || (Number.isNaN(value) && Number.isNaN(expected[i])),
      `${actual} vs ${expected}`,
    ),
  );

test("jobs share one unit equally: each runs at half speed while both are in", () => {
  close(
    finishTimes(1, [
      { at: 0, work: 1 },
      { at: 0, work: 3 },
    ]),
    [2, 4],
  );
});

test("no job runs faster than one unit, however much capacity is free", () => {
  close(
    finishTimes(4, [
      { at: 0, work: 1 },
      { at: 0, work: 2 },
    ]),
    [1, 2],
  );
});

test("a late arrival slows the job already in service", () => {
  // Alone for 1 s (1 unit done), then shared: the remaining 1 unit takes 2 s.
  close(
    finishTimes(1, [
      { at: 0, work: 2 },
      { at: 1, work: 5 },
    ]),
    [3, 7],
  );
});

test("an aborted job never completes and frees its share", () => {
  close(
    finishTimes(
      1,
      [
        { at: 0, work: 1 },
        { at: 0, work: 10 },
      ],
      1,
    ),
    [1.25, NaN],
  );
});
