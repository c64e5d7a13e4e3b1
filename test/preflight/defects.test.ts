/** Defects found on real manifests, each with the input that showed it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../cli/run-cli.js";
import {
  analyseText,
  clusterRbacYaml,
  findingIds,
  nodeNameEnv,
  scopeOf,
  workloadNamed,
  workloadYaml,
} from "./helpers.js";
import { readManifests } from "../../src/preflight/index.js";
import { RbacIndex, readBinding, readRole } from "../../src/preflight/rbac.js";

test("more than 100 alias uses are read; an alias bomb is an error naming the file, not a crash", () => {
  const anchors = Array.from({ length: 150 }, (_, i) => `  k${i}: *env`).join("\n");
  const text = `apiVersion: v1
kind: ConfigMap
metadata: { name: many-aliases, namespace: agents }
x-env: &env "value"
data:
${anchors}
---
${workloadYaml({ name: "fine" })}`;
  const result = analyseText(text);
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.workloads.length, 1);
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]",
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]",
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]",
    "kind: ConfigMap",
  ].join("\n");
  const dir = mkdtempSync(join(tmpdir(), "preflight-alias-"));
  try {
    const file = join(dir, "bomb.yaml");
    writeFileSync(file, `${bomb}\n---\n${workloadYaml({ name: "fine" })}`);
    const cli = runCli(["preflight", file, "--fail-on", "none"]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.doesNotMatch(cli.stderr, /internal error/);
    assert.match(cli.stderr, new RegExp(`${file.replace(/[.]/g, "\\.")}:1:\\d+: .*alias`));
    assert.match(cli.stdout, /DaemonSet agents\/fine/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("n identical RoleBindings give one grant per resource, not n", () => {
  const roleYaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
rules: [{ apiGroups: [""], resources: [pods, nodes], verbs: [list, watch] }]
`;
  const bindings = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader-${i}, namespace: agents }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader }
subjects: [{ kind: ServiceAccount, name: agent }]
`,
    ).join("---\n");
  for (const n of [1, 400]) {
    const set = readManifests(["-"], () => `${roleYaml}---\n${bindings(n)}`);
    const index = new RbacIndex(
      set.documents.filter((d) => d.kind === "ClusterRole").map(readRole),
      set.documents.filter((d) => d.kind === "RoleBinding").map(readBinding),
    );
    const permissions = index.permissionsOf("agents", "agent");
    assert.equal(permissions.grants.length, 2, `${n} bindings`);
    assert.equal(permissions.bindings.length, n);
  }
  // Copies of the same documents (as from a file passed twice) are read once.
  const copy = `${workloadYaml({ name: "agent" })}---\n${roleYaml}---\n${bindings(1)}`;
  const result = analyseText(Array.from({ length: 50 }, () => copy).join("---\n"));
  assert.equal(result.workloads.length, 1);
  assert.equal(result.duplicates, 49 * 3);
});

test("DaemonSets split by architecture are judged and reported once", () => {
  const archs = ["amd64", "arm64", "ppc64le"];
  const text = [
    clusterRbacYaml("flannel", ["nodes"], ["list", "watch"], "kube-system"),
    ...archs.map((arch) =>
      workloadYaml({
        name: `kube-flannel-ds-${arch}`,
        namespace: "kube-system",
        serviceAccount: "flannel",
        image: `quay.io/coreos/flannel:v0.11.0-${arch}`,
        args: ["--ip-masq", "--kube-subnet-mgr"],
        nodeSelector: { "beta.kubernetes.io/arch": arch },
      }),
    ),
  ].join("---\n");
  const result = analyseText(text);
  assert.equal(result.workloads.length, 1);
  assert.deepEqual(
    result.workloads[0].members,
    archs.map((a) => `kube-flannel-ds-${a}`),
  );
  assert.equal(result.findings.filter((f) => f.id === "KS001").length, 1);
  assert.equal(result.workloads[0].estimate.instances, 5000);
  // Two DaemonSets on the same architecture both run on those nodes: not grouped.
  const same = text.replace(
    /"beta.kubernetes.io\/arch":"arm64"/,
    '"beta.kubernetes.io/arch":"amd64"',
  );
  assert.equal(analyseText(same).workloads.length, 2);
});

test("GETs of one object are counted as GETs, not LISTs", () => {
  const npd = workloadYaml({
    name: "node-problem-detector",
    image: "registry.k8s.io/node-problem-detector/node-problem-detector:v0.8.18",
    env: nodeNameEnv(),
  });
  const report = analyseText(npd).workloads[0];
  assert.ok(report.pattern.calls.length > 0);
  assert.ok(report.pattern.calls.every((c) => c.verb === "get"));
  assert.equal(report.estimate.rolloutLists, 0);
  assert.equal(report.estimate.listsPerSecond, 0);
  assert.ok(report.estimate.getsPerSecond > 0);
  assert.equal(report.estimate.rolloutGets, 5000);
});

test("a single-replica Deployment gets no break-point from the idle apiserver's own size", () => {
  const text = `${clusterRbacYaml("lister", ["services", "configmaps"])}---\n${workloadYaml({
    name: "lister",
    kind: "Deployment",
  })}`;
  const report = analyseText(text).workloads[0];
  assert.ok(report.pattern.calls.length > 0);
  assert.equal(report.breaksAt, undefined);
  // A DaemonSet with the same calls does break the control plane, and the size says so.
  const daemon = analyseText(
    `${clusterRbacYaml("lister", ["pods"])}---\n${workloadYaml({ name: "lister" })}`,
  ).workloads[0];
  assert.ok(daemon.breaksAt !== undefined && daemon.breaksAt.nodes < 50_000);
});

test("two files joined without --- get a hint; so do Helm templates and folders without YAML", () => {
  const joined = `${workloadYaml({ name: "a" })}${workloadYaml({ name: "b" })}`;
  const result = analyseText(joined);
  assert.ok(result.diagnostics.some((d) => /without a `---` line/.test(d.message)));
  const helm = analyseText(
    'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include "x" . | nindent 4 }}\n',
  );
  assert.ok(
    helm.diagnostics.some((d) => /render it first with helm template/.test(d.message)),
    JSON.stringify(helm.diagnostics),
  );
  const dir = mkdtempSync(join(tmpdir(), "preflight-empty-"));
  try {
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "README.md"), "no manifests here\n");
    const set = readManifests([dir]);
    assert.match(set.diagnostics[0].message, /holds no manifest/);
    assert.equal(set.diagnostics[0].file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("kinds without API load of their own, known or not, are counted, not errors", () => {
  const text = `apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: { name: csi.example.com }
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: fast }
provisioner: csi.example.com
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: { name: hook }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: gadget }
---
${workloadYaml({ name: "fine" })}`;
  const result = analyseText(text);
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.notAnalysed.get("CSIDriver"), 1);
  assert.equal(result.notAnalysed.get("Widget"), 1);
});

test("a ClusterRole bound to nothing does not silently mean no API access", () => {
  const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: agent }
rules: [{ apiGroups: [""], resources: [pods], verbs: [list, watch] }]
---
`;
  const result = analyseText(`${role}${workloadYaml({ name: "agent" })}`);
  const report = workloadNamed(result, "agent");
  assert.ok(report.pattern.accessUnknown);
  const ks011 = report.findings.find((f) => f.id === "KS011");
  assert.equal(ks011?.severity, "warning");
  assert.match(ks011?.message ?? "", /ClusterRole\/agent/);
  assert.deepEqual(result.unboundRoles, ["ClusterRole/agent"]);
});

test("list without watch is a periodic LIST, not an informer", () => {
  const text = `${clusterRbacYaml("poller", ["pods", "nodes"], ["get", "list"])}---\n${workloadYaml({ name: "poller", kind: "Deployment" })}`;
  const calls = workloadNamed(analyseText(text), "poller").pattern.calls;
  assert.equal(calls.length, 2);
  for (const call of calls) {
    assert.equal(call.verb, "list");
    assert.ok(call.everySeconds !== undefined && call.everySeconds > 0);
  }
  const watching = `${clusterRbacYaml("w", ["pods"], ["list", "watch"])}---\n${workloadYaml({ name: "w", kind: "Deployment" })}`;
  assert.equal(workloadNamed(analyseText(watching), "w").pattern.calls[0].verb, "watch");
});

test("a node flag with its value in the next argument scopes the watch to the node", () => {
  for (const args of [
    ["--k8s-node", "$(NODE)"],
    ["--k8s-node=$(NODE)"],
    ["-node-name", "$(NODE)"],
  ]) {
    const text = `${clusterRbacYaml("agent", ["pods"])}---\n${workloadYaml({
      name: "agent",
      args,
      env: nodeNameEnv("NODE"),
    })}`;
    const report = workloadNamed(analyseText(text), "agent");
    assert.equal(scopeOf(report, "pods"), "node", args.join(" "));
    assert.ok(!findingIds(report).includes("KS001"), args.join(" "));
  }
  // An identity flag (--nodeid) is not a watch filter.
  const identity = `${clusterRbacYaml("agent", ["pods"])}---\n${workloadYaml({
    name: "agent",
    args: ["--nodeid=$(NODE)"],
    env: nodeNameEnv("NODE"),
  })}`;
  assert.equal(scopeOf(workloadNamed(analyseText(identity), "agent"), "pods"), "cluster");
});
