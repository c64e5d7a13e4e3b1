import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  KUBERNETES_METRIC,
  MetricsRecorder,
  declareKubernetesMetrics,
  escapeHelp,
  escapeLabelValue,
  formatGoFloat,
  prometheusText,
} from "../../src/metrics/index.js";

function demoRecorder(): MetricsRecorder {
  const recorder = new MetricsRecorder({ stepSeconds: 10, endSeconds: 60 });
  recorder.declareAll([
    {
      name: "demo_requests_total",
      help: 'Requests by "code" and method.',
      type: "counter",
      labelNames: ["method", "code"],
    },
    {
      name: "demo_temperature_celsius",
      help: "Temperature with a \\ backslash\nand a second line.",
      type: "gauge",
      labelNames: [],
    },
    {
      name: "demo_latency_seconds",
      help: "Latency.",
      type: "histogram",
      labelNames: ["path"],
      buckets: [0.005, 0.5, 1, 2.5, 1e6],
    },
    { name: "demo_queue_length", help: "Queued items.", type: "gauge", labelNames: ["queue"] },
    { name: "demo_unused_total", help: "Never resolved.", type: "counter", labelNames: [] },
  ]);
  const post = recorder.counter("demo_requests_total", { method: "POST", code: "500" });
  const ok = recorder.counter("demo_requests_total", { method: "GET", code: "200" });
  const throttled = recorder.counter("demo_requests_total", { code: "429", method: "GET" });
  recorder.add(post, 2, 1234567);
  recorder.add(ok, 1, 3);
  recorder.add(throttled, 50, 1);
  const temperature = recorder.gauge("demo_temperature_celsius");
  recorder.set(temperature, 0, 21.5);
  recorder.set(temperature, 60, -0.25);
  recorder.gauge("demo_queue_length", { queue: "a" });
  recorder.histogram("demo_latency_seconds", { path: "/healthz" });
  const odd = recorder.histogram("demo_latency_seconds", { path: '/a"b\\c\nd' });
  for (const seconds of [0.00390625, 0.75, 3, 2e6]) recorder.observe(odd, 5, seconds);
  return recorder;
}

describe("Prometheus text exposition", () => {
  it("writes the exact text for a small example", () => {
    const odd = String.raw`path="/a\"b\\c\nd"`;
    const expected = [
      "# HELP demo_latency_seconds Latency.",
      "# TYPE demo_latency_seconds histogram",
      `demo_latency_seconds_bucket{${odd},le="0.005"} 1`,
      `demo_latency_seconds_bucket{${odd},le="0.5"} 1`,
      `demo_latency_seconds_bucket{${odd},le="1"} 2`,
      `demo_latency_seconds_bucket{${odd},le="2.5"} 2`,
      `demo_latency_seconds_bucket{${odd},le="1e+06"} 3`,
      `demo_latency_seconds_bucket{${odd},le="+Inf"} 4`,
      `demo_latency_seconds_sum{${odd}} 2.00000375390625e+06`,
      `demo_latency_seconds_count{${odd}} 4`,
      'demo_latency_seconds_bucket{path="/healthz",le="0.005"} 0',
      'demo_latency_seconds_bucket{path="/healthz",le="0.5"} 0',
      'demo_latency_seconds_bucket{path="/healthz",le="1"} 0',
      'demo_latency_seconds_bucket{path="/healthz",le="2.5"} 0',
      'demo_latency_seconds_bucket{path="/healthz",le="1e+06"} 0',
      'demo_latency_seconds_bucket{path="/healthz",le="+Inf"} 0',
      'demo_latency_seconds_sum{path="/healthz"} 0',
      'demo_latency_seconds_count{path="/healthz"} 0',
      "# HELP demo_queue_length Queued items.",
      "# TYPE demo_queue_length gauge",
      'demo_queue_length{queue="a"} 0',
      '# HELP demo_requests_total Requests by "code" and method.',
      "# TYPE demo_requests_total counter",
      'demo_requests_total{code="200",method="GET"} 3',
      'demo_requests_total{code="429",method="GET"} 1',
      'demo_requests_total{code="500",method="POST"} 1.234567e+06',
      String.raw`# HELP demo_temperature_celsius Temperature with a \\ backslash\nand a second line.`,
      "# TYPE demo_temperature_celsius gauge",
      "demo_temperature_celsius -0.25",
      "",
    ].join("\n");
    assert.equal(prometheusText(demoRecorder()), expected);
  });

  it("writes nothing for a recorder without series", () => {
    const recorder = new MetricsRecorder({ stepSeconds: 1, endSeconds: 1 });
    declareKubernetesMetrics(recorder, "1.34");
    assert.equal(prometheusText(recorder), "");
  });

  it('escapes label values (\\, ", line feed) and help (\\, line feed) as the spec says', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), String.raw`a\\b\"c\nd`);
    assert.equal(escapeLabelValue("plain ✓ text\t"), "plain ✓ text\t");
    assert.equal(escapeHelp('a\\b"c\nd'), String.raw`a\\b"c\nd`);
  });

  it("passes a line-by-line check of the format on a Kubernetes recording", () => {
    const recorder = new MetricsRecorder({ stepSeconds: 10, endSeconds: 100 });
    declareKubernetesMetrics(recorder, "1.34");
    const target = { cluster: "prod-eu-1", instance: "apiserver-0" };
    const latency = recorder.histogram(KUBERNETES_METRIC.requestDurationSeconds, {
      ...target,
      verb: "LIST",
      group: "",
      resource: "pods",
      subresource: "",
      scope: "cluster",
    });
    for (let t = 0; t < 100; t += 0.37) recorder.observe(latency, t, (t % 7) / 3);
    const rejected = recorder.counter(KUBERNETES_METRIC.flowcontrolRejectedRequestsTotal, {
      ...target,
      priority_level: "workload-low",
      flow_schema: "service-accounts",
      reason: "queue-full",
    });
    recorder.add(rejected, 42, 17);
    const memory = recorder.gauge(KUBERNETES_METRIC.processResidentMemoryBytes, target);
    recorder.set(memory, 99, 3.2e9);
    checkExpositionFormat(prometheusText(recorder));
  });
});

describe("formatGoFloat (strconv.FormatFloat(f, 'g', -1, 64))", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [-1, "-1"],
    [0.005, "0.005"],
    [0.025, "0.025"],
    [2.5, "2.5"],
    [60, "60"],
    [100000, "100000"],
    [999999, "999999"],
    [1e6, "1e+06"],
    [1234567, "1.234567e+06"],
    [3.2e9, "3.2e+09"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [-2.5e-5, "-2.5e-05"],
    [1.5e-7, "1.5e-07"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e21, "1e+21"],
    [1e100, "1e+100"],
    [5e-324, "5e-324"],
    [Number.MAX_VALUE, "1.7976931348623157e+308"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
  ];
  for (const [value, text] of cases) {
    it(`writes ${String(value)} as ${text}`, () => assert.equal(formatGoFloat(value), text));
  }
});

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"`;
const VALUE = String.raw`(?:[+-]Inf|NaN|-?\d+(?:\.\d+)?(?:e[+-]\d{2,3})?)`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)\\})? (${VALUE})$`);

/** Checks the text format 0.0.4 rules a scraper relies on, family by family. */
function checkExpositionFormat(text: string): void {
  assert.ok(text.endsWith("\n"), "ends with a line feed");
  const lines = text.slice(0, -1).split("\n");
  let family = "";
  let type = "";
  let previousBucket = -Infinity;
  const seenFamilies = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const help = /^# HELP ([^ ]+) (.*)$/.exec(line);
    if (help !== null) {
      family = help[1];
      assert.ok(!seenFamilies.has(family), `${family} appears once`);
      seenFamilies.add(family);
      const typeLine = /^# TYPE ([^ ]+) (counter|gauge|histogram)$/.exec(lines[i + 1] ?? "");
      assert.ok(typeLine !== null && typeLine[1] === family, `TYPE follows HELP for ${family}`);
      type = typeLine[2];
      i++;
      continue;
    }
    const sample = SAMPLE.exec(line);
    assert.ok(sample !== null, `sample line is well formed: ${line}`);
    const [, name, labels = "", value] = sample;
    if (type === "histogram") {
      assert.ok(
        [`${family}_bucket`, `${family}_sum`, `${family}_count`].includes(name),
        `${name} belongs to ${family}`,
      );
      if (name.endsWith("_bucket")) {
        assert.match(labels, /(?:^|,)le="[^"]+"$/, "le is the last label");
        const count = Number(value);
        assert.ok(count >= previousBucket, "cumulative bucket counts do not decrease");
        previousBucket = labels.endsWith('le="+Inf"') ? -Infinity : count;
      }
    } else {
      assert.equal(name, family);
    }
    const names = [...labels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1]);
    const withoutLe = names.filter((n) => n !== "le");
    assert.deepEqual(withoutLe, [...withoutLe].sort(), "labels sorted by name");
  }
  assert.deepEqual([...seenFamilies], [...seenFamilies].sort(), "families sorted by name");
}
