/**
 * The knowledge base: every entry is recognised on the real manifests it names (read from
 * ../shared/corpus; skipped with a message when absent), and docs/agents.md is its rendering.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { REPO_ROOT } from "../paths.js";
import { analyse, analyseText, clusterRbacYaml, nodeNameEnv, workloadYaml } from "./helpers.js";
import { KNOWLEDGE_BASE } from "../../src/preflight/knowledge/index.js";
import { agentsMarkdown } from "../../src/preflight/knowledge/docs.js";
import { findEntry, imageVersion } from "../../src/preflight/knowledge/match.js";

const CORPUS = join(REPO_ROOT, "..", "shared", "corpus");
const skip = existsSync(CORPUS) ? false : `no manifest corpus at ${CORPUS}`;

test("at least 30 entries, each with a source and unique id", () => {
  assert.ok(KNOWLEDGE_BASE.length >= 30, `${KNOWLEDGE_BASE.length}`);
  const ids = new Set(KNOWLEDGE_BASE.map((e) => e.id));
  assert.equal(ids.size, KNOWLEDGE_BASE.length);
  for (const entry of KNOWLEDGE_BASE) {
    assert.ok(
      entry.sources.length > 0 && entry.sources.every((s) => /^https:\/\//.test(s.url)),
      entry.id,
    );
    for (const pattern of entry.images) assert.doesNotThrow(() => new RegExp(pattern), entry.id);
  }
});

for (const entry of KNOWLEDGE_BASE.filter((e) => e.corpus !== undefined)) {
  test(`${entry.id}: recognised on its real manifests`, { skip }, () => {
    for (const file of entry.corpus ?? []) {
      const path = join(CORPUS, file);
      if (!existsSync(path)) {
        assert.fail(`${file} is named by entry ${entry.id} but is not in the corpus`);
      }
      const result = analyse([path]);
      const matching = result.workloads.filter((w) => findEntry(w.workload)?.entry.id === entry.id);
      assert.ok(matching.length > 0, `${file}: no workload with ${entry.id}'s images`);
      for (const report of matching) {
        assert.equal(report.pattern.entry, entry.id, `${file}: ${report.workload.name}`);
        assert.equal(report.pattern.assumed, false);
      }
    }
  });
}

test(
  "corpus: every DaemonSet with an entry is recognised; the assumed share is small",
  { skip },
  () => {
    const result = analyse([CORPUS]);
    for (const report of result.workloads) {
      if (report.workload.kind !== "DaemonSet" || findEntry(report.workload) === undefined)
        continue;
      assert.ok(report.pattern.entry !== undefined, report.workload.name);
    }
    const assumed = result.workloads.filter(
      (w) => w.pattern.entry === undefined && w.pattern.source !== "annotation",
    );
    assert.ok(
      assumed.length / result.workloads.length < 0.2,
      assumed.map((w) => w.workload.name).join(", "),
    );
  },
);

test("a release that scopes its cache to its node gets another verdict than one that did not", () => {
  const rbac = clusterRbacYaml("cilium", ["pods", "nodes", "services", "endpoints"]);
  const verdict = (tag: string) =>
    analyseText(
      `${rbac}---\n${workloadYaml({ name: "cilium", image: `quay.io/cilium/cilium:${tag}` })}`,
    ).workloads[0];
  const old = verdict("v1.6.0");
  const recent = verdict("v1.15.3");
  assert.equal(old.pattern.calls.find((c) => c.resource === "pods")?.scope, "cluster");
  assert.equal(recent.pattern.calls.find((c) => c.resource === "pods")?.scope, "node");
  assert.equal(imageVersion("quay.io/coreos/flannel:v0.11.0-amd64"), "0.11.0");
  assert.equal(imageVersion("docker.io/calico/node:master"), undefined);
});

test("an env default read by the agent (Vector's VECTOR_SELF_NODE_NAME) scopes it without args", () => {
  const config = `apiVersion: v1
kind: ConfigMap
metadata: { name: vector, namespace: agents }
data:
  vector.toml: |
    [sources.k8s]
    type = "kubernetes_logs"
---
`;
  const text = (env: string) =>
    `${config}${clusterRbacYaml("vector", ["pods", "namespaces", "nodes"])}---\n${workloadYaml({ name: "vector", image: "timberio/vector:0.39.0-distroless-libc", configMap: "vector", env })}`;
  const scoped = analyseText(text(nodeNameEnv("VECTOR_SELF_NODE_NAME"))).workloads[0];
  assert.equal(scoped.pattern.entry, "vector");
  assert.equal(scoped.pattern.calls.find((c) => c.resource === "pods")?.scope, "node");
  assert.ok(!scoped.findings.some((f) => f.id === "KS001"));
  const wide = analyseText(text("")).workloads[0];
  assert.equal(wide.pattern.calls.find((c) => c.resource === "pods")?.scope, "cluster");
  assert.equal(wide.findings.find((f) => f.id === "KS001")?.severity, "error");
});

test("an observer's node: ${env:X} in any distribution's image; a deleted node: line is a real cluster-wide watch", () => {
  const config = (node: string) => `apiVersion: v1
kind: ConfigMap
metadata: { name: collector, namespace: agents }
data:
  relay: |
    extensions:
      k8s_observer:
        auth_type: serviceAccount
${node}        observe_pods: true
---
`;
  const run = (image: string, node: string) =>
    analyseText(
      `${config(node)}${clusterRbacYaml("collector", ["pods", "nodes"])}---\n${workloadYaml({ name: "collector", image, configMap: "collector", env: nodeNameEnv("K8S_NODE_NAME") })}`,
    ).workloads[0];
  for (const image of [
    "otel/opentelemetry-collector-contrib:0.100.0",
    "quay.io/signalfx/splunk-otel-collector:0.100.0",
  ]) {
    const scoped = run(image, "        node: ${env:K8S_NODE_NAME}\n");
    assert.equal(scoped.pattern.calls.find((c) => c.resource === "pods")?.scope, "node", image);
    const deleted = run(image, "");
    assert.equal(deleted.pattern.calls.find((c) => c.resource === "pods")?.scope, "cluster", image);
    assert.equal(deleted.findings.find((f) => f.id === "KS001")?.severity, "error", image);
  }
});

test("Fluent Bit's classic format is read: Use_Kubelet On means no API reads", () => {
  const config = (useKubelet: string) => `apiVersion: v1
kind: ConfigMap
metadata: { name: fluent-bit, namespace: agents }
data:
  fluent-bit.conf: |
    [FILTER]
        Name                kubernetes
        Match               kube.*
${useKubelet}
---
`;
  const run = (line: string) =>
    analyseText(
      `${config(line)}${workloadYaml({ name: "fluent-bit", image: "cr.fluentbit.io/fluent/fluent-bit:3.0.4", configMap: "fluent-bit" })}`,
    ).workloads[0];
  assert.equal(run("        Use_Kubelet         On").pattern.calls.length, 0);
  const api = run("        # Use_Kubelet On");
  assert.deepEqual(
    api.pattern.calls.map((c) => `${c.verb} ${c.scope}`),
    ["get named"],
  );
});

test("an assumed pattern gives warnings; a recognised one, errors", () => {
  const rbac = clusterRbacYaml("agent", ["pods", "nodes", "services", "endpoints"]);
  const assumed = analyseText(`${rbac}---\n${workloadYaml({ name: "agent" })}`, { nodes: 7500 })
    .workloads[0];
  assert.ok(assumed.findings.length > 0);
  assert.ok(assumed.findings.every((f) => f.severity !== "error" && f.basis === "assumed"));
  const known = analyseText(
    `${rbac}---\n${workloadYaml({ name: "agent", image: "docker.io/calico/node:v3.27.0" })}`,
    { nodes: 7500 },
  ).workloads[0];
  assert.ok(known.findings.some((f) => f.severity === "error" && f.basis === "recognised"));
});

test("docs/agents.md is generated from the knowledge base", async () => {
  const path = join(REPO_ROOT, "docs", "agents.md");
  // Formatted as the repository's prettier check wants it.
  const options = (await prettier.resolveConfig(path)) ?? {};
  const expected = await prettier.format(agentsMarkdown(), { ...options, filepath: path });
  if (process.env.UPDATE_AGENTS_DOC === "1") writeFileSync(path, expected);
  assert.equal(readFileSync(path, "utf8"), expected, "run with UPDATE_AGENTS_DOC=1 to regenerate");
});
