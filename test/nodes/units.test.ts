import { test } from "node:test";
import assert from "node:assert/strict";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../src/k8s/index.js";
import {
  defaultNodeMonitorGracePeriod,
  EvictionRateLimiter,
  NodeCondition,
  nodeMonitorGracePeriod,
  NodePool,
  nodesConfig,
  ZoneTaintQueues,
} from "../../src/model/nodes/index.js";

test("the grace period is 40 s up to 1.31 and 50 s from 1.32, unless set", () => {
  for (const version of SUPPORTED_KUBERNETES_VERSIONS) {
    const minor = Number(version.split(".")[1]);
    assert.equal(defaultNodeMonitorGracePeriod(version), minor >= 32 ? 50 : 40, version);
  }
  assert.equal(
    nodeMonitorGracePeriod(nodesConfig({ version: "1.34", nodeMonitorGracePeriodSeconds: 20 })),
    20,
  );
  assert.equal(nodeMonitorGracePeriod(nodesConfig({ version: "1.34" })), 50);
  assert.throws(() => nodesConfig({ unhealthyZoneThreshold: 0 }), RangeError);
  assert.throws(() => nodesConfig({ nodeMonitorPeriodSeconds: 0 }), RangeError);
  assert.throws(() => nodesConfig({ nodeEvictionRate: -1 }), RangeError);
});

test("the zone limiter: burst 1, one token per 1/rate, rate 0 never accepts", () => {
  const limiter = new EvictionRateLimiter(0.1, 0);
  assert.ok(limiter.tryAccept(0), "a new bucket is full");
  assert.equal(limiter.tryAccept(5), false);
  assert.equal(limiter.nextTokenAt(5), 10);
  assert.ok(limiter.tryAccept(10));
  // Tokens do not pile up beyond the burst of one.
  assert.ok(limiter.tryAccept(100));
  assert.equal(limiter.tryAccept(100), false);

  limiter.swap(0, 100);
  assert.equal(limiter.tryAccept(1000), false);
  assert.equal(limiter.nextTokenAt(1000), Number.POSITIVE_INFINITY);
  // Leaving a rate of 0 (never a token) drains the new bucket.
  limiter.swap(0.01, 1000);
  assert.equal(limiter.tryAccept(1000), false);
  assert.ok(Math.abs(limiter.nextTokenAt(1000) - 1100) < 1e-9);
  // Swapping while a token is available starts a full bucket.
  const fresh = new EvictionRateLimiter(0.1, 0);
  fresh.swap(0.01, 0);
  assert.ok(fresh.tryAccept(0));
});

test("taint queues are first-in first-out, per zone, each node at most once", () => {
  const queues = new ZoneTaintQueues(2);
  assert.ok(queues.add(0, 5));
  assert.equal(queues.add(0, 5), false);
  queues.add(0, 3);
  queues.add(1, 40);
  assert.equal(queues.head(0), 5);
  queues.remove(0, 5);
  assert.equal(queues.head(0), 3);
  queues.add(0, 5);
  queues.pop(0);
  assert.equal(queues.head(0), 5, "a re-added node goes to the back");
  assert.equal(queues.length(0), 1);
  assert.equal(queues.head(1), 40);
  for (let node = 100; node < 400; node++) queues.add(1, node);
  for (let i = 0; i < 250; i++) queues.pop(1);
  assert.equal(queues.head(1), 349);
  assert.equal(queues.length(1), 51);
});

test("the pool keeps its counts and announces changes", () => {
  const pool = new NodePool({ nodeCount: 10, zoneCount: 2, podsPerNode: 3 });
  const seen: string[] = [];
  pool.subscribe({
    onNodeReadinessChanged: (node, ready) => seen.push(`${node}:${ready}`),
    onPodsEvicted: (node, pods) => seen.push(`${node}:evicted ${pods}`),
  });
  pool.setCondition(4, NodeCondition.Unknown, 1);
  pool.setCondition(4, NodeCondition.NotReady, 2); // not a readiness change
  pool.taint(4, 2);
  assert.equal(pool.evictPods(4, 3), 3);
  assert.equal(pool.evictPods(4, 4), 0, "nothing left to evict");
  pool.setCondition(4, NodeCondition.Ready, 5);
  assert.deepEqual(seen, ["4:false", "4:evicted 3", "4:true"]);
  assert.equal(pool.readyCount, 10);
  assert.equal(pool.taintedCount, 1);
  assert.equal(pool.podCount, 27);
  pool.removeNode(4, 6);
  assert.equal(pool.taintedCount, 0);
  assert.equal(pool.readyCount, 9);
  assert.deepEqual(pool.nodesInZone(0), [0, 2, 6, 8]);
  assert.throws(() => pool.recordLeaseRenewal(10, 1), RangeError);
  const added = pool.addNodes(20, 7);
  assert.equal(pool.size, 30);
  assert.equal(pool.leaseRenewedAt(added[19]!), 7);
  assert.equal(pool.liveInZone(0) + pool.liveInZone(1), 29);
});
