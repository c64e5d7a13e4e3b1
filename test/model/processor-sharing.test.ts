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

test("a job's callback that aborts the station stops the rest of its departing batch", () => {
  // Three jobs finish at the same instant; the first one's callback kills the server (an OOM
  // kill): the other two belong to the dead process and their callbacks must not run.
  const sim = new Simulation(1);
  const station = new ProcessorSharingStation(sim, 4);
  const ran: number[] = [];
  for (let i = 0; i < 3; i++) {
    station.submit(
      1,
      (index: number) => {
        ran.push(index);
        station.abortAll();
      },
      i,
    );
  }
  sim.run();
  assert.equal(ran.length, 1, `callbacks ran: ${ran.join(", ")}`);
  assert.equal(station.jobs, 0);
});

test("aborting one job of a departing batch cancels only its callback", () => {
  const sim = new Simulation(1);
  const station = new ProcessorSharingStation(sim, 4);
  const ran: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push(
      station.submit(
        1,
        (index: number) => {
          ran.push(index);
          if (index === ran[0]) station.abort(ids[(index + 1) % 3]);
        },
        i,
      ),
    );
  }
  // A job submitted later still runs to its end, with the right count of jobs in service.
  sim.scheduleAt(1.5, () => station.submit(1, (index: number) => ran.push(index), 9));
  sim.run();
  assert.equal(ran.length, 3, `callbacks ran: ${ran.join(", ")}`);
  assert.ok(ran.includes(9));
  assert.equal(station.jobs, 0);
  assert.ok(Math.abs(sim.now - 2.5) < 1e-9, `last departure at ${sim.now}`);
});
