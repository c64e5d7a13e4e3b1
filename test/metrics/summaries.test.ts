import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  KUBERNETES_METRIC,
  MetricsRecorder,
  counterTotals,
  counterWindows,
  declareKubernetesMetrics,
  gaugeTotals,
  gaugeWindows,
  histogramTotals,
  histogramWindows,
  prometheusText,
  recorderTotals,
  type LabelValues,
} from "../../src/metrics/index.js";

const M = KUBERNETES_METRIC;

function request(verb: string, resource: string, cluster = "c1"): LabelValues {
  return {
    cluster,
    instance: "apiserver-0",
    verb,
    group: "",
    resource,
    subresource: "",
    scope: "cluster",
  };
}

/** A small fleet recording; `reverse` resolves the same series in the opposite order. */
function recordFleet(reverse = false): MetricsRecorder {
  const recorder = new MetricsRecorder({ stepSeconds: 10, endSeconds: 30 });
  declareKubernetesMetrics(recorder, "1.31");
  const labelSets = [
    request("LIST", "pods"),
    request("GET", "nodes"),
    request("PATCH", "nodes"),
    request("LIST", "pods", "c2"),
  ];
  const ordered = reverse ? [...labelSets].reverse() : labelSets;
  const handles = new Map(
    ordered.map((labels) => [
      JSON.stringify(labels),
      recorder.histogram(M.requestDurationSeconds, labels),
    ]),
  );
  const handle = (labels: LabelValues) => handles.get(JSON.stringify(labels)) ?? assert.fail();
  const events: [LabelValues, number, number][] = [
    [labelSets[0], 1, 0.03],
    [labelSets[0], 2, 0.3],
    [labelSets[1], 3, 0.01],
    [labelSets[2], 4, 0.07],
    [labelSets[3], 5, 75],
    [labelSets[0], 12, 1.1],
    [labelSets[1], 25, 0.002],
  ];
  for (const [labels, now, seconds] of events) recorder.observe(handle(labels), now, seconds);

  const total = (code: string, verb: string) =>
    recorder.counter(M.requestTotal, {
      ...request(verb, "pods"),
      code,
    });
  recorder.add(total("200", "LIST"), 1, 10);
  recorder.add(total("429", "LIST"), 11, 4);
  recorder.add(total("200", "GET"), 29, 6);

  const seats = (level: string) =>
    recorder.gauge(M.flowcontrolCurrentExecutingSeats, {
      cluster: "c1",
      instance: "apiserver-0",
      priority_level: level,
      flow_schema: "service-accounts",
    });
  const low = seats("workload-low");
  const high = seats("workload-high");
  recorder.set(low, 0, 4);
  recorder.set(low, 15, 10);
  recorder.set(high, 12, 2);
  recorder.set(high, 18, 6);
  return recorder;
}

describe("per-window summaries", () => {
  it("aggregate a histogram quantile across label sets matching a filter", () => {
    const recorder = recordFleet();
    const readOnly = histogramWindows(recorder, M.requestDurationSeconds, {
      statistic: { quantile: 0.5 },
      where: { cluster: "c1", verb: ["GET", "LIST", "WATCH"] },
    });
    assert.equal(readOnly.length, 1);
    assert.deepEqual(readOnly[0].labels, {});
    // Window 0 holds 0.03 (≤0.05), 0.3 (≤0.4) and 0.01 (≤0.025): rank 1.5 lies in (0.025, 0.05]
    // holding one observation → 0.025 + 0.025 · 0.5.
    const [w0, w1, w2] = readOnly[0].points;
    assert.equal(w0.t, 0);
    assert.ok(Math.abs((w0.value ?? NaN) - 0.0375) < 1e-12);
    // Window 1: only 1.1, in (1.0, 1.25] → 1.0 + 0.25 · 0.5.
    assert.equal(w1.value, 1.125);
    assert.equal(w1.t, 10);
    // Window 2: 0.002 in the first bucket (0, 0.005] → 0.0025.
    assert.equal(w2.value, 0.0025);
  });

  it("group by labels, sorted by their values, with null for empty windows", () => {
    const recorder = recordFleet();
    const byVerb = histogramWindows(recorder, M.requestDurationSeconds, {
      statistic: "max",
      by: ["verb"],
    });
    assert.deepEqual(
      byVerb.map((s) => [s.labels, s.points.map((p) => p.value)]),
      [
        [{ verb: "GET" }, [0.01, null, 0.002]],
        [{ verb: "LIST" }, [75, 1.1, null]],
        [{ verb: "PATCH" }, [0.07, null, null]],
      ],
    );
  });

  it("give an observation in the +Inf bucket the last finite bound as its quantile", () => {
    const recorder = recordFleet();
    const c2 = histogramWindows(recorder, M.requestDurationSeconds, {
      statistic: { quantile: 0.99 },
      where: { cluster: "c2" },
    });
    assert.deepEqual(
      c2[0].points.map((p) => p.value),
      [60, null, null],
      "75 s lies beyond the last finite bound, 60",
    );
  });

  it("report histogram count, rate and mean per window", () => {
    const recorder = recordFleet();
    const options = { where: { verb: "LIST" } };
    const count = histogramWindows(recorder, M.requestDurationSeconds, {
      ...options,
      statistic: "count",
    });
    const rate = histogramWindows(recorder, M.requestDurationSeconds, {
      ...options,
      statistic: "rate",
    });
    const mean = histogramWindows(recorder, M.requestDurationSeconds, {
      ...options,
      statistic: "mean",
    });
    assert.deepEqual(
      count[0].points.map((p) => p.value),
      [3, 1, 0],
    );
    assert.deepEqual(
      rate[0].points.map((p) => p.value),
      [0.3, 0.1, 0],
    );
    assert.deepEqual(
      mean[0].points.map((p) => p.value),
      [(0.03 + 0.3 + 75) / 3, 1.1, null],
    );
  });

  it("turn counters into increases or rates per window", () => {
    const recorder = recordFleet();
    const byCode = counterWindows(recorder, M.requestTotal, { by: ["code"], measure: "rate" });
    assert.deepEqual(
      byCode.map((s) => [s.labels.code, s.points.map((p) => p.value)]),
      [
        ["200", [1, 0, 0.6]],
        ["429", [0, 0.4, 0]],
      ],
    );
    const increases = counterWindows(recorder, M.requestTotal);
    assert.deepEqual(
      increases[0].points.map((p) => p.value),
      [10, 4, 6],
    );
  });

  it("combine gauges across series by sum, max or min of a statistic", () => {
    const recorder = recordFleet();
    const name = M.flowcontrolCurrentExecutingSeats;
    const sumOfAverages = gaugeWindows(recorder, name, { statistic: "average" });
    // Window 1: low 4 for 5 s then 10 → 7; high from 12 s: 2 for 6 s, 6 for 2 s → 24 / 8 = 3.
    assert.deepEqual(
      sumOfAverages[0].points.map((p) => p.value),
      [4, 10, 16],
    );
    const highestMax = gaugeWindows(recorder, name, { statistic: "max", across: "max" });
    assert.deepEqual(
      highestMax[0].points.map((p) => p.value),
      [4, 10, 10],
    );
    const lowestLast = gaugeWindows(recorder, name, { statistic: "last", across: "min" });
    assert.deepEqual(
      lowestLast[0].points.map((p) => p.value),
      [4, 6, 6],
    );
  });

  it("return no groups when nothing matches, and refuse wrong types or unknown names", () => {
    const recorder = recordFleet();
    assert.deepEqual(counterWindows(recorder, M.requestTotal, { where: { code: "500" } }), []);
    assert.throws(() => counterWindows(recorder, M.requestDurationSeconds), TypeError);
    assert.throws(() => gaugeTotals(recorder, "nope"), /not declared/);
  });

  it("accept a predicate as the filter, and treat a missing label as empty", () => {
    const recorder = recordFleet();
    const patches = counterTotals(recorder, M.requestTotal, {
      where: (labels) => labels.code.startsWith("4"),
    });
    assert.deepEqual(patches, [{ labels: {}, total: 4 }]);
    assert.deepEqual(
      counterTotals(recorder, M.requestTotal, {
        where: { no_such_label: "" },
        by: ["no_such_label"],
      }),
      [{ labels: { no_such_label: "" }, total: 20 }],
    );
  });
});

describe("whole-run totals", () => {
  it("sum counters, combine gauges and merge histograms", () => {
    const recorder = recordFleet();
    assert.deepEqual(counterTotals(recorder, M.requestTotal, { by: ["verb"] }), [
      { labels: { verb: "GET" }, total: 6 },
      { labels: { verb: "LIST" }, total: 14 },
    ]);
    const [gauges] = gaugeTotals(recorder, M.flowcontrolCurrentExecutingSeats, { across: "max" });
    assert.equal(gauges.max, 10);
    assert.equal(gauges.last, 10);
    const [latency] = histogramTotals(recorder, M.requestDurationSeconds, {
      where: { cluster: "c1" },
      quantiles: [0.5, 1],
    });
    assert.equal(latency.count, 6);
    assert.equal(latency.max, 1.1);
    assert.deepEqual(
      latency.quantiles.map((q) => q.q),
      [0.5, 1],
    );
    assert.equal(latency.quantiles[1].value, 1.25, "the largest, 1.1, lies in (1, 1.25]");
  });

  it("list every series of every family in recorderTotals", () => {
    const recorder = recordFleet();
    const totals = recorderTotals(recorder);
    const names = totals.map((f) => f.name);
    assert.deepEqual(names, [...names].sort());
    const latency = totals.find((f) => f.name === M.requestDurationSeconds);
    assert.equal(latency?.series.length, 4);
  });
});

describe("determinism", () => {
  it("gives byte-identical JSON and text for equal recordings, whatever the resolution order", () => {
    const summarize = (recorder: MetricsRecorder) =>
      JSON.stringify({
        totals: recorderTotals(recorder),
        p99: histogramWindows(recorder, M.requestDurationSeconds, {
          statistic: { quantile: 0.99 },
          by: ["cluster", "verb"],
        }),
        rates: counterWindows(recorder, M.requestTotal, { by: ["code"], measure: "rate" }),
        seats: gaugeWindows(recorder, M.flowcontrolCurrentExecutingSeats, {
          statistic: "average",
          by: ["priority_level"],
        }),
        text: prometheusText(recorder),
      });
    const first = summarize(recordFleet());
    assert.equal(summarize(recordFleet()), first);
    assert.equal(summarize(recordFleet(true)), first);
  });
});
