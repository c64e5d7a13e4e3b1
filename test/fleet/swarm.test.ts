/**
 * Swarm testing in the suite: a bounded number of drawn scenarios run with the state checker
 * on (`kubestorm swarm --seeds 500` runs more); the generator is deterministic and its
 * scenarios pass the same validation as a user's file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { reproduceCommand, runSwarm } from "../../src/fleet/swarm.js";
import { swarmScenario } from "../../src/scenario/swarm-scenario.js";
import { parseScenario } from "../../src/scenario/index.js";

const FIRST = 1;
const COUNT = 12;

test("the same seed draws the same scenario, and different seeds differ", () => {
  assert.equal(swarmScenario(5).yaml, swarmScenario(5).yaml);
  const distinct = new Set(Array.from({ length: 20 }, (_, i) => swarmScenario(i + 1).yaml));
  assert.equal(distinct.size, 20);
});

test("drawn scenarios cover versions, APF on and off, pipelines and workloads", () => {
  const drawn = Array.from({ length: 60 }, (_, i) => swarmScenario(i + 1).scenario);
  const versions = new Set(drawn.flatMap((s) => s.clusters.map((c) => c.kubernetesVersion)));
  assert.ok(versions.size >= 5, `versions: ${[...versions].join(", ")}`);
  assert.ok(drawn.some((s) => s.clusters.some((c) => !c.apiserver.apf)));
  assert.ok(drawn.some((s) => s.pipeline !== undefined));
  assert.ok(drawn.some((s) => s.workloads !== undefined));
  // The printed file is a scenario a user can run as it is.
  for (const seed of [3, 9]) parseScenario(swarmScenario(seed).yaml, `swarm-${seed}.yaml`);
});

test(`seeds ${FIRST} to ${FIRST + COUNT - 1} run with the state checker on and break no rule`, async () => {
  const seeds = Array.from({ length: COUNT }, (_, i) => FIRST + i);
  const outcomes = await runSwarm(seeds, 2);
  assert.deepEqual(
    outcomes.map((o) => o.seed),
    seeds,
  );
  for (const outcome of outcomes) {
    assert.ok(outcome.ok, `${outcome.message}\nreproduce: ${reproduceCommand(outcome.seed)}`);
    assert.ok(outcome.events > 0, `seed ${outcome.seed} ran`);
  }
});
