/**
 * Figures that must add up, and defaults that fit the cluster they describe: every client's
 * requests sent are the sum of its outcomes, and a large idle cluster with every default is
 * healthy from its first minute.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScenario } from "../../src/fleet/index.js";
import { loadScenarioFile, parseScenario } from "../../src/scenario/index.js";
import { FIXTURES } from "../paths.js";

const SEEDS = [1, 7];

for (const name of [
  "control-plane/etcd-quota",
  "control-plane/overload",
  "data-plane/locked-out",
]) {
  for (const seed of SEEDS) {
    test(`${name}, seed ${seed}: sent = ok + 429 + other + timed out + refused + reset, for every client`, () => {
      const scenario = loadScenarioFile(join(FIXTURES, "scenarios", `${name}.yaml`));
      const result = runScenario(scenario, { seed });
      let failures = 0;
      for (const cluster of result.clusters) {
        for (const r of cluster.requests) {
          const parts = r.ok + r.tooManyRequests + r.otherErrors + r.timeouts + r.refused + r.reset;
          assert.equal(r.served, r.ok + r.tooManyRequests + r.otherErrors);
          assert.equal(
            parts,
            r.total,
            `seed ${seed}, ${cluster.cluster} ${r.client}: ${JSON.stringify(r)}`,
          );
          failures += r.total - r.ok;
        }
      }
      assert.ok(failures > 0, `seed ${seed}: the fixture should produce failed requests`);
    });
  }
}

test("the etcd quota follows the cluster's size when the scenario leaves it out", () => {
  const quota = (nodes: number, podsPerNode: number) =>
    parseScenario(
      `apiVersion: kubestorm.dev/v1alpha1
kind: Scenario
metadata: { name: sizing }
spec:
  duration: 1m
  clusters: [{ name: c, nodes: ${nodes}, podsPerNode: ${podsPerNode} }]
`,
      "sizing.yaml",
    ).clusters[0].etcd.quotaBytes;
  assert.equal(quota(100, 30), 2 * 2 ** 30, "etcd's default for a small cluster");
  assert.equal(quota(7500, 10), 2 * 2 ** 30, "the replay's largest clusters keep etcd's default");
  assert.equal(quota(7500, 30), 8 * 2 ** 30, "etcd's suggested maximum once the default is tight");
  // 50,000 × (15,000 + 500) + 1,500,000 × 10,000 bytes = 14.7 GiB.
  assert.throws(() => quota(50_000, 30), /store about 14\.7 GiB in etcd.*give etcd\.quota/);
});

for (const seed of SEEDS) {
  test(`an idle 7,500-node cluster with every default is within SLO from t=0 (seed ${seed})`, () => {
    const scenario = parseScenario(
      `apiVersion: kubestorm.dev/v1alpha1
kind: Scenario
metadata: { name: idle-large }
spec:
  duration: 3m
  clusters: [{ name: large, nodes: 7500 }]
`,
      "idle-large.yaml",
    );
    const [cluster] = runScenario(scenario, { seed }).clusters;
    assert.equal(cluster.etcd.noSpaceAlarm, false, `seed ${seed}`);
    assert.ok(cluster.withinSlo, `seed ${seed}: ${JSON.stringify(cluster.requests)}`);
    for (const r of cluster.requests) assert.equal(r.ok, r.total, `seed ${seed}: ${r.client}`);
  });
}
