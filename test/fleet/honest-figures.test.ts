/**
 * What users read is counted honestly: refused or reset connections are neither served nor fast,
 * a grouped lease renewal is g requests, what never happened is absent (not 0 or 100 %).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScenario, type RunResult } from "../../src/fleet/index.js";
import { HealthSignalsTracker } from "../../src/fleet/health-signals.js";
import { loadScenarioFile } from "../../src/scenario/index.js";
import {
  ApiRequest,
  STATUS_CONNECTION_REFUSED,
  STATUS_GATEWAY_TIMEOUT,
  STATUS_OK,
  type RequestTemplate,
} from "../../src/model/request.js";
import { comparisonTable } from "../../src/report/comparison.js";
import { outcomeSummary } from "../../src/report/replay-summary.js";
import { replayReportInput } from "../../src/report/replay-report.js";
import { renderReportHtml } from "../../src/report/html/index.js";
import { runResultJson, runResultTable } from "../../src/report/run-summary.js";
import { FIXTURES } from "../paths.js";

const LEASE: RequestTemplate = {
  name: "kubelet update lease",
  verb: "update",
  resource: "leases",
  apiGroup: "coordination.k8s.io",
  scope: "namespace",
  options: {},
  encoding: "protobuf",
  mutating: true,
  batch: 75,
};
const LIST: RequestTemplate = { ...LEASE, name: "agent list pods", verb: "list", batch: undefined };
const sink = { onResponse: () => undefined };
const user = { name: "u", groups: [] };

function answer(
  tracker: HealthSignalsTracker,
  t: RequestTemplate,
  status: number,
  latency: number,
) {
  tracker.record(new ApiRequest(t, 0, user, sink, 0, 0), status, latency, 30);
}

test("per-minute signals count a grouped lease renewal as its g requests", () => {
  const tracker = new HealthSignalsTracker();
  answer(tracker, LEASE, STATUS_OK, 0.002); // 75 renewals in 2 ms
  for (let i = 0; i < 25; i++) answer(tracker, LIST, STATUS_GATEWAY_TIMEOUT, 60);
  const signals = tracker.signals(61);
  assert.equal(signals.apiAvailability, 75 / 100);
  // 25 of 100 requests took 60 s: the p99 is theirs, not the lone group's 2 ms.
  assert.equal(signals.apiserverP99Seconds, 60);
});

test("refused connections are not fast requests: a minute of refusals has no p99, availability 0", () => {
  const tracker = new HealthSignalsTracker();
  for (let i = 0; i < 100; i++) answer(tracker, LIST, STATUS_CONNECTION_REFUSED, 0);
  const signals = tracker.signals(61);
  assert.equal(signals.apiserverP99Seconds, undefined);
  assert.equal(signals.apiAvailability, 0);
  // A minute without any request has neither.
  const next = tracker.signals(121);
  assert.equal(next.apiserverP99Seconds, undefined);
  assert.equal(next.apiAvailability, undefined);
});

/** An agent that takes every apiserver down within minutes; no products, no operators. */
function lostControlPlane(seed: number): RunResult {
  const scenario = loadScenarioFile(join(FIXTURES, "scenarios", "control-plane", "overload.yaml"));
  return runScenario({ ...scenario, seed, durationSeconds: 900 });
}

for (const seed of [1, 2]) {
  test(`a control plane lost for good: refused apart from served, no recovery, no worst minute (seed ${seed})`, () => {
    const result = lostControlPlane(seed);
    const [cluster] = result.clusters;
    const agent = cluster.requests.find((r) => r.client === "telemetry list pods");
    assert.ok(agent !== undefined, `seed ${seed}`);
    assert.equal(agent.total, agent.served + agent.timeouts + agent.refused + agent.reset);
    assert.ok(agent.refused > agent.served, `seed ${seed}: ${JSON.stringify(agent)}`);
    // The refused LISTs took no time; they must not make the quantiles fast.
    if (agent.p99Seconds !== undefined) {
      assert.ok(agent.p99Seconds > 0.01, `seed ${seed}: p99 ${agent.p99Seconds}`);
    }
    const leases = cluster.requests.find((r) => r.client === "kubelet update lease");
    assert.ok(leases !== undefined);
    const ok = cluster.requests.reduce((t, r) => t + r.ok, 0);
    const total = cluster.requests.reduce((t, r) => t + r.total, 0);
    assert.equal(cluster.availability, ok / total);
    // Minutes in which every request was refused have no p99 at all.
    const down = cluster.minutes.filter((m) => m.readyReplicas === 0);
    assert.ok(down.length > 0, `seed ${seed}: the control plane was never lost`);
    assert.ok(
      down.some((m) => m.apiserverP99Seconds === undefined),
      `seed ${seed}: ${JSON.stringify(down.map((m) => m.apiserverP99Seconds))}`,
    );

    const o = result.outcomes;
    assert.equal(o.controlPlanesLost, 1);
    assert.equal(o.clustersAffected, 0, "no products: no user impact measured");
    assert.equal(o.unrecoveredClusters, 1, `seed ${seed}`);
    assert.equal(o.allRecoveredSeconds, undefined);
    assert.equal(o.peakImpactSuccess, undefined);
    assert.ok(o.incidentStartSeconds !== undefined);

    const text = outcomeSummary(result);
    assert.doesNotMatch(text, /worst minute/);
    assert.match(text, /not all by the end \(1 clusters still unhealthy\)/);
    const table = runResultTable(result);
    assert.match(table, /refused/);
    const json = JSON.parse(runResultJson(result)) as {
      outcomes: Record<string, unknown>;
    };
    assert.equal("allRecoveredSeconds" in json.outcomes, false);
    assert.equal("peakImpactSuccess" in json.outcomes, false);
    assert.equal(json.outcomes.unrecoveredClusters, 1);

    const comparison = comparisonTable([
      { id: "as-happened", title: "as happened", description: "", result },
    ]);
    assert.equal(comparison.rows[0].values.recovery, null, "time to full recovery is absent");
    const input = replayReportInput(result, [], "test", comparison);
    const labels = input.summary.map((s) => s.label);
    assert.ok(!labels.includes("worst minute success"), labels.join(", "));
    const recovered = input.summary.find((s) => s.label === "all clusters recovered");
    assert.match(recovered?.value ?? "", /not by the end/);
    const html = renderReportHtml(input);
    assert.doesNotMatch(html, /worst minute success/);
    assert.match(html, /not by the end/);
  });
}
