import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { planFleet, waveAssignment } from "../../src/fleet/fleet-plan.js";
import { FIXTURES } from "../paths.js";

const scenario = () =>
  loadScenarioFile(join(FIXTURES, "scenarios", "data-plane", "mini-fleet.yaml"));

test("a class is simulated once per wave it takes part in, weighted by its clusters there", () => {
  const s = scenario();
  assert.deepEqual(waveAssignment(s), [
    [3, 0],
    [0, 2],
  ]);
  const plan = planFleet(s, false);
  assert.deepEqual(
    plan.map((i) => [i.name, i.weight, i.wave]),
    [
      ["small", 3, 0],
      ["big", 2, 1],
    ],
  );
});

test("--full simulates every cluster, and weights always add up to the fleet", () => {
  const s = scenario();
  const full = planFleet(s, true);
  assert.equal(full.length, 5);
  assert.ok(full.every((i) => i.weight === 1));
  assert.equal(new Set(full.map((i) => i.name)).size, 5, "names are unique");
  // A class split over waves, part of it never reached by the pipeline.
  s.clusters[0].count = 10;
  s.pipeline!.waves[0].clusters = { small: 4 };
  s.pipeline!.waves[1].clusters = { small: 3, big: "all" };
  const plan = planFleet(s, false);
  assert.deepEqual(
    plan.map((i) => [i.name, i.weight, i.wave]),
    [
      ["small/w1", 4, 0],
      ["small/w2", 3, 1],
      ["small/none", 3, undefined],
      ["big", 2, 1],
    ],
  );
  assert.equal(planFleet(s, true).length, 12, "every cluster once under --full");
});
