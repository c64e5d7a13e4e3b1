import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { applyMitigations, loadScenarioFile } from "../../src/scenario/index.js";
import { runScenario, type RunResult } from "../../src/fleet/index.js";
import { timelineRows } from "../../src/report/index.js";
import { FIXTURES } from "../paths.js";

// The outcome tests hold on every seed; each failure names its seed.
const SEEDS = [3, 4, 5];
const scenario = () =>
  loadScenarioFile(join(FIXTURES, "scenarios", "data-plane", "mini-fleet.yaml"));
const runs = new Map<number, RunResult>();
const baselineOf = (seed: number): RunResult => {
  let result = runs.get(seed);
  if (result === undefined) {
    result = runScenario(scenario(), { seed, check: true });
    runs.set(seed, result);
  }
  return result;
};
const SEED = SEEDS[0];
const baseline = () => baselineOf(SEED);

for (const SEED of SEEDS) {
  test(`the change takes down the big clusters' control planes, and only theirs (seed ${SEED})`, () => {
    const result = baselineOf(SEED);
    const big = result.clusters.find((c) => c.className === "big")!;
    const small = result.clusters.find((c) => c.className === "small")!;
    assert.ok(big.oomKills > 0, `seed ${SEED}: the 3,000-node apiservers run out of memory`);
    assert.equal(small.oomKills, 0, `seed ${SEED}: 100-node clusters absorb the same agent`);
    assert.equal(result.outcomes.controlPlanesLost, 2, `seed ${SEED}`);
    assert.ok(
      big.rollout !== undefined && big.rollout.podsStarted > 0,
      `seed ${SEED}: the pipeline applied the DaemonSet`,
    );
    // The pipeline reached the big clusters at 14:20; they fall after that, never before.
    assert.ok(result.outcomes.firstControlPlaneDownSeconds! >= 20 * 60, `seed ${SEED}`);
  });
}

for (const SEED of SEEDS) {
  test(`users are hurt only in the clusters that lost their control plane, and detection precedes recovery (seed ${SEED})`, () => {
    const o = baselineOf(SEED).outcomes;
    assert.equal(o.clustersAffected, 2, `seed ${SEED}`);
    assert.ok(o.errorMinutes.chat > 1, `seed ${SEED}: ${o.errorMinutes.chat} error minutes`);
    assert.ok(o.detectedSeconds !== undefined && o.impactStartSeconds !== undefined);
    assert.ok(o.longestLockoutSeconds > 0, `seed ${SEED}: operators were locked out for a while`);
  });
}

for (const SEED of SEEDS) {
  test(`DNS in the fallen clusters degrades while the API is down; the small clusters' does not (seed ${SEED})`, () => {
    const result = baselineOf(SEED);
    const big = result.clusters.find((c) => c.className === "big")!;
    const small = result.clusters.find((c) => c.className === "small")!;
    assert.ok(
      Math.min(...big.minutes.map((s) => s.dnsSuccess)) < 0.99,
      `seed ${SEED}: CoreDNS pods restarted while the API was down lose cluster names`,
    );
    assert.ok(
      small.minutes.every((s) => s.dnsSuccess > 0.999),
      `seed ${SEED}`,
    );
  });
}

test("the same seed gives the same result, byte for byte", () => {
  assert.equal(
    JSON.stringify(runScenario(scenario(), { seed: SEED, check: true })),
    JSON.stringify(baseline()),
  );
});

for (const SEED of SEEDS) {
  test(`scoping the agent's LIST to its node keeps every control plane up (seed ${SEED})`, () => {
    const result = runScenario(applyMitigations(scenario(), ["node-scoped-cache"]), {
      seed: SEED,
      check: true,
    });
    assert.equal(result.outcomes.controlPlanesLost, 0, `seed ${SEED}`);
    assert.equal(result.outcomes.clustersAffected, 0, `seed ${SEED}`);
  });
}

test("published times are compared with the run, never fed into it", () => {
  const s = scenario();
  const rows = timelineRows(baseline(), s.calibration);
  assert.equal(rows[0].simulatedSeconds, 10 * 60, "the pipeline starts at its configured time");
  // Moving a published time changes only the verdict, not the run.
  const shifted = structuredClone(s);
  shifted.calibration[1].publishedSeconds += 3600;
  const again = runScenario(shifted, { seed: SEED, check: true });
  assert.equal(JSON.stringify(again.outcomes), JSON.stringify(baseline().outcomes));
  assert.equal(timelineRows(again, shifted.calibration)[1].withinTolerance, false);
});
