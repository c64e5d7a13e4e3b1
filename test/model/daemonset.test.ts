import { test } from "node:test";
import { StateChecker } from "../../src/world/index.js";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Simulation } from "../../src/sim/index.js";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { buildCluster, type BuiltCluster } from "../../src/fleet/build-cluster.js";
import { ControlPlaneObserver } from "../../src/fleet/control-plane-observer.js";
import { FIXTURES } from "../paths.js";

function built(seed: number): BuiltCluster & { sim: Simulation } {
  const scenario = loadScenarioFile(join(FIXTURES, "scenarios", "data-plane", "daemonset.yaml"));
  const sim = new Simulation(seed);
  const observer = new ControlPlaneObserver(scenario.durationSeconds, 60);
  const checker = new StateChecker(seed, () => sim.now);
  return { sim, ...buildCluster(sim, scenario.clusters[0], "c", observer, {}, checker) };
}

test("the DaemonSet controller creates pods at its client's pace and agents start as pods do", () => {
  const seed = 7;
  const world = built(seed);
  const rollout = world.rollouts.get("node-agent");
  assert.ok(rollout, "a pipeline-deployed agent gets a DaemonSet");
  const agent = world.agents[0];
  const podsBefore = world.cluster.resources.get("pods")!.count;
  world.sim.run({ until: 60 });
  assert.equal(
    agent.runningMembers,
    0,
    `seed ${seed}: nothing runs before the pipeline applies it`,
  );
  rollout.apply();
  const samples: { t: number; created: number; running: number }[] = [];
  for (const t of [70, 90, 120, 200, 400]) {
    world.sim.run({ until: t });
    samples.push({ t, created: rollout.stats.podsCreated, running: agent.runningMembers });
  }
  // kube-controller-manager's client allows 20 requests/s after a burst of 30.
  for (const { t, created } of samples) {
    assert.ok(created <= 30 + 20 * (t - 60) + 1, `seed ${seed}: ${created} pods by ${t} s`);
  }
  assert.ok(
    samples[1].running < 1000 / 2,
    `seed ${seed}: the ramp takes time: ${samples[1].running} at 90 s`,
  );
  assert.equal(samples[4].running, 1000, `seed ${seed}: every node runs the agent by 400 s`);
  assert.equal(world.cluster.resources.get("pods")!.count, podsBefore + 1000);
  // Fifty seconds of creations at 20/s, then the image pulls: the last pod starts after 100 s.
  const span = rollout.startedSpan;
  assert.ok(span.last - 60 > 1000 / 20, `seed ${seed}: last pod at ${span.last} s`);

  rollout.deleteObject();
  world.sim.run({ until: 600 });
  assert.equal(agent.runningMembers, 0, `seed ${seed}: the garbage collector removed every pod`);
  assert.equal(world.cluster.resources.get("pods")!.count, podsBefore);
});

test("no pod is created while the network refuses the controller", () => {
  const seed = 8;
  const world = built(seed);
  const rollout = world.rollouts.get("node-agent")!;
  world.cluster.blockUsers((user) => user.includes("daemon-set-controller"));
  rollout.apply();
  world.sim.run({ until: 300 });
  assert.equal(rollout.stats.podsCreated, 0, `seed ${seed}`);
  assert.ok(rollout.stats.failedSyncs > 0, `seed ${seed}: the controller keeps retrying`);
  world.cluster.blockUsers(undefined);
  // The workqueue backoff doubles per failed sync: it retries within its 1000 s cap.
  world.sim.run({ until: 3000 });
  assert.equal(world.agents[0].runningMembers, 1000, `seed ${seed}: the rollout resumes`);
});
