import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { runScenario, type RunResult } from "../../src/fleet/index.js";
import { FIXTURES } from "../paths.js";

// Every node runs an agent that LISTs pods once a minute; the scenarios differ only in cluster
// size and in how the agent lists. A failure prints the seed to replay it.
function run(name: string): RunResult["clusters"][number] {
  const scenario = loadScenarioFile(join(FIXTURES, "scenarios", "control-plane", `${name}.yaml`));
  const result = runScenario(scenario, { check: true });
  assert.equal(result.outcome.limitHit, false, result.outcome.message);
  const [cluster] = result.clusters;
  return cluster;
}

const client = (cluster: RunResult["clusters"][number], prefix: string) => {
  const found = cluster.requests.find((r) => r.client.startsWith(prefix));
  assert.ok(found, `no client ${prefix} in ${cluster.requests.map((r) => r.client).join(", ")}`);
  return found;
};

test('5,000 nodes listing every pod with RV="" every minute overload the apiservers (seed 1)', () => {
  const cluster = run("overload");
  assert.ok(cluster.oomKills >= 3, `OOM kills: ${cluster.oomKills}`);
  assert.ok(cluster.notReadySeconds > 600, `apiservers not ready for ${cluster.notReadySeconds} s`);
  const leases = client(cluster, "kubelet update lease");
  assert.ok(
    leases.ok / leases.total < 0.5,
    `lease renewals succeeded ${leases.ok} of ${leases.total}`,
  );
  assert.equal(cluster.withinSlo, false);
});

test("the same agent on 100 nodes keeps the control plane within SLO (seed 1)", () => {
  const cluster = run("small");
  assert.equal(cluster.oomKills, 0);
  assert.equal(cluster.withinSlo, true, JSON.stringify(cluster.worstMinuteP99));
  const agent = client(cluster, "telemetry list pods");
  assert.equal(agent.ok, agent.total);
  assert.ok((cluster.worstMinuteP99.mutating ?? Infinity) < 1);
});

test("a node-scoped, watch-cache-served agent stays within SLO at 5,000 nodes (seed 1)", () => {
  const cluster = run("scoped");
  assert.equal(cluster.oomKills, 0);
  assert.equal(cluster.withinSlo, true, JSON.stringify(cluster.worstMinuteP99));
  const agent = client(cluster, "telemetry list pods (node)");
  assert.ok(agent.total > 100_000, `${agent.total} LISTs`);
  assert.equal(agent.ok, agent.total);
  assert.ok((agent.p99Seconds ?? Infinity) < 1, `agent p99 ${agent.p99Seconds} s`);
});

test("the same 5,000-node agent in its own bounded priority level leaves the cluster standing (seed 1)", () => {
  const cluster = run("bounded-level");
  assert.equal(cluster.oomKills, 0);
  assert.equal(cluster.notReadySeconds, 0);
  const leases = client(cluster, "kubelet update lease");
  assert.equal(leases.ok, leases.total, "node leases keep renewing");
  assert.ok((leases.p99Seconds ?? Infinity) < 1);
  const agent = client(cluster, "telemetry list pods");
  assert.ok(
    agent.tooManyRequests > agent.ok * 10,
    `agent: ${agent.ok} ok, ${agent.tooManyRequests} 429`,
  );
});
