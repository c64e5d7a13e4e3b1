import { test } from "node:test";
import assert from "node:assert/strict";
import { analyse, fixture } from "./helpers.js";
import { parseApiCallsAnnotation, readManifests } from "../../src/preflight/index.js";

test("each broken document gets its own error with file, line and field; the good ones are analysed", () => {
  const file = fixture("errors.yaml");
  const result = analyse([file]);
  const messages = result.diagnostics.map((d) => `${d.line}:${d.path}: ${d.message}`);
  const expect = (pattern: RegExp, line: number): void => {
    const found = result.diagnostics.find((d) => pattern.test(d.message));
    assert.ok(found !== undefined, `${pattern} in\n${messages.join("\n")}`);
    assert.equal(found.file, file);
    assert.equal(found.line, line, `${pattern}`);
  };
  expect(/non-empty list of containers/, 8);
  // A kind with no API load of its own (here an unknown custom resource) is counted, not an error.
  assert.ok(!messages.some((m) => /Widget/.test(m)), messages.join("\n"));
  assert.equal(result.notAnalysed.get("Widget"), 1);
  expect(/expected the Deployment's name/, 17);
  expect(/invalid YAML/, 21);
  expect(/verb: expected one of list, watch, get, found "lsit"/, 28);
  assert.deepEqual(
    result.workloads.map((w) => w.workload.name),
    ["bad-annotation", "fine"],
  );
  const bad = result.workloads[0];
  assert.ok(bad.findings.some((f) => f.id === "KS010" && f.severity === "error"));
});

test("directories are read recursively, stdin through -, kind: List expanded", () => {
  const set = readManifests([fixture("")]);
  const files = new Set(set.documents.map((d) => d.location.file));
  assert.ok(files.size >= 8, [...files].join(", "));
  const stdin = readManifests(
    ["-"],
    () =>
      "kind: List\napiVersion: v1\nitems:\n  - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: i}]}}\n",
  );
  assert.equal(stdin.documents.length, 1);
  assert.equal(stdin.documents[0].location.file, "<stdin>");
  assert.equal(stdin.documents[0].location.line, 4);
  const missing = readManifests(["/no/such/path.yaml"]);
  assert.match(missing.diagnostics[0].message, /no such file/);
});

test("the api-calls annotation: defaults, and one clear error per bad field", () => {
  const ok = parseApiCallsAnnotation("[{verb: watch, resource: pods, scope: node}]");
  assert.ok("calls" in ok);
  assert.deepEqual(ok.calls[0], {
    verb: "watch",
    resource: "pods",
    apiGroup: "",
    scope: "node",
    everySeconds: undefined,
    resourceVersion: "0",
    limit: 0,
    encoding: "json",
  });
  const bad = parseApiCallsAnnotation(
    "[{verb: list, resource: Pods, scope: galaxy, limit: -1, colour: red}]",
  );
  assert.ok("errors" in bad);
  for (const field of ["colour", "resource", "scope", "every", "limit"]) {
    assert.ok(
      bad.errors.some((e) => e.startsWith(`[0].${field}:`)),
      `${field} in ${bad.errors.join("; ")}`,
    );
  }
  const watchEvery = parseApiCallsAnnotation("[{verb: watch, resource: pods, every: 30s}]");
  assert.ok("errors" in watchEvery && /held open/.test(watchEvery.errors[0]));
  assert.ok("errors" in parseApiCallsAnnotation("{}"));
  assert.ok("errors" in parseApiCallsAnnotation("[unclosed"));
});
