import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  KUBERNETES_METRIC,
  MetricsRecorder,
  TARGET_LABEL_NAMES,
  declareKubernetesMetrics,
  kubernetesMetricDefinitions,
  validateDefinition,
  type KubernetesMetricsVersion,
} from "../../src/metrics/index.js";

const VERSIONS: KubernetesMetricsVersion[] = ["1.29", "1.30", "1.31", "1.32", "1.33", "1.34"];

function definition(version: KubernetesMetricsVersion, name: string) {
  const found = kubernetesMetricDefinitions(version).find((d) => d.name === name);
  assert.ok(found !== undefined, `${name} is defined for ${version}`);
  return found;
}

describe("Kubernetes metric definitions", () => {
  it("are valid, sorted by name, and declare cleanly for every version", () => {
    for (const version of VERSIONS) {
      const definitions = kubernetesMetricDefinitions(version);
      for (const d of definitions) validateDefinition(d);
      const names = definitions.map((d) => d.name);
      assert.deepEqual(names, [...names].sort());
      assert.deepEqual(new Set(names), new Set(Object.values(KUBERNETES_METRIC)));
      const recorder = new MetricsRecorder({ stepSeconds: 10, endSeconds: 60 });
      declareKubernetesMetrics(recorder, version);
      declareKubernetesMetrics(recorder, version);
      assert.equal(recorder.familyNames().length, names.length);
    }
  });

  it("put the target labels first, then the upstream labels kept", () => {
    const rejected = definition("1.31", KUBERNETES_METRIC.flowcontrolRejectedRequestsTotal);
    assert.deepEqual(TARGET_LABEL_NAMES, ["cluster", "instance"]);
    assert.deepEqual(rejected.labelNames, [
      "cluster",
      "instance",
      "priority_level",
      "flow_schema",
      "reason",
    ]);
    assert.deepEqual(rejected.upstreamLabelNames, ["priority_level", "flow_schema", "reason"]);
    const bare = kubernetesMetricDefinitions("1.31", []).find(
      (d) => d.name === KUBERNETES_METRIC.currentInflightRequests,
    );
    assert.deepEqual(bare?.labelNames, ["request_kind"]);
  });

  it("show component-base stability levels in help, and none on client_golang metrics", () => {
    assert.equal(
      definition("1.30", KUBERNETES_METRIC.requestTotal).help,
      "[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
    );
    assert.equal(
      definition("1.30", KUBERNETES_METRIC.flowcontrolCurrentExecutingSeats).help.slice(0, 7),
      "[BETA] ",
    );
    assert.equal(
      definition("1.30", KUBERNETES_METRIC.processResidentMemoryBytes).help,
      "Resident memory size in bytes.",
    );
    assert.equal(definition("1.30", KUBERNETES_METRIC.processCpuSecondsTotal).type, "counter");
  });

  it("use upstream bucket bounds", () => {
    assert.deepEqual(
      definition("1.29", KUBERNETES_METRIC.requestDurationSeconds).buckets,
      [
        0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30,
        45, 60,
      ],
    );
    assert.deepEqual(
      definition("1.34", KUBERNETES_METRIC.flowcontrolRequestWaitDurationSeconds).buckets,
      [0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30],
    );
    assert.deepEqual(
      definition("1.33", KUBERNETES_METRIC.flowcontrolWorkEstimatedSeats).buckets,
      [1, 2, 4, 10],
    );
    assert.deepEqual(
      definition("1.34", KUBERNETES_METRIC.flowcontrolWorkEstimatedSeats).buckets,
      [1, 2, 4, 8, 16, 32, 64, 100],
    );
  });

  it("follow the label changes of 1.34", () => {
    const etcd = (version: KubernetesMetricsVersion) =>
      definition(version, KUBERNETES_METRIC.etcdRequestDurationSeconds).upstreamLabelNames;
    assert.deepEqual(etcd("1.33"), ["operation", "type"]);
    assert.deepEqual(etcd("1.34"), ["operation", "group", "resource"]);
    const watch = (version: KubernetesMetricsVersion) =>
      definition(version, KUBERNETES_METRIC.watchEventsTotal).upstreamLabelNames;
    assert.deepEqual(watch("1.29"), ["group", "kind"]);
    assert.deepEqual(watch("1.34"), ["group", "resource"]);
    assert.match(
      definition("1.34", KUBERNETES_METRIC.storageObjects).help,
      /^\[STABLE\] \[DEPRECATED, consider using apiserver_resource_objects instead\] Number/,
    );
    assert.match(definition("1.33", KUBERNETES_METRIC.storageObjects).help, /^\[STABLE\] Number/);
  });

  it("let the apiserver record the rejected-requests example with one handle per label set", () => {
    const recorder = new MetricsRecorder({ stepSeconds: 10, endSeconds: 60 });
    declareKubernetesMetrics(recorder, "1.34");
    const labels = {
      cluster: "prod-eu-1",
      instance: "apiserver-0",
      priority_level: "workload-low",
      flow_schema: "service-accounts",
      reason: "queue-full",
    };
    const h = recorder.counter(KUBERNETES_METRIC.flowcontrolRejectedRequestsTotal, labels);
    recorder.add(h, 12.5, 1);
    assert.equal(recorder.counter(KUBERNETES_METRIC.flowcontrolRejectedRequestsTotal, labels), h);
  });
});
