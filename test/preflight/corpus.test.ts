/**
 * Verdicts on real public manifests (../shared/corpus beside the checkout, see its ORIGINS.md),
 * read in place. Skipped with a message when the folder is absent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../paths.js";
import { analyse, findingIds, scopeOf, workloadNamed } from "./helpers.js";
import type { PreflightResult } from "../../src/preflight/index.js";

const CORPUS = join(REPO_ROOT, "..", "shared", "corpus");
const skip = existsSync(CORPUS) ? false : `no manifest corpus at ${CORPUS}`;

let cached: PreflightResult | undefined;
function corpus(): PreflightResult {
  cached ??= analyse([CORPUS], { nodes: 5_000 });
  return cached;
}

test("corpus: every document is read without errors", { skip }, () => {
  assert.deepEqual(corpus().diagnostics, []);
});

test(
  "corpus: flannel's DaemonSets watch every Node from every node, O(N^2), with a breaking size",
  { skip },
  () => {
    const flannel = corpus().workloads.filter((w) =>
      w.workload.name.startsWith("kube-flannel-ds-"),
    );
    // Five DaemonSets, one per architecture, split the nodes: one workload, one error.
    assert.equal(flannel.length, 1);
    assert.equal(flannel[0].members.length, 5);
    for (const report of flannel) {
      assert.equal(report.pattern.rule, "flannel");
      assert.equal(report.estimate.scaling, "O(N^2)");
      assert.equal(report.findings.find((f) => f.id === "KS001")?.severity, "error");
      assert.ok(report.breaksAt !== undefined && report.breaksAt.nodes > 0);
      assert.match(
        report.findings.find((f) => f.id === "KS001")?.message ?? "",
        /overloads the control plane from [\d,]+ nodes/,
      );
    }
  },
);

test(
  "corpus: fluentd without a node filter and Datadog without a Cluster Agent are flagged",
  { skip },
  () => {
    for (const name of ["fluentd", "datadog"]) {
      const report = workloadNamed(corpus(), name);
      assert.equal(report.estimate.scaling, "O(N^2)", name);
      assert.ok(findingIds(report).includes("KS001"), name);
    }
    const datadog = workloadNamed(corpus(), "datadog");
    assert.equal(datadog.pattern.rule, "datadog-agent");
    assert.deepEqual(
      datadog.pattern.calls.map((c) => c.resource),
      ["services", "endpoints", "nodes"],
    );
  },
);

test(
  "corpus: node-scoped and API-free agents are not flagged as per-node cluster-wide watchers",
  { skip },
  () => {
    const result = corpus();
    const exporter = workloadNamed(result, "node-exporter");
    assert.equal(exporter.pattern.calls.length, 0);
    assert.equal(scopeOf(workloadNamed(result, "filebeat"), "pods"), "node");
    const npd = workloadNamed(result, "node-problem-detector");
    assert.ok(npd.pattern.calls.every((c) => c.scope === "named"));
    for (const name of [
      "node-exporter",
      "filebeat",
      "node-problem-detector",
      "kube-state-metrics",
      "example-opentelemetry-collector",
    ]) {
      assert.ok(!findingIds(workloadNamed(result, name)).includes("KS001"), name);
    }
    // One replica of each, however cluster-wide their informers.
    for (const name of ["kube-state-metrics", "example-opentelemetry-collector"]) {
      assert.equal(workloadNamed(result, name).estimate.scaling, "O(N)", name);
    }
  },
);

test("corpus: Typha is recognised as the fan-out cache of calico-node", { skip }, () => {
  const result = corpus();
  const typha = workloadNamed(result, "calico-typha");
  assert.ok(typha.pattern.fanOutCache);
  // Two calico-node DaemonSets: with Typha (its ConfigMap names the Typha service) and without.
  const nodes = result.workloads.filter((w) => w.workload.name === "calico-node");
  const withTypha = nodes.find((w) =>
    /calico-typha\.yaml$/.test(w.workload.document.location.file),
  );
  const without = nodes.find((w) => /calico\.yaml$/.test(w.workload.document.location.file));
  assert.equal(withTypha?.pattern.calls.length, 0);
  assert.ok((without?.pattern.calls.length ?? 0) > 0);
  assert.ok(without?.findings.some((f) => f.id === "KS001" && f.severity === "error"));
});

test(
  "corpus: cilium 1.6's agent is recognised and watches its grants cluster-wide",
  { skip },
  () => {
    const cilium = workloadNamed(corpus(), "cilium");
    assert.equal(cilium.pattern.rule, "cilium-agent");
    assert.equal(cilium.pattern.assumed, false);
    assert.ok(cilium.pattern.calls.every((c) => c.scope === "cluster"));
    assert.equal(cilium.findings.find((f) => f.id === "KS001")?.severity, "error");
  },
);
