import { test } from "node:test";
import assert from "node:assert/strict";
import { parseScenario } from "../../src/scenario/index.js";
import { planSimulation, DEFAULT_CONTROL_PLANE } from "../../src/preflight/index.js";
import { runCli } from "../cli/run-cli.js";
import { analyse, fixture, workloadNamed } from "./helpers.js";

test("--simulate builds a valid scenario: the workload as an agent in a cluster of --nodes", () => {
  const plane = { ...DEFAULT_CONTROL_PLANE, nodes: 300, version: "1.29" as const };
  const report = workloadNamed(
    analyse([fixture("incident-telemetry.yaml")], plane),
    "control-plane-telemetry",
  );
  const plan = planSimulation(report.workload, report.pattern.calls, plane);
  assert.ok(plan !== undefined);
  const scenario = parseScenario(plan.scenarioText, "plan.yaml");
  assert.equal(scenario.clusters[0].nodes, 300);
  assert.equal(scenario.clusters[0].kubernetesVersion, "1.29");
  assert.equal(scenario.clusters[0].agents.length, 1);
  assert.deepEqual(plan.skippedCalls, []);
});

test("calls the simulator does not model are listed, and a workload without any is not simulated", () => {
  const result = analyse([fixture("rbac.yaml")]);
  const cron = workloadNamed(result, "report");
  const plan = planSimulation(cron.workload, cron.pattern.calls, result.options.plane);
  assert.ok(plan !== undefined, "it watches pods in its namespace");
  assert.ok(plan.skippedCalls.some((c) => c.resource === "configmaps"));
  const aggregated = workloadNamed(result, "aggregated-reader");
  const onlyNodes = planSimulation(
    aggregated.workload,
    aggregated.pattern.calls,
    result.options.plane,
  );
  assert.ok(onlyNodes !== undefined && onlyNodes.skippedCalls.length === 0);
  const mystery = workloadNamed(result, "mystery");
  assert.equal(
    planSimulation(mystery.workload, mystery.pattern.calls, result.options.plane),
    undefined,
  );
});

test("preflight --simulate prints the run beside the estimate (text and json)", () => {
  const args = ["preflight", fixture("incident-telemetry.yaml"), "--nodes", "200", "--simulate"];
  const text = runCli(args);
  assert.equal(text.status, 1, text.stderr);
  assert.match(text.stdout, /ERROR KS001/);
  assert.match(text.stdout, /simulation of DaemonSet monitoring\/control-plane-telemetry/);
  assert.match(text.stdout, /control-plane-telemetry list pods: [\d,]+ sent/);
  const json = JSON.parse(runCli([...args, "-o", "json"]).stdout) as {
    simulations: { workload: string; result: { clusters: { nodes: number }[] } }[];
  };
  assert.equal(json.simulations.length, 1);
  assert.equal(json.simulations[0].result.clusters[0].nodes, 200);
});
