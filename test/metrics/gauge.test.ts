import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MetricsRecorder, SamplingWindows } from "../../src/metrics/index.js";
import { gaugeSeries } from "./readers.js";

const SEATS = "apiserver_flowcontrol_current_executing_seats";

function recorderWithGauge(stepSeconds: number, endSeconds: number): MetricsRecorder {
  const recorder = new MetricsRecorder({ stepSeconds, endSeconds });
  recorder.declare({
    name: SEATS,
    help: "seats",
    type: "gauge",
    labelNames: ["priority_level"],
  });
  return recorder;
}

function closeTo(actual: number, expected: number, message?: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    message ?? `${actual} ≈ ${expected}`,
  );
}

describe("gauges", () => {
  it("give last, max, min and time-weighted average per window (hand-computed)", () => {
    const r = recorderWithGauge(10, 40);
    const h = r.gauge(SEATS, { priority_level: "workload-low" });
    r.set(h, 5, 2);
    r.set(h, 8, 6);
    r.set(h, 25, 1);
    const [series] = gaugeSeries(r, SEATS);
    const stats = series.windowStats();
    assert.deepEqual([...stats.last], [6, 6, 1, 1]);
    assert.deepEqual([...stats.max], [6, 6, 6, 1]);
    assert.deepEqual([...stats.min], [2, 6, 1, 1]);
    // Window 0 is covered from the first set: 2 for 3 s, 6 for 2 s → 18 / 5.
    assert.deepEqual([...stats.average], [3.6, 6, 3.5, 1]);
    const run = series.runStats();
    assert.deepEqual({ last: run.last, max: run.max, min: run.min }, { last: 1, max: 6, min: 1 });
    closeTo(run.average, (18 + 60 + 35 + 10) / 35);
  });

  it("leave windows before the first set empty (NaN)", () => {
    const r = recorderWithGauge(10, 30);
    const h = r.gauge(SEATS, { priority_level: "exempt" });
    const [series] = gaugeSeries(r, SEATS);
    assert.ok(series.windowStats().last.every(Number.isNaN));
    assert.ok(Number.isNaN(series.runStats().average));
    assert.ok(Number.isNaN(r.gaugeValue(h)));
    r.set(h, 20, 4);
    assert.deepEqual([...series.windowStats().last].map(String), ["NaN", "NaN", "4"]);
  });

  it("are not changed by reading, and keep recording after a read", () => {
    const r = recorderWithGauge(10, 30);
    const h = r.gauge(SEATS, { priority_level: "system" });
    r.set(h, 1, 10);
    const [series] = gaugeSeries(r, SEATS);
    const before = JSON.stringify([...series.windowStats().average]);
    assert.equal(JSON.stringify([...series.windowStats().average]), before);
    r.set(h, 15, 0);
    assert.deepEqual([...series.windowStats().average], [10, 5, 0]);
  });

  it("count a set at the end time in the last window's last and max", () => {
    const r = recorderWithGauge(10, 20);
    const h = r.gauge(SEATS, { priority_level: "system" });
    r.set(h, 0, 1);
    r.set(h, 20, 9);
    const stats = gaugeSeries(r, SEATS)[0].windowStats();
    assert.deepEqual([...stats.last], [1, 9]);
    assert.deepEqual([...stats.max], [1, 9]);
    assert.deepEqual([...stats.average], [1, 1]);
  });

  it("move by a delta with addToGauge, starting from 0", () => {
    const r = recorderWithGauge(10, 20);
    const h = r.gauge(SEATS, { priority_level: "global-default" });
    r.addToGauge(h, 1, 3);
    r.addToGauge(h, 2, -1);
    assert.equal(r.gaugeValue(h), 2);
  });

  it("refuse time going back and non-finite values", () => {
    const r = recorderWithGauge(10, 20);
    const h = r.gauge(SEATS, { priority_level: "node-high" });
    r.set(h, 12, 1);
    assert.throws(() => r.set(h, 11, 1), /must not go back/);
    assert.throws(() => r.set(h, 13, NaN), /cannot set NaN/);
    assert.throws(() => r.set(h, 13, Infinity), RangeError);
    assert.throws(() => r.set(h, 21, 1), /outside the run/);
    r.set(h, 12, 2);
  });

  it("agree with a brute-force reference on random set sequences", () => {
    const setArbitrary = fc.record({
      dt: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 25, noNaN: true })),
      value: fc.integer({ min: -50, max: 50 }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2.5, 10),
        fc.double({ min: 1, max: 60, noNaN: true }),
        fc.array(setArbitrary, { minLength: 1, maxLength: 40 }),
        (step, end, steps) => {
          const sets: { t: number; value: number }[] = [];
          let t = 0;
          for (const { dt, value } of steps) {
            t += dt;
            if (t > end) break;
            sets.push({ t, value });
          }
          fc.pre(sets.length > 0);
          const r = recorderWithGauge(step, end);
          const h = r.gauge(SEATS, { priority_level: "p" });
          for (const set of sets) r.set(h, set.t, set.value);
          const stats = gaugeSeries(r, SEATS)[0].windowStats();
          const expected = referenceWindows(new SamplingWindows(step, end), sets);
          for (let i = 0; i < expected.length; i++) {
            const want = expected[i];
            if (want === undefined) {
              assert.ok(Number.isNaN(stats.last[i]), `window ${i} is empty`);
              continue;
            }
            assert.equal(stats.last[i], want.last, `last of window ${i}`);
            assert.equal(stats.max[i], want.max, `max of window ${i}`);
            assert.equal(stats.min[i], want.min, `min of window ${i}`);
            closeTo(stats.average[i], want.average, `average of window ${i}`);
          }
        },
      ),
      { seed: 20241211, numRuns: 300 },
    );
  });
});

interface ReferenceWindow {
  last: number;
  max: number;
  min: number;
  average: number;
}

/** Per-window statistics straight from the definition, one window at a time. */
function referenceWindows(
  windows: SamplingWindows,
  sets: readonly { t: number; value: number }[],
): (ReferenceWindow | undefined)[] {
  const result: (ReferenceWindow | undefined)[] = [];
  for (let i = 0; i < windows.count; i++) {
    const before = sets.filter((s) => windows.indexOf(s.t) < i);
    const inside = sets.filter((s) => windows.indexOf(s.t) === i);
    if (before.length === 0 && inside.length === 0) {
      result.push(undefined);
      continue;
    }
    const held = before.length > 0 ? before[before.length - 1].value : undefined;
    const values = [...(held === undefined ? [] : [held]), ...inside.map((s) => s.value)];
    // Integrate the step function over the covered part of the window.
    let from = held === undefined ? inside[0].t : windows.start(i);
    let current = held ?? inside[0].value;
    let integral = 0;
    for (const s of inside) {
      integral += current * (s.t - from);
      from = s.t;
      current = s.value;
    }
    integral += current * (windows.end(i) - from);
    const covered = windows.end(i) - (held === undefined ? inside[0].t : windows.start(i));
    result.push({
      last: values[values.length - 1],
      max: Math.max(...values),
      min: Math.min(...values),
      average: covered > 0 ? integral / covered : current,
    });
  }
  return result;
}
