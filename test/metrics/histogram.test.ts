import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MetricsRecorder, bucketQuantile, cumulate } from "../../src/metrics/index.js";
import { histogramSeries } from "./readers.js";

const LATENCY = "apiserver_request_duration_seconds";
const BOUNDS = [0.1, 0.5, 1];

function recorderWithHistogram(): MetricsRecorder {
  const recorder = new MetricsRecorder({ stepSeconds: 10, endSeconds: 30 });
  recorder.declare({
    name: LATENCY,
    help: "latency",
    type: "histogram",
    labelNames: ["verb"],
    buckets: BOUNDS,
  });
  return recorder;
}

function closeTo(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${actual} ≈ ${expected}`);
}

describe("histogram series", () => {
  it("count one observation standing for g identical requests g times", () => {
    const weighted = recorderWithHistogram();
    const h = weighted.histogram(LATENCY, { verb: "PUT" });
    weighted.observe(h, 3, 0.2, 75);
    weighted.observe(h, 3, 2);
    const data = histogramSeries(weighted, LATENCY)[0].windowData();
    assert.deepEqual([...data.bucketCounts.subarray(0, 4)], [0, 75, 0, 1]);
    assert.equal(data.count[0], 76);
    closeTo(data.sum[0], 75 * 0.2 + 2);
    assert.throws(() => weighted.observe(h, 3, 1, 0), /cannot observe 0 times/);
  });

  it("count each window's observations per bucket, upper bounds inclusive, +Inf last", () => {
    const r = recorderWithHistogram();
    const h = r.histogram(LATENCY, { verb: "LIST" });
    for (const value of [0.05, 0.1, 0.2, 0.5, 0.7, 2]) r.observe(h, 3, value);
    r.observe(h, 25, 1);
    const data = histogramSeries(r, LATENCY)[0].windowData();
    assert.equal(data.bucketsPerWindow, 4);
    assert.deepEqual([...data.bucketCounts.subarray(0, 4)], [2, 2, 1, 1]);
    assert.deepEqual([...data.bucketCounts.subarray(4, 8)], [0, 0, 0, 0]);
    assert.deepEqual([...data.bucketCounts.subarray(8, 12)], [0, 0, 1, 0]);
    assert.deepEqual([...data.count], [6, 0, 1]);
    closeTo(data.sum[0], 3.55);
    assert.deepEqual([...data.max].map(String), ["2", "NaN", "1"]);
  });

  it("keep whole-run bucket counts, count, sum and max", () => {
    const r = recorderWithHistogram();
    const h = r.histogram(LATENCY, { verb: "GET" });
    r.observe(h, 0, 0.3);
    r.observe(h, 15, -1);
    r.observe(h, 30, 7);
    const run = histogramSeries(r, LATENCY)[0].runData();
    assert.deepEqual([...run.bucketCounts], [1, 1, 0, 1]);
    assert.equal(run.count, 3);
    closeTo(run.sum, 6.3);
    assert.equal(run.max, 7);
  });

  it("place values in the first bucket whose bound is >= the value, for any number of bounds", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: -120, max: 120 }), { minLength: 1, maxLength: 50 }),
        (rawBounds, rawValues) => {
          const buckets = [...rawBounds].sort((a, b) => a - b).map((b) => b / 4);
          const values = rawValues.map((v) => v / 4);
          const recorder = new MetricsRecorder({ stepSeconds: 1, endSeconds: 1 });
          recorder.declare({ name: "h", help: "h", type: "histogram", labelNames: [], buckets });
          const h = recorder.histogram("h");
          const expected = new Array<number>(buckets.length + 1).fill(0);
          for (const value of values) {
            recorder.observe(h, 0, value);
            const index = buckets.findIndex((bound) => bound >= value);
            expected[index < 0 ? buckets.length : index]++;
          }
          assert.deepEqual([...histogramSeries(recorder, "h")[0].runData().bucketCounts], expected);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("refuse NaN and infinite observations and times outside the run", () => {
    const r = recorderWithHistogram();
    const h = r.histogram(LATENCY, { verb: "GET" });
    assert.throws(() => r.observe(h, 1, NaN), /cannot observe NaN/);
    assert.throws(() => r.observe(h, 1, Infinity), RangeError);
    assert.throws(() => r.observe(h, 30.001, 1), /outside the run/);
  });
});

describe("bucketQuantile (PromQL histogram_quantile)", () => {
  // Observations 0.05 | 0.2 0.3 | 0.7 | 2 in buckets ≤0.1, ≤0.5, ≤1, +Inf.
  const cumulative = cumulate([1, 2, 1, 1], 0, 4);

  it("interpolates linearly inside the bucket holding the rank", () => {
    // rank 2.5 lies in (0.1, 0.5]: 1.5 of that bucket's 2 observations → 0.1 + 0.4 · 0.75.
    closeTo(bucketQuantile(0.5, BOUNDS, cumulative), 0.4);
    // rank 3.5 in (0.5, 1]: 0.5 of 1 → 0.75.
    closeTo(bucketQuantile(0.7, BOUNDS, cumulative), 0.75);
  });

  it("takes 0 as the lower edge of a first bucket with a positive bound", () => {
    closeTo(bucketQuantile(0.1, BOUNDS, cumulative), 0.05);
  });

  it("answers the last finite bound for a rank in the +Inf bucket", () => {
    assert.equal(bucketQuantile(0.9, BOUNDS, cumulative), 1);
    assert.equal(bucketQuantile(0.99, BOUNDS, cumulative), 1);
    assert.equal(bucketQuantile(1, BOUNDS, cumulative), 1);
  });

  it("answers the first bound when it is <= 0 and the rank falls there", () => {
    assert.equal(bucketQuantile(0.2, [0, 1], [3, 4, 4]), 0);
    assert.equal(bucketQuantile(0.2, [-2, 1], [3, 4, 4]), -2);
  });

  it("follows upstream's special cases", () => {
    assert.ok(Number.isNaN(bucketQuantile(0.5, BOUNDS, [0, 0, 0, 0])), "no observations");
    assert.ok(Number.isNaN(bucketQuantile(NaN, BOUNDS, cumulative)));
    assert.equal(bucketQuantile(-0.1, BOUNDS, cumulative), -Infinity);
    assert.equal(bucketQuantile(1.1, BOUNDS, cumulative), Infinity);
    assert.equal(bucketQuantile(0, BOUNDS, cumulative), 0);
    assert.throws(() => bucketQuantile(0.5, BOUNDS, [1, 2]), /need 4 cumulative counts/);
  });

  it("gives the bucket's upper bound when the rank is exactly a cumulative count", () => {
    // rank 0.6 · 5 = 3 = cumulative count of the ≤0.5 bucket.
    closeTo(bucketQuantile(0.6, BOUNDS, cumulative), 0.5);
  });
});
