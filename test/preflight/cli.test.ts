import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { runCli } from "../cli/run-cli.js";
import { fixture } from "./helpers.js";

const incident = fixture("incident-telemetry.yaml");
const quiet = fixture("logging-agents.yaml");

test("text output names the workload, its load at the size, and exits 1 on an error finding", () => {
  const result = runCli(["preflight", incident, "--nodes", "7500"]);
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, /DaemonSet monitoring\/control-plane-telemetry/);
  assert.match(result.stdout, /at 7,500 nodes/);
  assert.match(result.stdout, /ERROR KS001 cluster-wide-list-per-node/);
  assert.match(result.stdout, /fix: /);
});

test("--fail-on moves the threshold; a clean input exits 0", () => {
  assert.equal(runCli(["preflight", incident, "--fail-on", "none"]).status, 0);
  const clean = runCli(["preflight", quiet]);
  assert.equal(clean.status, 0, clean.stdout);
  // The sharded kube-state-metrics has no finding; an assumed pattern would be info.
  assert.equal(runCli(["preflight", quiet, "--fail-on", "info"]).status, 0);
  assert.equal(
    runCli(["preflight", fixture("node-scoped-args.yaml"), "--fail-on", "info"]).status,
    1,
  );
});

test("json output carries the estimate, the flow schema and the findings", () => {
  const result = runCli([
    "preflight",
    incident,
    "-o",
    "json",
    "--nodes",
    "1000",
    "--k8s-version",
    "v1.31.4",
  ]);
  assert.equal(result.status, 1, result.stderr);
  const json = JSON.parse(result.stdout) as {
    parameters: { nodes: number; kubernetesVersion: string };
    workloads: {
      estimate: { instances: number; calls: { priorityLevel: string }[] };
      findings: { id: string }[];
    }[];
  };
  assert.equal(json.parameters.nodes, 1000);
  assert.equal(json.parameters.kubernetesVersion, "1.31");
  assert.equal(json.workloads[0].estimate.instances, 1000);
  assert.equal(json.workloads[0].estimate.calls[0].priorityLevel, "workload-low");
  assert.ok(json.workloads[0].findings.some((f) => f.id === "KS001"));
});

test("sarif output is SARIF 2.1.0 with rule ids, levels and the workload's file and line", () => {
  const result = runCli(["preflight", incident, "-o", "sarif"]);
  const sarif = JSON.parse(result.stdout) as {
    version: string;
    runs: {
      tool: { driver: { rules: { id: string }[] } };
      results: {
        ruleId: string;
        level: string;
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }[];
      }[];
    }[];
  };
  assert.equal(sarif.version, "2.1.0");
  const ks001 = sarif.runs[0].results.find((r) => r.ruleId === "KS001");
  assert.ok(ks001 !== undefined);
  assert.equal(ks001.level, "error");
  const location = ks001.locations[0].physicalLocation;
  assert.equal(location.artifactLocation.uri, relative(process.cwd(), incident));
  const lines = readFileSync(incident, "utf8").split("\n");
  assert.match(lines[location.region.startLine - 1], /^apiVersion: apps\/v1/);
  assert.ok(sarif.runs[0].tool.driver.rules.some((r) => r.id === "KS001"));
});

test("stdin through -", () => {
  const result = runCli(["preflight", "-", "--nodes", "7500"], readFileSync(incident, "utf8"));
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, /<stdin>:31/);
});

test("per-document errors go to stderr with file:line and the source line; others are analysed", () => {
  const result = runCli(["preflight", fixture("errors.yaml"), "--fail-on", "none"]);
  assert.equal(result.status, 0);
  assert.match(
    result.stderr,
    /errors\.yaml:8:\d+: spec\.template\.spec\.containers: .*non-empty list of containers/,
  );
  assert.doesNotMatch(result.stderr, /Widget/);
  assert.match(result.stdout, /not analysed \(no API calls of their own\): Widget/);
  assert.match(result.stderr, /\n 8 \| {7}containers: \[\]\n/);
  assert.match(result.stdout, /Deployment broken\/fine/);
});

test("exit 2 when nothing can be analysed, or on bad usage", () => {
  const nothing = runCli(["preflight", "-"], "key: [unclosed\n");
  assert.equal(nothing.status, 2);
  assert.match(nothing.stderr, /invalid YAML/);
  assert.match(nothing.stderr, /nothing to analyse/);
  assert.equal(runCli(["preflight", "/no/such/file.yaml"]).status, 2);
  assert.equal(runCli(["preflight", incident, "--nodes", "many"]).status, 2);
  const version = runCli(["preflight", incident, "--k8s-version", "1.20"]);
  assert.equal(version.status, 2);
  assert.match(version.stderr, /supported: 1\.29/);
  assert.equal(runCli(["preflight", incident, "-o", "yaml"]).status, 2);
});

test("help documents the exit codes", () => {
  const help = runCli(["preflight", "--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Exit codes:/);
  assert.match(help.stdout, /--fail-on/);
});

test("an assumed pattern warns and exits 0; --strict fails on it; the summary table comes first", () => {
  const text = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: agent }
rules: [{ apiGroups: [""], resources: [pods, nodes, services, endpoints], verbs: [list, watch] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: agent }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent }
subjects: [{ kind: ServiceAccount, name: agent, namespace: agents }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: agents }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      serviceAccountName: agent
      containers: [{ name: main, image: example.com/agent:1.0 }]
`;
  const plain = runCli(["preflight", "-", "--nodes", "7500"], text);
  assert.equal(plain.status, 0, plain.stdout);
  assert.match(plain.stdout, /^verdict +workload +break-point +basis\n/);
  assert.match(plain.stdout, /WARN +DaemonSet agents\/agent .*assumed \(low\)/);
  assert.match(plain.stdout, /judged on an assumption: 1 of 1 workload\(s\) \(100%\)/);
  const strict = runCli(["preflight", "-", "--nodes", "7500", "--strict"], text);
  assert.equal(strict.status, 1, strict.stdout);
});
