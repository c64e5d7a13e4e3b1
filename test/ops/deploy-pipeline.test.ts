import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../src/sim/index.js";
import {
  DEFAULT_BAKE_SECONDS,
  DEFAULT_CONTROL_PLANE_GATE,
  DEFAULT_DEPLOY_PIPELINE,
  DEFAULT_ROLLBACK_RETRY,
  DeployPipeline,
  OpsEventLog,
  splitIntoWaves,
} from "../../src/fleet/ops/index.js";
import { FakeCluster, seedNote } from "./fake-cluster.js";

test("without gates the pipeline applies every wave after the previous bake and completes", () => {
  const seed = 11;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const names = ["a", "b", "c", "d", "e", "f", "g"];
  const clusters = names.map((name) => new FakeCluster(sim, name));
  const waves = splitIntoWaves(names, 3);
  const bake = 300;
  const pipeline = new DeployPipeline(sim, log, clusters, {
    ...DEFAULT_DEPLOY_PIPELINE,
    changeId: "agent-v2",
    waves: [waves[0], { ...waves[1], bakeSeconds: 1000 }, waves[2]],
    bakeSeconds: bake,
  });
  const startDelay = 50;
  pipeline.start(startDelay);
  sim.run();
  const note = seedNote(seed, log.format());
  assert.equal(pipeline.state, "completed", note);
  const waveStart = [startDelay, startDelay + bake, startDelay + bake + 1000];
  waves.forEach((wave, index) => {
    for (const name of wave.clusters) {
      const cluster = clusters[names.indexOf(name)];
      assert.deepEqual(cluster.applied, [{ t: waveStart[index], changeId: "agent-v2" }], note);
    }
  });
  assert.deepEqual(pipeline.changedClusters, names, note);
  const completed = log.find({ actor: "pipeline", kind: "completed" });
  assert.equal(completed.length, 1, note);
  assert.equal(completed[0].t, waveStart[2] + bake, note);
  assert.equal(log.find({ kind: "gate" }).length, 0, "no gates, no gate decisions");
});

test("a control-plane gate halts the pipeline when p99 crosses the threshold and rolls back", () => {
  const seed = 12;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const bake = 600;
  const degradeAt = 700;
  const lockedUntil = 2000;
  const small = new FakeCluster(sim, "small");
  // The large cluster degrades after its wave and refuses API calls for a while.
  const large = new FakeCluster(sim, "large", {
    signals: (t) => (t >= degradeAt ? { apiserverP99Seconds: 4 } : {}),
    lockedOut: (t) => t >= degradeAt && t < lockedUntil,
    timeoutSeconds: 60,
  });
  const last = new FakeCluster(sim, "last");
  const pipeline = new DeployPipeline(sim, log, [small, large, last], {
    ...DEFAULT_DEPLOY_PIPELINE,
    waves: [{ clusters: ["small"] }, { clusters: ["large"] }, { clusters: ["last"] }],
    bakeSeconds: bake,
    gates: [DEFAULT_CONTROL_PLANE_GATE],
    rollbackOnGateFailure: true,
    rollbackRetry: { ...DEFAULT_ROLLBACK_RETRY, maxAttempts: 10, jitterFraction: 0 },
  });
  pipeline.start();
  sim.run();
  const note = seedNote(seed, log.format());

  assert.equal(pipeline.state, "halted", note);
  assert.deepEqual(last.applied, [], `the wave after the failed gate must not be applied ${note}`);
  const gates = log.find({ kind: "gate" });
  assert.deepEqual(
    gates.map((g) => [g.t, g.ok]),
    [
      [bake, true],
      [2 * bake, false],
    ],
    note,
  );
  assert.match(gates[1].detail, /large: control-plane gate: apiserver p99 4 s > 1 s/, note);

  // Both changed clusters are rolled back; the healthy one at once.
  assert.deepEqual(
    small.apiCalls.map((c) => [c.t, c.action, c.path, c.ok]),
    [[2 * bake, "rollback", "normal", true]],
    note,
  );
  // The locked-out one fails with growing backoff until its apiserver accepts again.
  const attempts = large.apiCalls;
  assert.ok(attempts.length >= 3, note);
  assert.equal(attempts[0].t, 2 * bake, note);
  for (let i = 0; i < attempts.length - 1; i++) {
    assert.equal(attempts[i].ok, false, note);
    assert.ok(attempts[i].t < lockedUntil, note);
  }
  assert.equal(attempts.at(-1)!.ok, true, note);
  assert.ok(attempts.at(-1)!.t >= lockedUntil, note);
  const gaps = attempts.slice(1).map((c, i) => c.t - attempts[i].t);
  for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i] > gaps[i - 1], `backoff grows ${note}`);
  assert.deepEqual([...pipeline.rolledBackClusters].sort(), ["large", "small"], note);
  assert.equal(
    log.find({ kind: "rollback-attempt", cluster: "large", ok: false }).length,
    attempts.length - 1,
  );
});

test("an automated rollback gives up after its attempts while the cluster stays locked out", () => {
  const seed = 13;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const stuck = new FakeCluster(sim, "stuck", {
    signals: () => ({ readyzOk: false }),
    lockedOut: () => true,
  });
  const pipeline = new DeployPipeline(sim, log, [stuck], {
    ...DEFAULT_DEPLOY_PIPELINE,
    waves: [{ clusters: ["stuck"] }],
    bakeSeconds: 60,
    gates: [DEFAULT_CONTROL_PLANE_GATE],
    rollbackOnGateFailure: true,
    rollbackRetry: { ...DEFAULT_ROLLBACK_RETRY, maxAttempts: 3 },
  });
  pipeline.start();
  sim.run();
  const note = seedNote(seed, log.format());
  assert.equal(stuck.apiCalls.length, 3, note);
  const finished = log.find({ kind: "rollback-finished", cluster: "stuck" });
  assert.equal(finished.length, 1, note);
  assert.equal(finished[0].ok, false, note);
  assert.match(finished[0].detail, /overloaded or unreachable/, note);
  assert.match(log.find({ kind: "gate" })[0].detail, /no apiserver replica ready/, note);
});

test("splitIntoWaves keeps the order and balances wave sizes", () => {
  fc.assert(
    fc.property(
      fc.array(fc.string(), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 10 }),
      (names, count) => {
        const waves = splitIntoWaves(names, count);
        assert.deepEqual(
          waves.flatMap((w) => w.clusters),
          names,
        );
        assert.equal(waves.length, Math.min(count, names.length));
        const sizes = waves.map((w) => w.clusters.length);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
      },
    ),
  );
});

test("the published-like default spreads the change over about 30 minutes", () => {
  const seed = 14;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const names = Array.from({ length: 40 }, (_, i) => `c${i}`);
  const clusters = names.map((name) => new FakeCluster(sim, name));
  const pipeline = new DeployPipeline(sim, log, clusters, {
    ...DEFAULT_DEPLOY_PIPELINE,
    waves: splitIntoWaves(names),
  });
  pipeline.start();
  sim.run();
  const times = clusters.map((c) => c.applied[0].t);
  const span = Math.max(...times) - Math.min(...times);
  assert.ok(span >= 25 * 60 && span <= 35 * 60, `span ${span} s ${seedNote(seed)}`);
  assert.equal(span % DEFAULT_BAKE_SECONDS, 0);
  assert.equal(pipeline.state, "completed");
});
