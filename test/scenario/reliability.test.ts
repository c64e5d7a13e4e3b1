/**
 * Inputs that used to pass silently or end in an internal error: each is now a diagnostic with
 * the line and field, or (for legitimate files) accepted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  InputError,
  loadScenarioFile,
  parseScenario,
  type Diagnostic,
} from "../../src/scenario/index.js";
import { MAX_SCENARIO_BYTES } from "../../src/scenario/yaml-guards.js";

const HEAD = `apiVersion: kubestorm.dev/v1alpha1
kind: Scenario
metadata:
  name: probe
spec:
  duration: 2m
`;

function diagnosticsOf(text: string, file = "probe.yaml"): Diagnostic[] {
  try {
    parseScenario(text, file);
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error.diagnostics;
  }
  assert.fail("expected the scenario to be refused");
}

function only(text: string): Diagnostic {
  const diagnostics = diagnosticsOf(text);
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  return diagnostics[0];
}

const WORKLOADS = (services: string, products: string) => `${HEAD}  clusters:
    - name: small
      nodes: 10
  workloads:
    services:
${services}
    products:
${products}
`;

test("two services of the same name are refused at the second one's name", () => {
  const d = only(
    WORKLOADS(
      "      - { name: api, replicasPerNode: 1 }\n      - { name: api, replicasPerNode: 2 }",
      "      - { name: chat, entryServices: [api], requestsPerSecondPerNode: 1 }",
    ),
  );
  assert.equal(d.path, "spec.workloads.services[1].name");
  assert.equal(d.line, 13);
  assert.match(d.message, /duplicate service name "api" \(also spec\.workloads\.services\[0\]\)/);
});

test("two products of the same name are refused", () => {
  const d = only(
    WORKLOADS(
      "      - { name: api, replicasPerNode: 1 }",
      "      - { name: chat, entryServices: [api], requestsPerSecondPerNode: 1 }\n" +
        "      - { name: chat, entryServices: [api], requestsPerSecondPerNode: 2 }",
    ),
  );
  assert.equal(d.path, "spec.workloads.products[1].name");
  assert.match(d.message, /duplicate product name "chat"/);
});

test("two agents of the same name in a class are refused", () => {
  const agent = `        - name: agent
          serviceAccount: { namespace: a, name: b }
          calls: [{ verb: get, resource: pods, every: 1m }]`;
  const d = only(
    `${HEAD}  clusters:\n    - name: small\n      nodes: 10\n      agents:\n${agent}\n${agent}\n`,
  );
  assert.equal(d.path, "spec.clusters[0].agents[1].name");
});

const PIPELINE = (waves: string) => `${HEAD}  clusters:
    - name: small
      count: 8
      nodes: 10
      agents:
        - name: telemetry
          serviceAccount: { namespace: t, name: t }
          deployedBy: pipeline
          calls: [{ verb: list, resource: pods, every: 5m }]
    - name: big
      count: 2
      nodes: 10
  pipeline:
    change: telemetry
    start: 1m
    waves:
${waves}
`;

test("a wave naming more clusters than its class has is refused, not clamped", () => {
  const d = only(PIPELINE("      - clusters: { small: 500 }"));
  assert.equal(d.path, "spec.pipeline.waves[0].clusters.small");
  assert.match(d.message, /expected at most 8 clusters of class "small", found 500/);
  const later = only(PIPELINE("      - clusters: { small: 5 }\n      - clusters: { small: 4 }"));
  assert.equal(later.path, "spec.pipeline.waves[1].clusters.small");
  assert.match(later.message, /at most 3 .* found 4 \(the class has 8, 5 taken by earlier waves\)/);
});

test("a class named again after an earlier wave took all of it is refused", () => {
  const d = only(
    PIPELINE("      - clusters: { small: all }\n      - clusters: { small: 2, big: all }"),
  );
  assert.equal(d.path, "spec.pipeline.waves[1].clusters.small");
  assert.match(d.message, /no clusters left for this wave: wave 1 took all 8/);
});

test("a class split over waves that fit it is accepted", () => {
  const scenario = parseScenario(
    PIPELINE("      - clusters: { small: 3 }\n      - clusters: { small: all, big: 2 }"),
    "ok.yaml",
  );
  assert.equal(scenario.pipeline?.waves.length, 2);
});

const START = (start: string, zone = "America/Los_Angeles") =>
  `${HEAD}  start: "${start}"\n  timeZone: ${zone}\n`;

test("a start time the clocks skip (spring forward) is refused; the hours around it are not", () => {
  const d = only(START("2024-03-10T02:30"));
  assert.equal(d.path, "spec.start");
  assert.match(d.message, /does not exist in America\/Los_Angeles/);
  for (const start of ["2024-03-10T01:59", "2024-03-10T03:00", "2024-11-03T01:30"]) {
    assert.ok(parseScenario(START(start), "ok.yaml").start !== undefined, start);
  }
  // The same wall-clock time exists in a zone without daylight saving.
  assert.ok(parseScenario(START("2024-03-10T02:30", "Asia/Tokyo"), "ok.yaml").start);
});

test("an offset beyond ±14:00 is refused; +14:00 and -12:00 are accepted", () => {
  for (const start of [
    "2024-12-11T14:00+25:00",
    "2024-12-11T14:00-15:00",
    "2024-12-11T14:00+01:60",
  ]) {
    assert.equal(only(START(start)).path, "spec.start", start);
  }
  for (const start of ["2024-12-11T14:00+14:00", "2024-12-11T14:00-12:00"]) {
    assert.ok(parseScenario(START(start), "ok.yaml").start !== undefined, start);
  }
});

test("an unknown YAML tag is refused at the tag", () => {
  const d = only(`${HEAD}  clusters:\n    - name: small\n      nodes: !nodes 10\n`);
  assert.equal(d.line, 9);
  assert.match(d.message, /Unresolved tag: !nodes/);
});

function aliasedClasses(uses: number): string {
  let text = `${HEAD}  clusters:\n    - name: c0\n      nodes: 10\n      podsPerNode: &pods 10\n`;
  for (let i = 1; i <= uses; i++)
    text += `    - name: c${i}\n      nodes: 10\n      podsPerNode: *pods\n`;
  return text;
}

test("more than 100 legitimate alias uses are accepted; an alias bomb is refused", () => {
  assert.equal(parseScenario(aliasedClasses(300), "ok.yaml").clusters.length, 301);
  let bomb = `${HEAD}  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n`;
  for (let level = 1; level <= 7; level++) {
    const previous = `*a${level - 1}`;
    bomb += `  a${level}: &a${level} [${Array(10).fill(previous).join(", ")}]\n`;
  }
  const d = only(bomb);
  assert.match(d.message, /expands to [\d,]+ values once its aliases are resolved/);
});

test("a list longer than any the schema allows is refused before it is converted", () => {
  let text = `${HEAD}  clusters:\n`;
  for (let i = 0; i < 1001; i++) text += `    - { name: c${i}, nodes: 1 }\n`;
  const d = only(text);
  assert.equal(d.path, "spec.clusters");
  assert.equal(d.line, 8);
  assert.match(d.message, /a list of 1001 items; a scenario allows at most 1000/);
});

test("a file larger than the limit, or endless, is refused without reading it all", () => {
  const directory = mkdtempSync(join(tmpdir(), "kubestorm-big-"));
  try {
    const big = join(directory, "big.yaml");
    writeFileSync(big, `${HEAD}#${"x".repeat(MAX_SCENARIO_BYTES)}\n`);
    assert.throws(
      () => loadScenarioFile(big),
      new RegExp(`cannot read: larger than ${MAX_SCENARIO_BYTES / 2 ** 20} MiB`),
    );
    assert.throws(() => loadScenarioFile(directory), /cannot read: it is a directory/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  assert.throws(
    () => loadScenarioFile("/dev/zero"),
    new RegExp(`cannot read: larger than ${MAX_SCENARIO_BYTES / 2 ** 20} MiB`),
  );
});

test("the scenario's source is its file name, however the path was typed", () => {
  const directory = mkdtempSync(join(tmpdir(), "kubestorm-src-"));
  try {
    writeFileSync(join(directory, "base.yaml"), `${HEAD}  clusters: [{ name: a, nodes: 1 }]\n`);
    const sources = [
      join(directory, "base.yaml"),
      join(directory, ".", "base.yaml"),
      `${directory}//base.yaml`,
    ].map((path) => loadScenarioFile(path).source);
    assert.deepEqual(sources, ["base.yaml", "base.yaml", "base.yaml"]);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
