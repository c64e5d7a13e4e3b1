import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Ajv } from "ajv";
import {
  builtinScenarioNames,
  loadBuiltinScenario,
  loadScenarioFile,
  parseScenario,
  scenarioJsonSchema,
  InputError,
  DEFAULT_REPLAY,
} from "../../src/scenario/index.js";
import { FIXTURES } from "../paths.js";

const valid = (name: string) => join(FIXTURES, "scenarios", "valid", name);

test("a minimal scenario gets the documented defaults", () => {
  const scenario = loadScenarioFile(valid("minimal.yaml"));
  assert.equal(scenario.name, "minimal");
  assert.equal(scenario.seed, 1);
  assert.equal(scenario.durationSeconds, 90);
  assert.equal(scenario.start, undefined);
  assert.deepEqual(scenario.clusters, []);
  assert.deepEqual(scenario.limits, { maxEvents: undefined, wallClockSeconds: undefined });
});

test("units, zones and defaults are resolved", () => {
  const scenario = loadScenarioFile(valid("fleet.yaml"));
  assert.equal(scenario.seed, 42);
  assert.equal(scenario.durationSeconds, 1200);
  assert.equal(scenario.limits.wallClockSeconds, 120);
  assert.equal(scenario.limits.maxEvents, 100_000_000);
  // 14:00 PST is 22:00 UTC.
  assert.equal(new Date(scenario.start?.epochMs ?? 0).toISOString(), "2024-12-11T22:00:00.000Z");
  const [large, small] = scenario.clusters;
  assert.equal(large.apiserver.memoryBytes, 64 * 2 ** 30);
  assert.equal(large.apiserver.cpuCores, 32);
  assert.equal(large.kubernetesVersion, "1.34");
  assert.deepEqual(small, {
    name: "small",
    count: 1,
    nodes: 100,
    podsPerNode: 30,
    kubernetesVersion: "1.29",
    apiserver: {
      replicas: 3,
      cpuCores: undefined,
      memoryBytes: undefined,
      apf: true,
      maxRequestsInflight: 400,
      maxMutatingRequestsInflight: 200,
      requestTimeoutSeconds: 60,
      featureGates: {},
    },
    etcd: { cpuCores: undefined, quotaBytes: 2 * 2 ** 30 },
    nodeLeases: true,
    zones: 3,
    breakGlass: false,
    dns: {
      coreDnsReplicas: undefined,
      recordTtlSeconds: undefined,
      capacityQps: undefined,
      restartsPerReplicaPerHour: undefined,
      cache: undefined,
      nodeLocal: undefined,
    },
    flowControl: [],
    agents: [],
  });
});

test("every built-in scenario is valid, and the replay default is one of them", () => {
  const names = builtinScenarioNames();
  assert.ok(names.includes(DEFAULT_REPLAY));
  for (const name of names) assert.equal(loadBuiltinScenario(name).name, name);
});

test("an unknown built-in name lists the known ones", () => {
  assert.throws(
    () => loadBuiltinScenario("no-such-incident"),
    (error: unknown) => error instanceof InputError && error.message.includes(DEFAULT_REPLAY),
  );
});

test("the printed JSON Schema is a valid draft-07 schema that accepts the built-in scenarios", async () => {
  const { parse } = await import("yaml");
  const { readFileSync } = await import("node:fs");
  const { builtinScenarioPath } = await import("../../src/scenario/index.js");
  const schema = scenarioJsonSchema();
  const ajv = new Ajv({ strict: false });
  const validate = ajv.compile(schema);
  for (const name of builtinScenarioNames()) {
    const document: unknown = parse(readFileSync(builtinScenarioPath(name) ?? "", "utf8"));
    assert.ok(validate(document), JSON.stringify(validate.errors));
  }
  assert.equal(validate({ apiVersion: "kubestorm.dev/v1alpha1" }), false);
});

test("positions point at the value, also in flow style and after comments", () => {
  const text = [
    "# leading comment",
    "apiVersion: kubestorm.dev/v1alpha1",
    "kind: Scenario",
    "metadata: { name: x }",
    "spec: { duration: 1h, clusters: [ { name: a, nodes: 0 } ] }",
  ].join("\n");
  assert.throws(
    () => parseScenario(text, "inline.yaml"),
    (error: unknown) =>
      error instanceof InputError &&
      error.diagnostics.length === 1 &&
      error.diagnostics[0].line === 5 &&
      error.diagnostics[0].column === 53 &&
      error.diagnostics[0].path === "spec.clusters[0].nodes",
  );
});
