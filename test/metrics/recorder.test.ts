import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MetricsRecorder,
  SamplingWindows,
  type MetricDefinition,
} from "../../src/metrics/index.js";
import { counterSeries } from "./readers.js";

const rejected: MetricDefinition = {
  name: "apiserver_flowcontrol_rejected_requests_total",
  help: "Number of requests rejected by API Priority and Fairness subsystem",
  type: "counter",
  labelNames: ["priority_level", "flow_schema", "reason"],
};

const workloadLow = {
  priority_level: "workload-low",
  flow_schema: "service-accounts",
  reason: "queue-full",
};

function recorder(stepSeconds = 10, endSeconds = 60): MetricsRecorder {
  const result = new MetricsRecorder({ stepSeconds, endSeconds });
  result.declare(rejected);
  return result;
}

describe("sampling windows", () => {
  it("cover [i·step, (i+1)·step), the last one ending at the run's end", () => {
    const windows = new SamplingWindows(10, 25);
    assert.equal(windows.count, 3);
    assert.deepEqual(
      [0, 9.999, 10, 19.5, 20, 25].map((t) => windows.indexOf(t)),
      [0, 0, 1, 1, 2, 2],
    );
    assert.equal(windows.duration(0), 10);
    assert.equal(windows.duration(2), 5);
    assert.equal(windows.end(2), 25);
  });

  it("put the end time into the last window when the end is a whole number of steps", () => {
    const windows = new SamplingWindows(10, 30);
    assert.equal(windows.count, 3);
    assert.equal(windows.indexOf(30), 2);
    assert.equal(new SamplingWindows(0.1, 0.3).count, 3, "no sliver window from rounding");
    assert.equal(new SamplingWindows(0.1, 0.1 * 3).count, 3);
  });

  it("answer -1 for times outside the run", () => {
    const windows = new SamplingWindows(10, 30);
    assert.equal(windows.indexOf(-0.001), -1);
    assert.equal(windows.indexOf(30.0001), -1);
    assert.equal(windows.indexOf(NaN), -1);
  });

  it("refuse a step or end that is not a positive number, and absurd window counts", () => {
    assert.throws(() => new SamplingWindows(0, 10), RangeError);
    assert.throws(() => new SamplingWindows(10, 0), RangeError);
    assert.throws(() => new SamplingWindows(10, Infinity), RangeError);
    assert.throws(() => new SamplingWindows(NaN, 10), RangeError);
    assert.throws(() => new SamplingWindows(1e-6, 86_400), /at most/);
  });
});

describe("declaring families", () => {
  it("accepts the same definition twice and refuses a different one under the same name", () => {
    const r = recorder();
    r.declare({ ...rejected, labelNames: [...rejected.labelNames] });
    assert.throws(() => r.declare({ ...rejected, help: "other" }), /already declared/);
    assert.throws(() => r.declare({ ...rejected, type: "gauge" }), /already declared/);
  });

  it("validates names, labels and buckets as the Prometheus data model does", () => {
    const r = recorder();
    const base = { help: "h", type: "counter" as const, labelNames: [] };
    assert.throws(() => r.declare({ ...base, name: "1abc" }), /metric name/);
    assert.throws(() => r.declare({ ...base, name: "a-b" }), /metric name/);
    assert.throws(() => r.declare({ ...base, name: "ok", labelNames: ["__x"] }), /label name/);
    assert.throws(() => r.declare({ ...base, name: "ok", labelNames: ["a:b"] }), /label name/);
    assert.throws(() => r.declare({ ...base, name: "ok", labelNames: ["a", "a"] }), /twice/);
    assert.throws(() => r.declare({ ...base, name: "ok", buckets: [1] }), /only histograms/);
    const histogram = { ...base, type: "histogram" as const, name: "h_seconds" };
    assert.throws(() => r.declare({ ...histogram }), /at least one/);
    assert.throws(() => r.declare({ ...histogram, buckets: [1, 1] }), /strictly increasing/);
    assert.throws(() => r.declare({ ...histogram, buckets: [1, Infinity] }), /finite/);
    assert.throws(() => r.declare({ ...histogram, buckets: [1], labelNames: ["le"] }), /"le"/);
    r.declare({ ...histogram, buckets: [-1, 0, 1], labelNames: ["ok_label"] });
  });

  it("does not see later changes to the definition object", () => {
    const r = new MetricsRecorder({ stepSeconds: 1, endSeconds: 1 });
    const labelNames = ["a"];
    r.declare({ name: "m", help: "h", type: "gauge", labelNames });
    labelNames.push("b");
    assert.deepEqual(r.family("m")?.definition.labelNames, ["a"]);
  });
});

describe("series handles", () => {
  it("are stable: the same label values give the same handle, whatever the key order", () => {
    const r = recorder();
    const first = r.counter(rejected.name, workloadLow);
    const again = r.counter(rejected.name, {
      reason: "queue-full",
      flow_schema: "service-accounts",
      priority_level: "workload-low",
    });
    const other = r.counter(rejected.name, { ...workloadLow, reason: "time-out" });
    assert.equal(again, first);
    assert.notEqual(other, first);
    assert.equal(r.counter(rejected.name, workloadLow), first);
  });

  it("refuse missing, extra or non-string labels, wrong types and undeclared names", () => {
    const r = recorder();
    const missing = { priority_level: "workload-low", flow_schema: "service-accounts" };
    assert.throws(() => r.counter(rejected.name, missing), /label "reason" needs a string/);
    assert.throws(
      () => r.counter(rejected.name, { ...workloadLow, verb: "GET" }),
      /no label "verb"/,
    );
    assert.throws(
      () => r.counter(rejected.name, { ...workloadLow, reason: 1 as unknown as string }),
      /needs a string/,
    );
    assert.throws(() => r.gauge(rejected.name, workloadLow), TypeError);
    assert.throws(() => r.counter("nope_total"), /not declared/);
  });

  it("keep label sets isolated from each other", () => {
    const r = recorder();
    const full = r.counter(rejected.name, workloadLow);
    const timeout = r.counter(rejected.name, { ...workloadLow, reason: "time-out" });
    r.add(full, 1, 3);
    r.add(timeout, 2, 1);
    r.add(full, 15, 2);
    const series = counterSeries(r, rejected.name);
    assert.deepEqual(
      series.map((s) => [s.labels.reason, s.total]),
      [
        ["queue-full", 5],
        ["time-out", 1],
      ],
    );
  });
});

describe("counters", () => {
  it("record the increase per window and the total", () => {
    const r = recorder(10, 35);
    const h = r.counter(rejected.name, workloadLow);
    r.add(h, 0, 1);
    r.add(h, 9.99, 2);
    r.add(h, 10, 4);
    r.add(h, 31, 0.5);
    const [series] = counterSeries(r, rejected.name);
    assert.deepEqual([...series.windowIncreases()], [3, 4, 0, 0.5]);
    assert.equal(series.total, 7.5);
  });

  it("accept out-of-order times (only gauges need time to move forward)", () => {
    const r = recorder();
    const h = r.counter(rejected.name, workloadLow);
    r.add(h, 50, 1);
    r.add(h, 5, 1);
    const [series] = counterSeries(r, rejected.name);
    assert.deepEqual([...series.windowIncreases()], [1, 0, 0, 0, 0, 1]);
  });

  it("refuse negative, NaN and infinite amounts", () => {
    const r = recorder();
    const h = r.counter(rejected.name, workloadLow);
    assert.throws(() => r.add(h, 1, -1), /cannot add -1/);
    assert.throws(() => r.add(h, 1, NaN), RangeError);
    assert.throws(() => r.add(h, 1, Infinity), RangeError);
  });

  it("clamp the end time into the last window and reject times beyond the end", () => {
    const r = recorder(10, 30);
    const h = r.counter(rejected.name, workloadLow);
    r.add(h, 30, 1);
    assert.throws(() => r.add(h, 30.5, 1), /outside the run \[0, 30\] s/);
    assert.throws(() => r.add(h, -1, 1), /apiserver_flowcontrol_rejected_requests_total/);
    const [series] = counterSeries(r, rejected.name);
    assert.deepEqual([...series.windowIncreases()], [0, 0, 1]);
  });

  it("grow their window arrays as time advances, keeping earlier windows", () => {
    const r = new MetricsRecorder({ stepSeconds: 1, endSeconds: 10_000 });
    r.declare(rejected);
    const h = r.counter(rejected.name, workloadLow);
    for (let t = 0; t < 10_000; t += 7) r.add(h, t, 1);
    const [series] = counterSeries(r, rejected.name);
    const increases = series.windowIncreases();
    assert.equal(increases.length, 10_000);
    assert.equal(increases[0], 1);
    assert.equal(increases[7], 1);
    assert.equal(increases[8], 0);
    assert.equal(increases[9996], 1);
    assert.equal(series.total, Math.ceil(10_000 / 7));
  });
});
