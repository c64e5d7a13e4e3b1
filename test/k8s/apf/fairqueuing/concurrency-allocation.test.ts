import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  computeConcurrencyAllocation,
  MIN_ALLOCATION_TARGET,
  type AllocationItem,
} from "../../../../src/k8s/apf/index.js";

const FP_SLACK = 1e-10;

function relativeDifference(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

describe("computeConcurrencyAllocation (conc_alloc.go)", () => {
  it("shares in proportion to targets when no bound matters", () => {
    const result = computeConcurrencyAllocation(30, [
      { target: 10, lowerBound: 0, upperBound: 100 },
      { target: 20, lowerBound: 0, upperBound: 100 },
    ]);
    assert.deepEqual(result, { ok: true, allocations: [10, 20], fairProportion: 1 });
  });

  it("clamps to bounds and gives the rest to the classes in between", () => {
    const result = computeConcurrencyAllocation(100, [
      { target: 50, lowerBound: 40, upperBound: 45 },
      { target: 5, lowerBound: 5, upperBound: 100 },
      { target: 50, lowerBound: 0, upperBound: 100 },
    ]);
    assert.ok(result.ok);
    assert.deepEqual(
      result.allocations.map((x) => Math.round(x * 1e9) / 1e9),
      [45, 5, 50],
    );
  });

  it("refuses bounds that cannot meet the sum, as upstream", () => {
    const item = (lowerBound: number, upperBound: number): AllocationItem => ({
      target: lowerBound,
      lowerBound,
      upperBound,
    });
    assert.equal(computeConcurrencyAllocation(10, [item(6, 8), item(6, 8)]).ok, false);
    assert.equal(computeConcurrencyAllocation(20, [item(1, 8), item(1, 8)]).ok, false);
    assert.equal(computeConcurrencyAllocation(-1, []).ok, false);
    assert.deepEqual(computeConcurrencyAllocation(0, []), {
      ok: true,
      allocations: [],
      fairProportion: 0,
    });
  });

  it("meets the properties upstream's TestConcAlloc checks, for random problems", () => {
    // Thousandths keep the problems away from the solver's 1e-7 tolerance, as upstream's do.
    const amount = (max: number) => fc.integer({ min: 0, max: max * 1000 }).map((n) => n / 1000);
    const item = fc
      .tuple(amount(5), amount(2), amount(3))
      .map(([lowerBound, extraTarget, extraUpper]) => ({
        lowerBound,
        target: lowerBound + extraTarget,
        upperBound: lowerBound + extraUpper,
      }));
    const zeroTarget = fc
      .integer({ min: 1, max: 1000 })
      .map((n) => ({ target: 0, lowerBound: 0, upperBound: n / 1000 }));
    const problem = fc
      .tuple(
        fc.array(fc.oneof(item, zeroTarget), { maxLength: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([classes, position]) => {
        const lowSum = classes.reduce((sum, c) => sum + c.lowerBound, 0);
        const highSum = classes.reduce((sum, c) => sum + c.upperBound, 0);
        // Mostly feasible sums, and now and then one just outside the bounds.
        const requiredSum = Math.round(lowSum - 1 + (highSum - lowSum + 2) * position);
        return { classes, requiredSum: Math.max(0, requiredSum), lowSum, highSum };
      });

    fc.assert(
      fc.property(problem, ({ classes, requiredSum, lowSum, highSum }) => {
        const result = computeConcurrencyAllocation(requiredSum, classes);
        const expectError = lowSum - requiredSum > FP_SLACK || requiredSum - highSum > FP_SLACK;
        if (!result.ok) {
          assert.ok(expectError, `unexpected error: ${result.reason}`);
          return;
        }
        assert.ok(!expectError, "expected an error");
        if (requiredSum === 0) {
          // Upstream returns zeros outright, even for lower bounds within its epsilon of 0.
          assert.ok(result.allocations.every((x) => x === 0));
          return;
        }
        const sum = result.allocations.reduce((total, x) => total + x, 0);
        assert.ok(relativeDifference(sum, requiredSum) <= FP_SLACK, `sum ${sum} ≠ ${requiredSum}`);
        classes.forEach((c, index) => {
          const fair = result.fairProportion * Math.max(c.target, MIN_ALLOCATION_TARGET);
          const got = result.allocations[index];
          if (fair <= c.lowerBound) assert.equal(got, c.lowerBound);
          else if (fair >= c.upperBound) assert.equal(got, c.upperBound);
          else assert.ok(relativeDifference(fair, got) <= FP_SLACK, `${got} vs fair ${fair}`);
        });
      }),
      { numRuns: 2000, seed: 1234567890 },
    );
  });
});
