import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import {
  AlertEvaluator,
  DEFAULT_ALERTING,
  DEFAULT_CONTROL_PLANE_GATE,
  DEFAULT_DEPLOY_PIPELINE,
  DEFAULT_OPERATORS,
  DeployPipeline,
  GlobalTrafficManager,
  OperatorTeam,
  OpsEventLog,
  splitIntoWaves,
} from "../../src/fleet/ops/index.js";
import { FakeCluster } from "./fake-cluster.js";

/**
 * A small fleet where the change overloads the largest clusters some minutes after it lands,
 * and they stay locked out until their admin API is blocked and apiservers scaled up.
 */
function replay(seed: number, gated: boolean) {
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const sizes = [200, 500, 1000, 2500, 5000, 7500];
  const names = sizes.map((_, i) => `cluster-${i}`);
  const clusters: FakeCluster[] = [];
  sizes.forEach((nodes, i) => {
    let changedAt = Infinity;
    let remediatedAt = Infinity;
    const cluster = new FakeCluster(sim, names[i], {
      // Overload takes longer to build in smaller clusters; only big ones tip over.
      signals: (t) => {
        const overloaded = nodes >= 2500 && t >= changedAt + 1_500_000 / nodes && t < remediatedAt;
        return overloaded
          ? { apiserverP99Seconds: 30, readyzOk: false, workloadSuccessRate: 0.6 }
          : {};
      },
      lockedOut: (t) => nodes >= 2500 && t >= changedAt + 1_500_000 / nodes && t < remediatedAt,
    });
    const apply = cluster.applyChange.bind(cluster);
    cluster.applyChange = (id) => {
      changedAt = sim.now;
      apply(id);
    };
    const scale = cluster.scaleApiservers.bind(cluster);
    cluster.scaleApiservers = (replicas) => {
      remediatedAt = sim.now + 300;
      scale(replicas);
    };
    clusters.push(cluster);
  });
  const pipeline = new DeployPipeline(sim, log, clusters, {
    ...DEFAULT_DEPLOY_PIPELINE,
    waves: splitIntoWaves(names),
    gates: gated ? [DEFAULT_CONTROL_PLANE_GATE] : [],
    rollbackOnGateFailure: gated,
  });
  const alerts = new AlertEvaluator(sim, log, clusters, DEFAULT_ALERTING);
  const traffic = new GlobalTrafficManager(sim, log, {
    products: [
      { name: "chat", demand: 60, shares: Object.fromEntries(names.map((n) => [n, 1 / 6])) },
    ],
    capacity: Object.fromEntries(names.map((n) => [n, 20])),
  });
  const team = new OperatorTeam(
    { sim, log, clusters, alerts, pipeline, traffic },
    { ...DEFAULT_OPERATORS, clusterNodes: Object.fromEntries(names.map((n, i) => [n, sizes[i]])) },
  );
  pipeline.start();
  alerts.start();
  sim.run({ until: 6 * 3600 });
  return { log, clusters, team, pipeline };
}

test("the same seed replays the same operations; another seed draws other delays", () => {
  for (const seed of [1, 2024]) {
    const first = replay(seed, false).log.format();
    const second = replay(seed, false).log.format();
    assert.equal(first, second, `seed ${seed}: two runs differ`);
  }
  assert.notEqual(
    replay(1, false).log.format(),
    replay(2, false).log.format(),
    "seeds 1 and 2 gave the same log",
  );
});

test("the incident runbook ends the lockout through remediation, and logs every step", () => {
  const seed = 7;
  const { log, clusters, team, pipeline } = replay(seed, false);
  const note = `(seed ${seed})\n${log.format()}`;
  assert.equal(pipeline.state, "completed", note);
  const locked = clusters.filter((c) =>
    c.apiCalls.some((call) => call.path === "normal" && call.ok === false),
  );
  assert.ok(locked.length >= 1, `some cluster was locked out ${note}`);
  for (const cluster of locked) {
    assert.ok(
      cluster.blocks.some((b) => b.blocked),
      `${cluster.name} admin API blocked ${note}`,
    );
    assert.ok(cluster.apiserverScales.length >= 1, `${cluster.name} apiservers scaled ${note}`);
    assert.equal(
      team.outcome("delete-daemonset", cluster.name),
      true,
      `${cluster.name} DaemonSet removed ${note}`,
    );
    assert.ok(
      cluster.blocks.at(-1)!.blocked === false,
      `${cluster.name} unblocked at the end ${note}`,
    );
  }
  for (const kind of [
    "paged",
    "response-started",
    "cluster-taken-on",
    "step-queued",
    "action-started",
    "action-finished",
  ]) {
    assert.ok(log.find({ actor: "operators", kind }).length > 0, `no ${kind} ${note}`);
  }
  const times = log.events.map((e) => e.t);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    "log in time order",
  );
});

test("a control-plane gate stops the rollout before the last wave", () => {
  const seed = 8;
  const { clusters, pipeline, log } = replay(seed, true);
  const note = `(seed ${seed})\n${log.format()}`;
  assert.equal(pipeline.state, "halted", note);
  assert.ok(
    clusters.some((c) => c.applied.length === 0),
    `some cluster never got the change ${note}`,
  );
});
