import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation, SimulationError } from "../../src/sim/index.js";

test("events fire in time order, ties in scheduling order", () => {
  const sim = new Simulation(1);
  const fired: string[] = [];
  const record = (label: string) => fired.push(`${label}@${sim.now}`);
  sim.schedule(2, record, "c");
  sim.schedule(1, record, "a");
  sim.schedule(1, record, "b");
  sim.scheduleAt(0.5, record, "first");
  const outcome = sim.run();
  assert.deepEqual(fired, ["first@0.5", "a@1", "b@1", "c@2"]);
  assert.equal(outcome.reason, "drained");
  assert.equal(outcome.events, 4);
});

test("cancel prevents firing, and is a no-op after firing or a second time", () => {
  const sim = new Simulation(1);
  const fired: number[] = [];
  const onFire = (n: number) => fired.push(n);
  const keep = sim.schedule(1, onFire, 1);
  const drop = sim.schedule(2, onFire, 2);
  assert.equal(sim.pending, 2);
  assert.equal(sim.cancel(drop), true);
  assert.equal(sim.cancel(drop), false);
  assert.equal(sim.pending, 1);
  sim.run();
  assert.deepEqual(fired, [1]);
  assert.equal(sim.cancel(keep), false, "cancelling a fired event");
});

test("a stale handle does not cancel the event that reused its slot", () => {
  const sim = new Simulation(1);
  const fired: string[] = [];
  const old = sim.schedule(1, () => fired.push("old"));
  sim.run();
  // The freed slot is reused by the next event; the old handle must not reach it.
  sim.schedule(1, () => fired.push("new"));
  assert.equal(sim.cancel(old), false);
  sim.run();
  assert.deepEqual(fired, ["old", "new"]);
});

test("an event scheduled from a callback at the same time fires after those already queued", () => {
  const sim = new Simulation(1);
  const fired: string[] = [];
  sim.schedule(1, () => {
    fired.push("a");
    sim.schedule(0, () => fired.push("a-child"));
  });
  sim.schedule(1, () => fired.push("b"));
  sim.run();
  assert.deepEqual(fired, ["a", "b", "a-child"]);
});

test("run stops at `until` with the clock there, and resumes", () => {
  const sim = new Simulation(1);
  let ticks = 0;
  const tick = () => {
    ticks++;
    sim.schedule(10, tick);
  };
  sim.schedule(0, tick);
  const first = sim.run({ until: 35 });
  assert.equal(first.reason, "until");
  assert.equal(first.now, 35);
  assert.equal(ticks, 4); // t = 0, 10, 20, 30
  const second = sim.run({ until: 60 });
  assert.equal(second.now, 60);
  assert.equal(ticks, 7); // 40, 50, 60 (an event at `until` still fires)
});

test("the event limit stops a run and says so with the seed", () => {
  const sim = new Simulation(77);
  const loop = () => sim.schedule(1, loop);
  sim.schedule(0, loop);
  const outcome = sim.run({ maxEvents: 1000 });
  assert.equal(outcome.reason, "max-events");
  assert.equal(outcome.events, 1000);
  assert.match(outcome.message, /event limit \(1000 events\).*seed 77/);
});

test("the wall-clock budget stops a run that would never end", () => {
  const sim = new Simulation(5);
  const loop = () => sim.schedule(0.001, loop);
  sim.schedule(0, loop);
  const outcome = sim.run({ wallClockBudgetMs: 30 });
  assert.equal(outcome.reason, "wall-clock");
  assert.match(outcome.message, /wall-clock budget.*seed 5/);
});

test("stop() ends the run after the current event", () => {
  const sim = new Simulation(1);
  let count = 0;
  const loop = () => {
    if (++count === 3) sim.stop();
    sim.schedule(1, loop);
  };
  sim.schedule(0, loop);
  assert.equal(sim.run().reason, "stopped");
  assert.equal(count, 3);
});

test("a model exception becomes a SimulationError naming the time and seed", () => {
  const sim = new Simulation(4242);
  sim.schedule(12.5, () => {
    throw new Error("boom");
  });
  assert.throws(
    () => sim.run(),
    (error: unknown) =>
      error instanceof SimulationError &&
      error.now === 12.5 &&
      /12\.5 s \(seed 4242\): boom/.test(error.message),
  );
});

test("invalid delays and seeds are refused", () => {
  const sim = new Simulation(1);
  assert.throws(() => sim.schedule(-1, () => {}), RangeError);
  assert.throws(() => sim.schedule(Number.NaN, () => {}), RangeError);
  assert.throws(() => sim.schedule(Infinity, () => {}), RangeError);
  assert.throws(() => new Simulation(-1), RangeError);
  assert.throws(() => new Simulation(1.5), RangeError);
});

test("progress is reported during long runs", () => {
  const sim = new Simulation(1);
  const loop = () => sim.schedule(1, loop);
  sim.schedule(0, loop);
  const seen: number[] = [];
  sim.run({ until: 400_000, progressIntervalMs: 0, onProgress: (now) => seen.push(now) });
  assert.ok(seen.length > 10, `progress called ${seen.length} times`);
  assert.ok(seen.every((now, i) => i === 0 || now >= seen[i - 1]));
});

// Schedule and cancel at random and compare with a sorted list: the heap, lazy cancellation,
// slot reuse and compaction must never change which events fire or in what order.
test("property: firing order matches a reference model under random schedule/cancel", () => {
  type Op = { kind: "schedule"; delay: number } | { kind: "cancel"; pick: number };
  const op = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("schedule" as const),
        delay: fc.oneof(
          fc.integer({ min: 0, max: 5 }),
          fc.double({ min: 0, max: 100, noNaN: true }),
        ),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
  );
  fc.assert(
    fc.property(
      fc.array(op, { maxLength: 12_000, size: "max" }),
      fc.nat({ max: 50 }),
      (ops: Op[], chain) => {
        const sim = new Simulation(1);
        const fired: number[] = [];
        const expected: { time: number; id: number }[] = [];
        const handles: { handle: number; id: number }[] = [];
        let nextId = 0;
        // Some events schedule a follow-up from inside their callback (the replace-root path).
        const onFire = (id: number) => {
          fired.push(id);
          if (id < chain) {
            const childId = 1_000_000 + id;
            sim.schedule(0.5, onFire, childId);
          }
        };
        for (const o of ops) {
          if (o.kind === "schedule") {
            const id = nextId++;
            handles.push({ handle: sim.schedule(o.delay, onFire, id), id });
            expected.push({ time: o.delay, id });
          } else if (handles.length > 0) {
            const index = o.pick % handles.length;
            const { handle, id } = handles[index];
            handles.splice(index, 1);
            assert.equal(sim.cancel(handle), true);
            expected.splice(
              expected.findIndex((e) => e.id === id),
              1,
            );
          }
        }
        // Stable sorts keep scheduling order for equal times; a child is scheduled when its parent
        // fires, so children enter in their parents' firing order.
        const parents = [...expected].sort((a, b) => a.time - b.time);
        const children = parents
          .filter((e) => e.id < chain)
          .map((e) => ({ time: e.time + 0.5, id: 1_000_000 + e.id }));
        const order = [...parents, ...children].sort((a, b) => a.time - b.time).map((e) => e.id);
        sim.run();
        assert.deepEqual(fired, order);
        assert.equal(sim.pending, 0);
      },
    ),
    { numRuns: 60 },
  );
});

test("mass cancellation compacts the heap and keeps the survivors in order", () => {
  const sim = new Simulation(9);
  const rng = sim.random("test");
  const fired: number[] = [];
  const onFire = (id: number) => fired.push(id);
  const times: number[] = [];
  const handles: number[] = [];
  for (let id = 0; id < 20_000; id++) {
    times.push(rng.integer(1, 1000)); // after the canceller at t = 0
    handles.push(sim.schedule(times[id], onFire, id));
  }
  const survivors: number[] = [];
  for (let id = 0; id < 20_000; id++) {
    if (id % 4 === 0) survivors.push(id);
    else assert.equal(sim.cancel(handles[id]), true);
  }
  assert.equal(sim.pending, survivors.length);
  // Cancelling during a run, from a callback, while the root is in use.
  sim.schedule(0, () => {
    for (const id of survivors.splice(500)) sim.cancel(handles[id]);
  });
  sim.run();
  const expected = [...survivors].sort((a, b) => times[a] - times[b] || a - b);
  assert.deepEqual(fired, expected);
});
