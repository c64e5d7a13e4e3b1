import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import {
  NodeCondition,
  NodeLifecycleController,
  NodePool,
  nodesConfig,
  spreadPods,
  ZoneState,
} from "../../src/model/nodes/index.js";
import { firstInZone, harness, TestApi, TestKubelets } from "./harness.js";

const SEED = 31;

test(`removeNodes takes nodes and their pods away through the cloud, with the API down (seed ${SEED})`, () => {
  const sim = new Simulation(SEED);
  const pool = new NodePool({ nodeCount: 90, zoneCount: 3, podsPerNode: 10 });
  const api = new TestApi(sim, () => false);
  const removedEvents: number[] = [];
  pool.subscribe({ onNodeRemoved: (_node, pods) => removedEvents.push(pods) });
  pool.removeNodes(5, 0, 2);
  const removed = pool.removeNodes(7, 0);
  assert.equal(api.calls, 0, "no API request");
  assert.equal(pool.liveCount, 78);
  assert.equal(pool.podCount, 780);
  assert.deepEqual(removedEvents, new Array(12).fill(10));
  // A balanced group scales in from the largest zone (the first on ties): 30/30/25, then seven
  // more alternate between zones 0 and 1 and never touch zone 2.
  assert.deepEqual(
    [0, 1, 2].map((zone) => pool.liveInZone(zone)),
    [26, 27, 25],
  );
  for (const node of removed) {
    assert.ok(pool.isRemoved(node));
    assert.equal(pool.podsOn(node), 0);
  }
  assert.equal(pool.readyCount, 78);
  const added = pool.addNodes(4, 10);
  assert.equal(pool.liveCount, 82);
  assert.deepEqual(added, [90, 91, 92, 93]);
  assert.ok(added.every((node) => pool.isReady(node) && pool.podsOn(node) === 0));
});

test(`removed nodes leave the zone tallies instead of going NotReady (seed ${SEED})`, () => {
  const h = harness(SEED, { nodeCount: 120, zoneCount: 3 }, () => false);
  h.sim.run({ until: 30 });
  h.pool.removeNodes(40, h.sim.now, 0);
  h.sim.run({ until: 300 });
  assert.equal(h.controller.zoneState(0), undefined, `an empty zone has no state (seed ${SEED})`);
  assert.equal(h.controller.zoneState(1), ZoneState.Normal);
  assert.equal(h.log.readiness.length, 0);
  assert.equal(h.controller.readyCount, 80);
  // Nodes added later are watched like the others.
  const [late] = h.pool.addNodes(1, h.sim.now, { zone: 1 });
  h.sim.run({ until: 400 });
  assert.equal(h.pool.conditionOf(late!), NodeCondition.Unknown, "its kubelet never renews");
});

test(`endpoints follow node readiness only while the endpoint controllers reach the API (seed ${SEED})`, () => {
  const sim = new Simulation(SEED);
  const config = nodesConfig({ nodeCount: 60, zoneCount: 3, podsPerNode: 10 });
  const pool = new NodePool(config);
  let apiUp = true;
  const api = new TestApi(sim, () => apiUp);
  const lost = firstInZone(pool, 0, 6);
  new TestKubelets(sim, pool, (node, now) => now >= 100 && lost.has(node));
  const controller = new NodeLifecycleController(sim, pool, api, config);
  const endpoints = controller.endpoints;
  const placement = spreadPods(pool, 120, sim.random("test-placement"));
  const web = endpoints.addService({ name: "web", podNodes: placement });
  const podsOn = (nodes: Iterable<number>): number => {
    const set = new Set(nodes);
    return placement.filter((node) => set.has(node)).length;
  };
  controller.start();
  sim.run({ until: 99 });
  assert.equal(endpoints.readyFraction(web), 1);
  assert.equal(endpoints.unchangedSinceOf(web), 0);

  sim.run({ until: 100 + 40 + 15 });
  const onLost = podsOn(lost);
  assert.ok(onLost > 0, `the seeded placement puts some pods on the lost nodes (seed ${SEED})`);
  assert.equal(endpoints.readyEndpoints(web), 120 - onLost, `(seed ${SEED})`);
  const changedAt = endpoints.unchangedSinceOf(web);
  assert.ok(changedAt > 140 && changedAt <= 155, `endpoint set changed at ${changedAt}`);
  assert.equal(controller.readyEndpointNodeFraction(), 54 / 60);

  // With the API down the cloud removes a node: its pods stay listed, serving nothing.
  apiUp = false;
  const gone = placement.find((node) => !lost.has(node))!;
  pool.removeNode(gone, sim.now);
  sim.run({ until: 200 });
  assert.equal(endpoints.listedGoneEndpoints(web), podsOn([gone]), "black holes while unreachable");
  assert.equal(endpoints.unchangedSinceOf(web), changedAt, "nothing written while unreachable");
  assert.equal(endpoints.pendingCount, 1);

  apiUp = true;
  sim.run({ until: 202 });
  assert.equal(endpoints.listedGoneEndpoints(web), 0, `written on the retry (seed ${SEED})`);
  assert.equal(endpoints.readyEndpoints(web), 120 - onLost - podsOn([gone]));
  assert.ok(endpoints.unchangedSinceOf(web) > 200 && endpoints.unchangedSinceOf(web) <= 202);
  assert.equal(endpoints.pendingCount, 0);

  // Renewals never resume for the lost nodes: tainted, then evicted; their pods stay unlisted.
  sim.run({ until: 100 + 40 + 15 + 60 + 300 + 20 });
  assert.equal(controller.podsEvicted, 60, `all six lost nodes evicted (seed ${SEED})`);
  for (const node of lost) assert.equal(pool.endpointsListed(node), false);
});
