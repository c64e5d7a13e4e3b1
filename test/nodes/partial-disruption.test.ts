import { test } from "node:test";
import assert from "node:assert/strict";
import { ZoneState } from "../../src/model/nodes/index.js";
import { firstInZone, harness } from "./harness.js";

const SEED = 23;
const STOP_AT = 50;

function zoneLosing(seed: number, nodesPerZone: number, lostInZone0: number) {
  let lost = new Set<number>();
  const h = harness(
    seed,
    { nodeCount: 3 * nodesPerZone, zoneCount: 3, podsPerNode: 5 },
    (node, now) => now >= STOP_AT && lost.has(node),
  );
  lost = firstInZone(h.pool, 0, lostInZone0);
  return h;
}

test(`a zone with at least 55% of its nodes unhealthy taints at the secondary rate 0.01 node/s (seed ${SEED})`, () => {
  const h = zoneLosing(SEED, 100, 60);
  h.sim.run({ until: STOP_AT + 100 });
  assert.equal(h.controller.zoneState(0), ZoneState.PartialDisruption, `(seed ${SEED})`);
  assert.equal(h.controller.zoneEvictionRate(0), h.config.secondaryNodeEvictionRate);
  assert.equal(h.controller.zoneState(1), ZoneState.Normal);
  assert.equal(h.controller.zoneEvictionRate(1), h.config.nodeEvictionRate);

  h.sim.run({ until: STOP_AT + 100 + 1000 });
  const taints = h.log.taints.filter((t) => t.tainted);
  assert.ok(taints.length >= 2, `${taints.length} taints (seed ${SEED})`);
  const interval = 1 / h.config.secondaryNodeEvictionRate;
  for (let i = 1; i < taints.length; i++) {
    const gap = taints[i]!.at - taints[i - 1]!.at;
    assert.ok(
      gap >= interval - 1e-6 && gap <= interval + h.config.taintingPassPeriodSeconds + 1e-6,
      `taint ${i} came ${gap} s after the previous one (seed ${SEED})`,
    );
  }
  // At the normal rate the same 1,000 s would have tainted all 60 nodes.
  assert.ok(taints.length <= 12, `${taints.length} taints in 1,000 s`);
});

test(`just under the threshold the zone stays Normal and taints at 0.1 node/s (seed ${SEED})`, () => {
  const h = zoneLosing(SEED, 100, 54);
  h.sim.run({ until: STOP_AT + 100 });
  assert.equal(h.controller.zoneState(0), ZoneState.Normal, `(seed ${SEED})`);
  assert.equal(h.controller.zoneEvictionRate(0), h.config.nodeEvictionRate);
});

for (const [zoneSize, expectedRate] of [
  [50, 0],
  [51, 0.01],
] as const) {
  test(`a partially disrupted zone of ${zoneSize} nodes (large-cluster threshold 50) taints at ${expectedRate} node/s (seed ${SEED})`, () => {
    const h = zoneLosing(SEED, zoneSize, 40);
    h.sim.run({ until: STOP_AT + 2000 });
    assert.equal(h.controller.zoneState(0), ZoneState.PartialDisruption, `(seed ${SEED})`);
    assert.equal(h.controller.zoneEvictionRate(0), expectedRate);
    const tainted = h.log.taints.filter((t) => t.tainted).length;
    if (expectedRate === 0) {
      assert.equal(tainted, 0, `a small zone evicts nothing (seed ${SEED})`);
      assert.equal(h.controller.podsEvicted, 0);
    } else {
      assert.ok(
        tainted > 0 && tainted <= 2000 * expectedRate + 2,
        `${tainted} taints (seed ${SEED})`,
      );
      assert.ok(h.controller.podsEvicted > 0);
    }
  });
}
