import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../src/sim/index.js";
import { AlertEvaluator, OpsEventLog, type AlertRule } from "../../src/fleet/ops/index.js";
import { FakeCluster, seedNote } from "./fake-cluster.js";

const latencyRule = (forSeconds: number, scope: AlertRule["scope"] = "per-cluster"): AlertRule => ({
  name: "Latency",
  signal: "apiserverP99Seconds",
  comparison: ">",
  threshold: 1,
  forSeconds,
  scope,
});

/** Expected firing time: the first evaluation at or after onset, then `for` more evaluations. */
function expectedFiring(onset: number, phase: number, interval: number, forSeconds: number) {
  let tick = 0;
  while (phase + tick * interval < onset) tick++;
  const firstTrue = phase + tick * interval;
  while (phase + tick * interval - firstTrue < forSeconds - 1e-9) tick++;
  return { firstTrue, firing: phase + tick * interval };
}

test("alerts respect the evaluation interval, `for` and the notification delay", () => {
  const seed = 21;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const onset = 100;
  const cluster = new FakeCluster(sim, "big", {
    signals: (t) => (t >= onset ? { apiserverP99Seconds: 3 } : {}),
  });
  const quiet = new FakeCluster(sim, "quiet");
  const alerts = new AlertEvaluator(sim, log, [cluster, quiet], {
    rules: [latencyRule(300)],
    evaluationIntervalSeconds: 60,
    evaluationPhaseSeconds: 15,
    notificationDelaySeconds: 45,
  });
  const notified: number[] = [];
  alerts.onNotification((n) => notified.push(n.t));
  alerts.start();
  sim.run({ until: 3600 });
  const note = seedNote(seed, log.format());
  const expected = expectedFiring(onset, 15, 60, 300);
  const pending = log.find({ kind: "alert-pending" });
  const firing = log.find({ kind: "alert-firing" });
  assert.deepEqual(
    pending.map((e) => [e.t, e.cluster]),
    [[expected.firstTrue, "big"]],
    note,
  );
  assert.deepEqual(
    firing.map((e) => [e.t, e.cluster]),
    [[expected.firing, "big"]],
    note,
  );
  assert.deepEqual(notified, [expected.firing + 45], note);
  assert.deepEqual(
    log.find({ kind: "alert-notified" }).map((e) => e.t),
    [expected.firing + 45],
  );
  assert.ok(alerts.isFiring("Latency", "big"));
  assert.ok(!alerts.isFiring("Latency", "quiet"));
  assert.deepEqual([...alerts.affectedClusters], ["big"]);
});

test("a condition that clears before `for` elapses never fires", () => {
  const seed = 22;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  // High latency for four evaluations, less than the five minutes `for` asks.
  const cluster = new FakeCluster(sim, "blip", {
    signals: (t) => (t >= 60 && t < 280 ? { apiserverP99Seconds: 5 } : {}),
  });
  const alerts = new AlertEvaluator(sim, log, [cluster], {
    rules: [latencyRule(300)],
    evaluationIntervalSeconds: 60,
    evaluationPhaseSeconds: 0,
    notificationDelaySeconds: 0,
  });
  alerts.start();
  sim.run({ until: 1800 });
  const note = seedNote(seed, log.format());
  assert.equal(log.find({ kind: "alert-pending" }).length, 1, note);
  assert.equal(log.find({ kind: "alert-inactive" }).length, 1, note);
  assert.equal(log.find({ kind: "alert-firing" }).length, 0, note);
  assert.equal(alerts.sent.length, 0, note);
});

test("an alert resolves when the condition stops holding and can fire again", () => {
  const seed = 23;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const cluster = new FakeCluster(sim, "flappy", {
    signals: (t) => ((t >= 100 && t < 500) || t >= 1000 ? { readyzOk: false } : {}),
  });
  const alerts = new AlertEvaluator(sim, log, [cluster], {
    rules: [
      {
        name: "Down",
        signal: "readyzOk",
        comparison: "==",
        threshold: 0,
        forSeconds: 0,
        scope: "per-cluster",
      },
    ],
    evaluationIntervalSeconds: 60,
    evaluationPhaseSeconds: 0,
    notificationDelaySeconds: 30,
  });
  alerts.start();
  sim.run({ until: 1500 });
  const note = seedNote(seed, log.format());
  assert.deepEqual(
    log.find({ kind: "alert-firing" }).map((e) => e.t),
    [120, 1020],
    note,
  );
  assert.deepEqual(
    log.find({ kind: "alert-resolved" }).map((e) => e.t),
    [540],
    note,
  );
  assert.deepEqual(
    alerts.sent.map((n) => n.t),
    [150, 1050],
    note,
  );
});

test("a fleet-wide rule fires once when any cluster matches, naming it", () => {
  const seed = 24;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const clusters = [
    new FakeCluster(sim, "a"),
    new FakeCluster(sim, "b", { signals: (t) => (t >= 200 ? { apiserverP99Seconds: 2 } : {}) }),
    new FakeCluster(sim, "c", { signals: (t) => (t >= 400 ? { apiserverP99Seconds: 2 } : {}) }),
  ];
  const alerts = new AlertEvaluator(sim, log, clusters, {
    rules: [latencyRule(60, "fleet")],
    evaluationIntervalSeconds: 60,
    evaluationPhaseSeconds: 0,
    notificationDelaySeconds: 0,
  });
  alerts.start();
  sim.run({ until: 1200 });
  const note = seedNote(seed, log.format());
  const fired = log.find({ kind: "alert-firing" });
  assert.equal(fired.length, 1, note);
  assert.equal(fired[0].t, expectedFiring(200, 0, 60, 60).firing, note);
  assert.equal(fired[0].cluster, undefined, note);
  assert.deepEqual(alerts.sent[0].clusters, ["b"], note);
  assert.ok(alerts.isFiring("Latency", "c"), `c joined the firing fleet alert ${note}`);
  assert.ok(!alerts.isFiring("Latency", "a"), note);
  assert.deepEqual([...alerts.affectedClusters].sort(), ["b", "c"], note);
});

test("firing time follows interval, phase and `for` for any schedule (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.integer({ min: 5, max: 120 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: 900 }),
      fc.integer({ min: 0, max: 3000 }),
      fc.integer({ min: 0, max: 120 }),
      (seed, interval, phaseFraction, forSeconds, onset, delay) => {
        const sim = new Simulation(seed);
        const log = new OpsEventLog();
        const cluster = new FakeCluster(sim, "x", {
          signals: (t) => (t >= onset ? { apiserverP99Seconds: 9 } : {}),
        });
        const phase = phaseFraction * interval;
        const alerts = new AlertEvaluator(sim, log, [cluster], {
          rules: [latencyRule(forSeconds)],
          evaluationIntervalSeconds: interval,
          evaluationPhaseSeconds: phase,
          notificationDelaySeconds: delay,
        });
        alerts.start();
        const expected = expectedFiring(onset, phase, interval, forSeconds);
        sim.run({ until: expected.firing + delay + interval });
        const note = seedNote(seed, log.format());
        const fired = log.find({ kind: "alert-firing" });
        assert.equal(fired.length, 1, note);
        assert.ok(Math.abs(fired[0].t - expected.firing) < 1e-6, note);
        assert.ok(fired[0].t - onset >= forSeconds - 1e-6, `fired before for elapsed ${note}`);
        assert.ok(Math.abs(alerts.sent[0].t - fired[0].t - delay) < 1e-6, note);
      },
    ),
    { numRuns: 200 },
  );
});

test("without a configured phase the first evaluation is drawn from the seed", () => {
  const phases = [1, 1, 2].map((seed) => {
    const sim = new Simulation(seed);
    const log = new OpsEventLog();
    const cluster = new FakeCluster(sim, "x", { signals: () => ({ apiserverP99Seconds: 9 }) });
    const alerts = new AlertEvaluator(sim, log, [cluster], {
      rules: [latencyRule(0)],
      evaluationIntervalSeconds: 60,
      notificationDelaySeconds: 0,
    });
    alerts.start();
    sim.run({ until: 120 });
    return log.find({ kind: "alert-firing" })[0].t;
  });
  assert.equal(phases[0], phases[1], "same seed, same phase");
  assert.notEqual(phases[0], phases[2], "another seed, another phase");
  for (const phase of phases) assert.ok(phase >= 0 && phase < 60);
});
