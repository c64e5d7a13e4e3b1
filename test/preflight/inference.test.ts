import { test } from "node:test";
import assert from "node:assert/strict";
import { analyse, findingIds, fixture, scopeOf, workloadNamed } from "./helpers.js";

test("a spec.nodeName env used in --node= or a fieldSelector argument scopes the pod watch to the node", () => {
  const result = analyse([fixture("node-scoped-args.yaml")]);
  for (const name of ["node-agent", "selector-agent"]) {
    const report = workloadNamed(result, name);
    assert.equal(scopeOf(report, "pods"), "node", name);
    assert.equal(report.pattern.rule, "node-scoping", name);
    assert.equal(report.estimate.scaling, "O(N)", name);
    assert.ok(!findingIds(report).includes("KS001"), name);
  }
});

test("a spec.nodeName env used only as an identity does not scope anything", () => {
  const report = workloadNamed(analyse([fixture("node-scoped-args.yaml")]), "identity-only");
  assert.equal(scopeOf(report, "pods"), "cluster");
  assert.equal(report.estimate.scaling, "O(N^2)");
  assert.ok(report.pattern.assumed);
  const ks001 = report.findings.find((f) => f.id === "KS001");
  assert.equal(ks001?.severity, "warning", "assumed patterns are warnings, not errors");
  assert.ok(findingIds(report).includes("KS008"), "the assumption is said");
});

test("OTel k8sattributes: filter.node_from_env_var scopes pods; without it every pod is watched", () => {
  const result = analyse([fixture("otel.yaml")]);
  const scoped = workloadNamed(result, "otel-node");
  assert.equal(scopeOf(scoped, "pods"), "node");
  assert.ok(!findingIds(scoped).includes("KS001"));
  const wide = workloadNamed(result, "otel-wide");
  assert.equal(scopeOf(wide, "pods"), "cluster");
  assert.ok(findingIds(wide).includes("KS001"));
  assert.equal(wide.pattern.assumed, false);
});

test("Typha and the Datadog Cluster Agent are fan-out caches; their node agents call nothing", () => {
  const result = analyse([fixture("fan-out.yaml")]);
  const typha = workloadNamed(result, "calico-typha");
  const clusterAgent = workloadNamed(result, "datadog-cluster-agent");
  for (const cache of [typha, clusterAgent]) {
    assert.ok(cache.pattern.fanOutCache, cache.workload.name);
    assert.equal(cache.estimate.scaling, "O(N)", cache.workload.name);
    assert.ok(!findingIds(cache).includes("KS001"), cache.workload.name);
  }
  for (const name of ["calico-node", "datadog-agent"]) {
    const agent = workloadNamed(result, name);
    assert.equal(agent.pattern.calls.length, 0, name);
    assert.deepEqual(findingIds(agent), [], name);
  }
  // Three Typha replicas hold three watches per resource, not one per node.
  assert.equal(typha.estimate.watchesHeld, 3 * typha.pattern.calls.length);
});

test("calico-node without Typha watches the cluster from every node; DD_CLUSTER_AGENT_ENABLED defers", () => {
  const result = analyse([fixture("calico-without-typha.yaml")]);
  const calico = workloadNamed(result, "calico-node");
  assert.equal(calico.pattern.rule, "calico-node");
  assert.ok(
    calico.pattern.calls.length > 0 && calico.pattern.calls.every((c) => c.scope === "cluster"),
  );
  assert.equal(calico.findings.find((f) => f.id === "KS001")?.severity, "error");
  assert.equal(workloadNamed(result, "datadog-agent").pattern.calls.length, 0);
});

test("log shippers and node agents: fluentd K8S_NODE_NAME, fluent-bit Use_Kubelet, sharded KSM, node-exporter", () => {
  const result = analyse([fixture("logging-agents.yaml")]);
  assert.equal(result.workloads.length, 4, "the kind: List items are all read");
  assert.equal(scopeOf(workloadNamed(result, "fluentd"), "pods"), "node");
  assert.equal(workloadNamed(result, "fluent-bit").pattern.calls.length, 0);
  const ksm = workloadNamed(result, "kube-state-metrics-pods");
  assert.deepEqual(
    ksm.pattern.calls.map((c) => `${c.resource}:${c.scope}`),
    ["pods:node"],
    "--resources=pods keeps only pods; --node scopes them",
  );
  assert.equal(workloadNamed(result, "node-exporter").pattern.calls.length, 0);
  for (const report of result.workloads)
    assert.ok(!findingIds(report).includes("KS001"), report.workload.name);
});

test("RBAC: aggregated ClusterRoles, RoleBindings scope to their namespace, built-in view, unknown roles", () => {
  const result = analyse([fixture("rbac.yaml")]);
  const aggregated = workloadNamed(result, "aggregated-reader");
  assert.deepEqual(
    aggregated.pattern.calls.map((c) => c.resource),
    ["nodes"],
  );
  const report = workloadNamed(result, "report");
  assert.equal(report.workload.serviceAccount, "default");
  assert.ok(report.pattern.calls.length > 1);
  assert.ok(report.pattern.calls.every((c) => c.scope === "namespace"));
  assert.ok(
    report.pattern.calls.some((c) => c.resource === "configmaps"),
    "from the namespaced Role",
  );
  assert.ok(
    report.pattern.calls.some((c) => c.resource === "deployments"),
    "from the built-in view",
  );
  const mystery = workloadNamed(result, "mystery");
  assert.equal(mystery.pattern.calls.length, 0);
  assert.ok(findingIds(mystery).includes("KS009"));
});

test("flannel with --kube-subnet-mgr watches every Node from every node; with etcd it calls nothing", () => {
  const result = analyse([fixture("agents.yaml")]);
  const flannel = workloadNamed(result, "flannel");
  assert.deepEqual(
    flannel.pattern.calls.map((c) => `${c.verb} ${c.resource}:${c.scope}`),
    ["watch nodes:cluster"],
  );
  assert.equal(flannel.estimate.scaling, "O(N^2)");
  assert.equal(flannel.findings.find((f) => f.id === "KS001")?.severity, "error");
  assert.ok(flannel.breaksAt !== undefined, "the report names the size at which it breaks");
  assert.equal(workloadNamed(result, "flannel-etcd").pattern.calls.length, 0);
});

test("node-problem-detector reads its own Node; filebeat host: ${NODE_NAME} scopes pods", () => {
  const result = analyse([fixture("agents.yaml")]);
  const npd = workloadNamed(result, "node-problem-detector");
  assert.deepEqual(
    npd.pattern.calls.map((c) => `${c.verb} ${c.resource}:${c.scope}`),
    ["get nodes:named"],
  );
  assert.equal(npd.estimate.scaling, "O(N)");
  const filebeat = workloadNamed(result, "filebeat");
  assert.equal(scopeOf(filebeat, "pods"), "node");
  assert.ok(!findingIds(filebeat).includes("KS001"));
});

test("Datadog agent without a Cluster Agent, fluentd without K8S_NODE_NAME: per-node cluster-wide watches", () => {
  const result = analyse([fixture("agents.yaml")]);
  for (const name of ["datadog-alone", "fluentd-wide"]) {
    const report = workloadNamed(result, name);
    assert.equal(report.pattern.assumed, false, name);
    assert.equal(report.findings.find((f) => f.id === "KS001")?.severity, "error", name);
  }
});

test("kube-state-metrics without --node: cluster-wide informers from one replica, O(N), not KS001", () => {
  const ksm = workloadNamed(analyse([fixture("agents.yaml")]), "kube-state-metrics");
  assert.ok(ksm.pattern.calls.length > 5);
  assert.ok(ksm.pattern.calls.every((c) => c.scope === "cluster"));
  assert.equal(ksm.estimate.scaling, "O(N)");
  assert.ok(!findingIds(ksm).includes("KS001"));
});
