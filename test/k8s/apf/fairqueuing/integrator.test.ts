import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Integrator, type IntegratorResults } from "../../../../src/k8s/apf/index.js";

function assertResults(actual: IntegratorResults, expected: IntegratorResults): void {
  for (const key of ["duration", "average", "deviation", "min", "max"] as const) {
    const a = actual[key];
    const e = expected[key];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${key} should be NaN, got ${a}`);
    else assert.ok(Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `${key}: ${a} vs ${e}`);
  }
}

describe("Integrator (upstream TestIntegrator)", () => {
  it("integrates average, deviation, min and max, and resets to the current value", () => {
    const igr = new Integrator(0);
    igr.add(0, 3);
    const results = igr.getResults(1);
    const again = igr.reset(1);
    assertResults(results, { duration: 1, average: 3, deviation: 0, min: 0, max: 3 });
    assertResults(again, results);
    igr.set(1, 2);
    assertResults(igr.getResults(1), {
      duration: 0,
      average: Number.NaN,
      deviation: Number.NaN,
      min: 2,
      max: 3,
    });
    igr.add(1.001, -1);
    assertResults(igr.getResults(1.002), {
      duration: 0.002,
      average: 1.5,
      deviation: 0.5,
      min: 1,
      max: 3,
    });
  });

  it("refuses time going backwards", () => {
    const igr = new Integrator(5);
    assert.throws(() => igr.set(4, 1), /time went backwards/);
  });
});
