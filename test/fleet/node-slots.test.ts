/**
 * Nodes added beyond a cluster's starting size get slots of their own: each runs its DaemonSet
 * pod and renews its lease, and removing nodes later never takes a live node's pod.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { runScenario } from "../../src/fleet/index.js";
import { FLEET } from "../../src/fleet/fleet-components.js";
import type { Component } from "../../src/world/index.js";
import { FIXTURES } from "../paths.js";

/** Scales every cluster to each target node count at its time (s). */
function scaler(steps: [number, number][]): Component {
  return {
    name: "scaler",
    needs: [FLEET],
    attach: (context) => {
      const { clusters } = context.get(FLEET);
      for (const [at, nodes] of steps) {
        context.sim.scheduleAt(at, () => clusters.forEach((cluster) => cluster.scaleNodes(nodes)));
      }
    },
  };
}

for (const seed of [1, 2, 3]) {
  test(`nodes beyond the starting size run their own DaemonSet pods (seed ${seed})`, () => {
    const scenario = loadScenarioFile(
      join(FIXTURES, "scenarios", "data-plane", "scale-beyond.yaml"),
    );
    // 20 nodes; 30 at 10 min (10 beyond the start); 25 at 20 min; 12 at 30 min.
    const result = runScenario(scenario, {
      seed,
      check: true,
      fleetComponents: [
        scaler([
          [600, 30],
          [1200, 25],
          [1800, 12],
        ]),
      ],
    });
    const [cluster] = result.clusters;
    const at = (seconds: number) => cluster.minutes.find((m) => m.t === seconds);
    const checks: [number, number][] = [
      [540, 20],
      [1140, 30],
      [1740, 25],
      [2400, 12],
    ];
    for (const [t, nodes] of checks) {
      const sample = at(t);
      assert.ok(sample !== undefined, `seed ${seed}: a sample at ${t} s`);
      assert.equal(sample.nodes, nodes, `seed ${seed}: nodes at ${t} s`);
      assert.equal(sample.agentPods, nodes, `seed ${seed}: one agent pod per node at ${t} s`);
      assert.equal(sample.nodesReady, nodes, `seed ${seed}: every node renews its lease at ${t} s`);
    }
  });
}
