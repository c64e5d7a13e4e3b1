import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import {
  AlertEvaluator,
  fixedDelay,
  GlobalTrafficManager,
  NO_RETRY,
  OperatorTeam,
  OpsEventLog,
  type AlertRule,
  type OperatorConfig,
  type RunbookStep,
} from "../../src/fleet/ops/index.js";
import { FakeCluster, seedNote } from "./fake-cluster.js";

const DOWN: AlertRule = {
  name: "ApiserverDown",
  signal: "readyzOk",
  comparison: "==",
  threshold: 0,
  forSeconds: 0,
  scope: "per-cluster",
};

function step(
  name: string,
  action: RunbookStep["action"],
  options: Partial<RunbookStep> = {},
): RunbookStep {
  return {
    name,
    action,
    when: [],
    startDelay: fixedDelay(0),
    duration: fixedDelay(0),
    target: "affected",
    order: "as-listed",
    retry: NO_RETRY,
    waitForPreconditionsSeconds: 0,
    ...options,
  };
}

function setUp(
  seed: number,
  clusters: (sim: Simulation) => FakeCluster[],
  config: Partial<OperatorConfig> & { runbook: RunbookStep[] },
  rules: AlertRule[] = [DOWN],
) {
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const handles = clusters(sim);
  const alerts = new AlertEvaluator(sim, log, handles, {
    rules,
    evaluationIntervalSeconds: 60,
    evaluationPhaseSeconds: 0,
    notificationDelaySeconds: 60,
  });
  const team = new OperatorTeam(
    { sim, log, clusters: handles, alerts },
    {
      responseDelay: fixedDelay(180),
      parallelism: 4,
      clusterNodes: {},
      recheckSeconds: 60,
      ...config,
    },
  );
  alerts.start();
  return { sim, log, handles, alerts, team };
}

test("a rollback through the API fails while locked out; break-glass works where it exists", () => {
  const seed = 41;
  const lockedOut = (t: number) => t >= 0;
  const { sim, log, handles, team } = setUp(
    seed,
    (sim) => [
      new FakeCluster(sim, "with-glass", {
        signals: () => ({ readyzOk: false }),
        lockedOut,
        hasBreakGlass: true,
      }),
      new FakeCluster(sim, "without-glass", { signals: () => ({ readyzOk: false }), lockedOut }),
    ],
    {
      runbook: [
        step("rollback", { kind: "api", action: "rollback", path: "normal" }),
        step(
          "break-glass",
          { kind: "api", action: "rollback", path: "break-glass" },
          {
            when: [{ kind: "step-failed", step: "rollback" }],
          },
        ),
      ],
    },
  );
  sim.run({ until: 3600 });
  const note = seedNote(seed, log.format());
  const [withGlass, withoutGlass] = handles;
  assert.equal(team.outcome("rollback", "with-glass"), false, note);
  assert.equal(team.outcome("rollback", "without-glass"), false, note);
  assert.equal(team.outcome("break-glass", "with-glass"), true, note);
  assert.equal(team.outcome("break-glass", "without-glass"), false, note);
  assert.ok(team.isLockedOut("with-glass"), note);
  assert.deepEqual(
    withGlass.apiCalls.map((c) => [c.path, c.ok]),
    [
      ["normal", false],
      ["break-glass", true],
    ],
    note,
  );
  assert.deepEqual(
    withoutGlass.apiCalls.map((c) => [c.path, c.ok]),
    [
      ["normal", false],
      ["break-glass", false],
    ],
    note,
  );
  const reasons = log
    .find({ kind: "action-finished", cluster: "without-glass", ok: false })
    .map((e) => e.detail);
  assert.match(reasons[0], /rollback: apiserver did not accept/, note);
  assert.match(reasons[1], /break-glass: cluster has no break-glass path/, note);
  // Alert fired at 0, notified at 60, response after 180 s, rollback timed out 60 s later.
  assert.equal(team.respondedAt, 240, note);
  assert.equal(withGlass.apiCalls[0].t, 240, note);
  assert.equal(withGlass.apiCalls[1].t, 300, note);
});

test("a rollback succeeds through the normal path once the cluster is no longer locked out", () => {
  const seed = 42;
  const { sim, log, handles, team } = setUp(
    seed,
    (sim) => [
      new FakeCluster(sim, "c", {
        signals: (t) => (t < 300 ? { readyzOk: false } : {}),
        lockedOut: (t) => t < 1000,
      }),
    ],
    {
      runbook: [
        step(
          "rollback",
          { kind: "api", action: "rollback", path: "normal" },
          {
            retry: {
              maxAttempts: 10,
              initialBackoffSeconds: 100,
              backoffFactor: 2,
              maxBackoffSeconds: 400,
              jitterFraction: 0,
            },
          },
        ),
      ],
    },
  );
  sim.run({ until: 5000 });
  const note = seedNote(seed, log.format());
  const calls = handles[0].apiCalls;
  assert.equal(team.outcome("rollback", "c"), true, note);
  assert.ok(
    calls.filter((c) => !c.ok).every((c) => c.t < 1000),
    note,
  );
  assert.ok(calls.at(-1)!.t >= 1000, note);
  assert.equal(log.find({ kind: "action-attempt", ok: false }).length, calls.length - 1, note);
});

test("the next runbook step waits for its dependency, start delay and preconditions", () => {
  const seed = 43;
  const workloadFailsAt = 2000;
  const { sim, log, handles, team } = setUp(
    seed,
    (sim) => [
      new FakeCluster(sim, "c", {
        signals: (t) => ({ readyzOk: false, workloadSuccessRate: t >= workloadFailsAt ? 0.5 : 1 }),
      }),
    ],
    {
      runbook: [
        step(
          "scale-apiservers",
          { kind: "scale-apiservers", replicas: 9 },
          { duration: fixedDelay(100) },
        ),
        step(
          "block",
          { kind: "block-admin-api", blocked: true },
          { startDelay: fixedDelay(120), duration: fixedDelay(30) },
        ),
        step(
          "scale-down",
          { kind: "scale-nodes", fractionOfBaseline: 0.25 },
          {
            after: { step: "block", phase: "started" },
            when: [{ kind: "alert-firing", alert: "WorkloadDown" }],
            waitForPreconditionsSeconds: 3600,
          },
        ),
        step(
          "never",
          { kind: "block-admin-api", blocked: false },
          {
            when: [{ kind: "step-failed", step: "block" }],
          },
        ),
      ],
      clusterNodes: { c: 1000 },
    },
    [
      DOWN,
      {
        name: "WorkloadDown",
        signal: "workloadSuccessRate",
        comparison: "<",
        threshold: 0.9,
        forSeconds: 0,
        scope: "per-cluster",
      },
    ],
  );
  sim.run({ until: 5000 });
  const note = seedNote(seed, log.format());
  const [c] = handles;
  const response = team.respondedAt;
  assert.equal(response, 240, note);
  assert.deepEqual(c.apiserverScales, [{ t: response + 100, replicas: 9 }], note);
  // "block" may start only after "scale-apiservers" finished, plus its start delay.
  const blockStarted = log.find({ kind: "step-queued" }).find((e) => e.detail.startsWith("block"))!;
  assert.equal(blockStarted.t, response + 100 + 120, note);
  assert.deepEqual(c.blocks, [{ t: response + 100 + 120 + 30, blocked: true }], note);
  // "scale-down" waits for the workload alert, re-checked every minute.
  assert.equal(c.nodeScales.length, 1, note);
  assert.ok(c.nodeScales[0].t >= workloadFailsAt, note);
  assert.ok(c.nodeScales[0].t < workloadFailsAt + 60 + 60, note);
  assert.equal(c.nodeScales[0].nodes, 250, note);
  // "never" is skipped: "block" did not fail.
  const skipped = log.find({ kind: "action-skipped" });
  assert.equal(skipped.length, 1, note);
  assert.match(skipped[0].detail, /never: precondition not met: block did not fail/, note);
  assert.equal(team.outcome("never", "c"), undefined, note);
});

test("the team works on at most `parallelism` clusters at once, largest first", () => {
  const seed = 44;
  const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const clusterNodes = Object.fromEntries(names.map((n, i) => [n, 100 * (i + 1)]));
  const { sim, log, handles, team } = setUp(
    seed,
    (sim) =>
      names.map((name) => new FakeCluster(sim, name, { signals: () => ({ readyzOk: false }) })),
    {
      parallelism: 3,
      clusterNodes,
      runbook: [
        step(
          "scale-up",
          { kind: "scale-apiservers", replicas: 6 },
          {
            duration: { medianSeconds: 100, sigma: 0.5 },
            order: "largest-first",
          },
        ),
      ],
    },
  );
  sim.run({ until: 10_000 });
  const note = seedNote(seed, log.format());
  assert.equal(team.peakParallelism, 3, note);
  const starts = log.find({ kind: "action-started" });
  const ends = log.find({ kind: "action-finished" });
  assert.equal(starts.length, 10, note);
  assert.equal(ends.length, 10, note);
  // Replaying the log: never more than three clusters in hand.
  const timeline = [
    ...starts.map((e) => ({ t: e.t, d: 1 })),
    ...ends.map((e) => ({ t: e.t, d: -1 })),
  ].sort((a, b) => a.t - b.t || a.d - b.d);
  let inHand = 0;
  for (const { d } of timeline) {
    inHand += d;
    assert.ok(inHand <= 3, note);
  }
  assert.deepEqual(
    starts.map((e) => e.cluster),
    [...names].reverse(),
    `largest first ${note}`,
  );
  for (const h of handles) assert.equal(h.apiserverScales.length, 1, note);
});

test("shifting traffic moves an affected cluster's share to the healthy ones", () => {
  const seed = 45;
  const sim = new Simulation(seed);
  const log = new OpsEventLog();
  const clusters = [
    new FakeCluster(sim, "sick", { signals: () => ({ readyzOk: false }) }),
    new FakeCluster(sim, "ok1"),
    new FakeCluster(sim, "ok2"),
  ];
  const alerts = new AlertEvaluator(sim, log, clusters, {
    rules: [DOWN],
    evaluationIntervalSeconds: 60,
    evaluationPhaseSeconds: 0,
    notificationDelaySeconds: 0,
  });
  const traffic = new GlobalTrafficManager(sim, log, {
    products: [{ name: "chat", demand: 90, shares: { sick: 1 / 3, ok1: 1 / 3, ok2: 1 / 3 } }],
    capacity: { sick: 60, ok1: 40, ok2: 60 },
  });
  const team = new OperatorTeam(
    { sim, log, clusters, alerts, traffic },
    {
      responseDelay: fixedDelay(0),
      parallelism: 1,
      clusterNodes: {},
      recheckSeconds: 60,
      runbook: [step("shift", { kind: "shift-traffic", fraction: 1 })],
    },
  );
  alerts.start();
  sim.run({ until: 600 });
  const note = seedNote(seed, log.format());
  assert.equal(team.outcome("shift", "sick"), true, note);
  assert.ok(Math.abs(traffic.load("sick")) < 1e-9, note);
  assert.ok(traffic.load("ok1") <= 40 + 1e-9, note);
  assert.ok(Math.abs(traffic.load("ok1") + traffic.load("ok2") - 90) < 1e-9, note);
});

test("a runbook must name its steps once and wait only on earlier ones", () => {
  const build = (runbook: RunbookStep[]) => () =>
    setUp(1, (sim) => [new FakeCluster(sim, "c")], { runbook });
  const scale = step("scale", { kind: "scale-apiservers", replicas: 6 });
  assert.throws(build([scale, scale]), /appears twice/);
  assert.throws(
    build([{ ...scale, after: { step: "later", phase: "started" } }, step("later", scale.action)]),
    /not an earlier step/,
  );
  assert.throws(
    build([{ ...scale, when: [{ kind: "step-failed", step: "missing" }] }]),
    /unknown step "missing"/,
  );
});
