import { test } from "node:test";
import assert from "node:assert/strict";
import { ZoneState } from "../../src/model/nodes/index.js";
import { firstInZone, harness } from "./harness.js";

const SEED = 7;
const STOP_AT = 100;
const LOST = 10;

for (const [version, grace] of [
  ["1.29", 40],
  ["1.34", 50],
] as const) {
  test(`nodes that stop renewing go NotReady after ${grace} s on ${version}, then are tainted and evicted at 0.1 node/s (seed ${SEED})`, () => {
    let lost = new Set<number>();
    const h = harness(
      SEED,
      { version, nodeCount: 300, zoneCount: 3, podsPerNode: 20 },
      (node, now) => now >= STOP_AT && lost.has(node),
    );
    lost = firstInZone(h.pool, 0, LOST);
    const period = h.config.nodeMonitorPeriodSeconds;
    assert.equal(h.controller.gracePeriodSeconds, grace);

    h.sim.run({ until: STOP_AT + grace + 3 * period });
    const notReady = h.log.readiness.filter((change) => !change.ready);
    assert.deepEqual(
      notReady.map((change) => change.node).sort((a, b) => a - b),
      [...lost].sort((a, b) => a - b),
      `only the nodes that stopped renewing go NotReady (seed ${SEED})`,
    );
    for (const change of notReady) {
      // The controller notices a renewal at its next pass and judges on its own clock.
      const silence = change.at - h.kubelets.lastRenewal[change.node]!;
      assert.ok(
        silence > grace && silence <= grace + 2 * period,
        `node ${change.node}: NotReady ${silence} s after its last renewal, grace ${grace} (seed ${SEED})`,
      );
    }
    assert.equal(h.controller.unknownCount, LOST);
    assert.equal(h.controller.zoneState(0), ZoneState.Normal, "10% unhealthy is not a disruption");

    h.sim.run({ until: STOP_AT + grace + 20 + LOST * 10 + 300 + 20 });
    const taints = h.log.taints.filter((t) => t.tainted);
    assert.equal(taints.length, LOST, `every lost node is tainted (seed ${SEED})`);
    const rate = h.config.nodeEvictionRate;
    for (let i = 1; i < taints.length; i++) {
      const gap = taints[i]!.at - taints[i - 1]!.at;
      // One token per 1/rate seconds, taken by the next 100 ms tainting pass.
      assert.ok(
        gap >= 1 / rate - 1e-6 && gap <= 1 / rate + h.config.taintingPassPeriodSeconds + 1e-6,
        `taint ${i} came ${gap} s after the previous one (seed ${SEED})`,
      );
    }
    assert.equal(h.log.evictions.length, LOST);
    for (const eviction of h.log.evictions) {
      const taint = taints.find((t) => t.node === eviction.node);
      assert.ok(taint, `evicted node ${eviction.node} was tainted`);
      assert.ok(
        Math.abs(eviction.at - taint.at - h.config.tolerationSeconds) < 1e-6,
        `node ${eviction.node} evicted ${eviction.at - taint.at} s after its taint (seed ${SEED})`,
      );
      assert.equal(eviction.pods, 20);
    }
    assert.equal(h.controller.podsEvicted, LOST * 20);
    assert.equal(h.pool.podCount, (300 - LOST) * 20);
    assert.equal(h.controller.readyCount, 300 - LOST);
  });
}

test(`a node that renews again before its toleration runs out is untainted and keeps its pods (seed ${SEED})`, () => {
  let lost = new Set<number>();
  const h = harness(
    SEED,
    { version: "1.31", nodeCount: 300, zoneCount: 3 },
    (node, now) => now >= STOP_AT && now < STOP_AT + 120 && lost.has(node),
  );
  lost = firstInZone(h.pool, 1, 1);
  const [node] = [...lost];
  h.sim.run({ until: STOP_AT + 600 });
  assert.ok(
    h.log.taints.some((t) => t.node === node && t.tainted),
    `the node was tainted while silent (seed ${SEED})`,
  );
  assert.ok(
    h.log.taints.some((t) => t.node === node && !t.tainted),
    "and untainted when back",
  );
  assert.equal(h.log.evictions.length, 0, `no eviction (seed ${SEED})`);
  assert.equal(h.controller.readyCount, 300);
  assert.equal(h.controller.taintedCount, 0);
});

test(`the controller changes nothing while it cannot reach the API (seed ${SEED})`, () => {
  let lost = new Set<number>();
  const h = harness(
    SEED,
    { nodeCount: 90, zoneCount: 3 },
    (node, now) => now >= STOP_AT && lost.has(node),
    (now) => now < STOP_AT,
  );
  lost = firstInZone(h.pool, 0, 5);
  h.sim.run({ until: STOP_AT + 1000 });
  assert.equal(h.log.readiness.length, 0, `no condition written (seed ${SEED})`);
  assert.equal(h.log.taints.length, 0);
  assert.ok(h.controller.stats.skippedPasses >= 190, `${h.controller.stats.skippedPasses}`);
});
