import { test } from "node:test";
import assert from "node:assert/strict";
import { ZoneState } from "../../src/model/nodes/index.js";
import { harness } from "./harness.js";

const SEED = 11;
const DOWN_AT = 100;
const UP_AT = 400;
const down = (now: number): boolean => now >= DOWN_AT && now < UP_AT;

test(`control plane down then back: every lease looks stale at once, full disruption stops evictions, nodes recover (seed ${SEED})`, () => {
  const h = harness(
    SEED,
    { nodeCount: 600, zoneCount: 3, podsPerNode: 30 },
    (_node, now) => down(now),
    (now) => !down(now),
  );
  h.sim.run({ until: UP_AT - 1 });
  assert.equal(h.controller.readyCount, 600, `nothing changes while unreachable (seed ${SEED})`);

  // The first pass after the outage finds every lease older than the grace period.
  h.sim.run({ until: UP_AT + 0.5 });
  assert.equal(h.controller.readyCount + h.controller.unknownCount, 600);
  const wentDown = h.log.readiness.filter((change) => !change.ready);
  assert.ok(
    wentDown.length > 500,
    `${wentDown.length} nodes judged NotReady at once (seed ${SEED})`,
  );
  assert.ok(h.controller.inFullDisruptionMode, `full-disruption mode (seed ${SEED})`);
  for (let zone = 0; zone < 3; zone++) {
    assert.equal(h.controller.zoneState(zone), ZoneState.FullDisruption);
    assert.equal(h.controller.zoneEvictionRate(zone), 0);
  }

  h.sim.run({ until: UP_AT + 3 * 10 });
  assert.equal(
    h.controller.readyCount,
    600,
    `kubelets renew, nodes are Ready again (seed ${SEED})`,
  );
  assert.equal(h.controller.inFullDisruptionMode, false);

  h.sim.run({ until: UP_AT + 1000 });
  assert.equal(h.controller.stats.taintsApplied, 0, `no taint (seed ${SEED})`);
  assert.equal(h.controller.podsEvicted, 0, `no eviction (seed ${SEED})`);
  for (let zone = 0; zone < 3; zone++) {
    assert.equal(h.controller.zoneState(zone), ZoneState.Normal);
    assert.equal(h.controller.zoneEvictionRate(zone), h.config.nodeEvictionRate);
  }
});

test(`all renewals fail while the controller reaches the API: NotReady after the grace period, taints lifted, nobody evicted (seed ${SEED})`, () => {
  const h = harness(SEED, { nodeCount: 600, zoneCount: 3 }, (_node, now) => down(now));
  h.sim.run({ until: DOWN_AT + 80 });
  assert.equal(h.controller.unknownCount, 600, `every node Unknown (seed ${SEED})`);
  assert.ok(h.controller.inFullDisruptionMode);
  assert.equal(h.controller.stats.fullDisruptionEntries, 1);
  h.sim.run({ until: UP_AT - 1 });
  assert.equal(h.controller.taintedCount, 0, `taints removed in full disruption (seed ${SEED})`);
  h.sim.run({ until: UP_AT + 1000 });
  assert.equal(h.controller.podsEvicted, 0, `no mass eviction (seed ${SEED})`);
  assert.equal(h.controller.readyCount, 600);
  assert.equal(h.controller.inFullDisruptionMode, false);
});

test(`one zone fully down while the others are healthy is not a control-plane problem: it evicts at the normal rate (seed ${SEED})`, () => {
  const h = harness(
    SEED,
    { nodeCount: 300, zoneCount: 3, podsPerNode: 10 },
    (node, now) => now >= DOWN_AT && node % 3 === 0,
  );
  h.sim.run({ until: DOWN_AT + 100 });
  assert.equal(h.controller.zoneState(0), ZoneState.FullDisruption);
  assert.equal(h.controller.inFullDisruptionMode, false);
  assert.equal(h.controller.zoneEvictionRate(0), h.config.nodeEvictionRate);
  h.sim.run({ until: DOWN_AT + 100 + 300 + 200 });
  const evicted = h.log.evictions.length;
  const firstTaint = h.log.taints[0]!.at;
  // One taint per 10 s from the first one, each evicted 300 s later.
  const expected = Math.floor((h.sim.now - firstTaint - 300) * h.config.nodeEvictionRate) + 1;
  assert.ok(
    Math.abs(evicted - expected) <= 1,
    `${evicted} nodes evicted, ~${expected} expected (seed ${SEED})`,
  );
  assert.ok(h.log.evictions.every((e) => e.node % 3 === 0));
});
