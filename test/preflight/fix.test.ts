/**
 * --fix-out: the written manifests are valid flowcontrol.apiserver.k8s.io/v1 objects (checked
 * against the Kubernetes API schema of kubernetes-models), the isolated level keeps the
 * workload's rollout LISTs within an apiserver's memory where they did not fit before, and the
 * break-glass schema sends its group to the exempt level.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import {
  FlowSchema,
  PriorityLevelConfiguration,
} from "kubernetes-models/flowcontrol.apiserver.k8s.io/v1";
import { runCli } from "../cli/run-cli.js";
import { analyseText, clusterRbacYaml, workloadYaml } from "./helpers.js";
import { estimateWorkload, fixFor, withFlowControl } from "../../src/preflight/index.js";

/** A recognised agent (calico-node without Typha) that watches pods and nodes from every node. */
const WATCHER = `${clusterRbacYaml("watcher", ["pods", "nodes"], ["list", "watch"])}---\n${workloadYaml({ name: "watcher", image: "docker.io/calico/node:v3.20.0" })}`;

function validate(object: { kind?: string }): void {
  if (object.kind === "FlowSchema") new FlowSchema(object as never).validate();
  else if (object.kind === "PriorityLevelConfiguration")
    new PriorityLevelConfiguration(object as never).validate();
  else assert.fail(`unexpected kind ${String(object.kind)}`);
}

test("the fix keeps the rollout's concurrent LISTs within an apiserver's memory", () => {
  for (const nodes of [20_000, 30_000]) {
    const result = analyseText(WATCHER, { nodes });
    const report = result.workloads[0];
    assert.ok(
      report.estimate.overloads.some((o) => o.kind === "memory"),
      `${nodes}: the unfixed rollout must exceed memory for this test to mean anything`,
    );
    const fix = fixFor(report, result.options.plane);
    assert.ok(fix.memoryFits, `${nodes}`);
    assert.ok(fix.shares >= 1 && fix.shares <= 20);
    const after = estimateWorkload(
      report.workload,
      report.pattern.calls,
      withFlowControl(result.options.plane, [fix]),
    );
    assert.ok(!after.overloads.some((o) => o.kind === "memory"), `${nodes}`);
    assert.ok(after.rolloutPeakMemoryBytes < report.estimate.rolloutPeakMemoryBytes);
    assert.equal(after.calls[0].level.priorityLevel, fix.priorityLevel.metadata.name);
    validate(fix.flowSchema);
    validate(fix.priorityLevel);
  }
});

test("--fix-out writes valid FlowSchemas and levels, the break-glass schema and a README", () => {
  const dir = mkdtempSync(join(tmpdir(), "preflight-fix-"));
  try {
    const cli = runCli(
      ["preflight", "-", "--nodes", "20000", "--fix-out", dir, "--break-glass-group", "ops:oncall"],
      WATCHER,
    );
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stdout, /fixes written to/);
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, [
      "README.md",
      "kubestorm-agents-watcher.yaml",
      "kubestorm-break-glass.yaml",
    ]);
    let breakGlass: { spec: { priorityLevelConfiguration: { name: string } } } | undefined;
    for (const file of files.filter((f) => f.endsWith(".yaml"))) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
        const object = doc.toJS() as { kind: string; metadata: { name: string } };
        validate(object);
        if (object.metadata.name === "kubestorm-break-glass") breakGlass = object as never;
      }
    }
    assert.equal(breakGlass?.spec.priorityLevelConfiguration.name, "exempt");
    assert.match(readFileSync(join(dir, "kubestorm-break-glass.yaml"), "utf8"), /ops:oncall/);
    assert.match(readFileSync(join(dir, "README.md"), "utf8"), /typha_service_name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the fixed set, read back by preflight, classifies the workload into its own level", () => {
  const dir = mkdtempSync(join(tmpdir(), "preflight-fix-"));
  try {
    runCli(["preflight", "-", "--nodes", "20000", "--fix-out", dir], WATCHER);
    const fixed = runCli(
      [
        "preflight",
        "-",
        join(dir, "kubestorm-agents-watcher.yaml"),
        "--nodes",
        "10000",
        "-o",
        "json",
      ],
      WATCHER,
    );
    const json = JSON.parse(fixed.stdout) as {
      workloads: {
        estimate: { calls: { priorityLevel: string }[]; overloads: { kind: string }[] };
      }[];
    };
    const estimate = json.workloads[0].estimate;
    assert.ok(estimate.calls.every((c) => c.priorityLevel === "kubestorm-agents-watcher"));
    assert.ok(!estimate.overloads.some((o) => o.kind === "memory"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an agent scoped by an env default gets a patch that adds it from spec.nodeName", () => {
  const text = `${clusterRbacYaml("fluentd", ["pods", "namespaces"], ["get", "list", "watch"])}---\n${workloadYaml({ name: "fluentd", image: "fluent/fluentd-kubernetes-daemonset:v1.16" })}`;
  const result = analyseText(text, { nodes: 7_500 });
  const fix = fixFor(result.workloads[0], result.options.plane);
  assert.deepEqual(fix.nodeScopingPatch?.patch, {
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: "main",
              env: [
                { name: "K8S_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
              ],
            },
          ],
        },
      },
    },
  });
  // The patched workload, read again, is scoped to its node.
  const patched = text.replace(
    "          args: []\n",
    "          args: []\n          env: [{ name: K8S_NODE_NAME, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }]\n",
  );
  const after = analyseText(patched, { nodes: 7_500 }).workloads[0];
  assert.equal(after.pattern.calls.find((c) => c.resource === "pods")?.scope, "node");
  assert.ok(!after.findings.some((f) => f.id === "KS001"));
});
