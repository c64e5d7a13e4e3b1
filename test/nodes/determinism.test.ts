import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { harness, type Harness } from "./harness.js";

/** A run with seeded kubelet phases and an outage of a random subset of nodes. */
function outage(seed: number, lostFraction: number, apiDownFor: number): Harness {
  const lost = (node: number): boolean => ((node * 2654435761) % 1000) / 1000 < lostFraction;
  return harness(
    seed,
    { nodeCount: 150, zoneCount: 3, podsPerNode: 4 },
    (node, now) => now >= 60 && lost(node),
    (now) => !(now >= 200 && now < 200 + apiDownFor),
  );
}

function trace(h: Harness): string {
  return JSON.stringify([h.log, h.controller.stats]);
}

test("the same seed gives the same run, event for event", () => {
  for (const seed of [1, 2, 3]) {
    const first = outage(seed, 0.3, 120);
    first.sim.run({ until: 1200 });
    const second = outage(seed, 0.3, 120);
    second.sim.run({ until: 1200 });
    assert.equal(trace(first), trace(second), `runs with seed ${seed} differ`);
    assert.ok(first.log.taints.length > 0, `the scenario taints something (seed ${seed})`);
  }
});

test("kubelet phases come from the seed", () => {
  const one = outage(1, 0.3, 0);
  const two = outage(2, 0.3, 0);
  assert.notDeepEqual([...one.kubelets.phase], [...two.kubelets.phase]);
});

test("invariants hold for any seed, outage size and API downtime", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: 400 }),
      (seed, lostFraction, apiDownFor) => {
        const h = outage(seed, lostFraction, apiDownFor);
        const grace = h.controller.gracePeriodSeconds;
        const toleration = h.config.tolerationSeconds;
        const checkCounts = (): void => {
          const { readyCount, notReadyCount, unknownCount } = h.controller;
          assert.equal(
            readyCount + notReadyCount + unknownCount,
            h.pool.liveCount,
            `condition counts add up (seed ${seed})`,
          );
        };
        h.controller.subscribe({
          onPodsEvicted: (node, _pods, at) => {
            // Nobody is evicted sooner than grace period + toleration after its last renewal.
            const silence = at - h.kubelets.lastRenewal[node]!;
            assert.ok(
              silence > grace + toleration,
              `node ${node} evicted ${silence} s after its last renewal (seed ${seed})`,
            );
            assert.ok(
              !h.controller.inFullDisruptionMode,
              `eviction in full disruption (seed ${seed})`,
            );
          },
          onNodeReadinessChanged: checkCounts,
        });
        h.sim.run({ until: 1500 });
        checkCounts();
        // Nodes that never stopped renewing are Ready at the end.
        for (let node = 0; node < h.pool.size; node++) {
          if (1500 - h.kubelets.lastRenewal[node]! < 10) {
            assert.ok(h.pool.isReady(node), `renewing node ${node} Ready (seed ${seed})`);
          }
        }
      },
    ),
    { numRuns: 25, seed: 4242 },
  );
});
