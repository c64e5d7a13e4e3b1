import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bootstrapConfiguration,
  computeConcurrencyLimits,
  maxSeatsForLevel,
  percentOfLimit,
  serverConcurrencyLimit,
  suggestedPriorityLevelConfigurations,
  type PriorityLevelConfiguration,
} from "../../../src/k8s/apf/index.js";

describe("server concurrency limit", () => {
  it("is 400 + 200 = 600 by default", () => {
    assert.equal(serverConcurrencyLimit(), 600);
    assert.equal(serverConcurrencyLimit(3000, 1000), 4000);
    assert.equal(serverConcurrencyLimit(0, 1), 1);
  });

  it("refuses negative flags and a zero sum", () => {
    assert.throws(() => serverConcurrencyLimit(-400, 200), RangeError);
    assert.throws(() => serverConcurrencyLimit(0, 0), /add up to a positive integer/);
  });
});

describe("priority level limits at 600 seats (bootstrap levels)", () => {
  const limits = computeConcurrencyLimits(
    bootstrapConfiguration("1.34").priorityLevelConfigurations,
    600,
  );

  // name: [nominalCL, lendableCL, maxSeats]; kubernetes-facts.md §1 and the formulas upstream.
  const expected: Record<string, [number, number, number]> = {
    exempt: [0, 0, 0],
    "catch-all": [13, 0, 0],
    system: [74, 24, 12],
    "node-high": [98, 25, 15],
    "leader-election": [25, 0, 4],
    "workload-high": [98, 49, 15],
    "workload-low": [245, 221, 37],
    "global-default": [49, 25, 8],
  };

  for (const [name, [nominalCL, lendableCL, maxSeats]] of Object.entries(expected)) {
    it(`${name}: NominalCL ${nominalCL}, LendableCL ${lendableCL}, max seats ${maxSeats}`, () => {
      const level = limits.get(name);
      assert.ok(level);
      assert.equal(level.nominalCL, nominalCL);
      assert.equal(level.lendableCL, lendableCL);
      assert.equal(level.minCL, nominalCL - lendableCL);
      // borrowingLimitPercent is unset: a level may borrow up to the whole server.
      assert.equal(level.borrowingCL, 600);
      assert.equal(level.maxCL, nominalCL + 600);
      assert.equal(level.initialCL, nominalCL - Math.trunc(lendableCL / 2));
      assert.equal(level.maxSeats, maxSeats);
    });
  }

  it("covers exactly the eight levels; ceilings make them add up to 602", () => {
    assert.deepEqual([...limits.keys()].sort(), Object.keys(expected).sort());
    const total = [...limits.values()].reduce((sum, level) => sum + level.nominalCL, 0);
    assert.equal(total, 602);
  });
});

describe("priority level limits at other sizes", () => {
  it("scales with the server limit (2000 + 1000 inflight)", () => {
    const limits = computeConcurrencyLimits(
      bootstrapConfiguration("1.29").priorityLevelConfigurations,
      serverConcurrencyLimit(2000, 1000),
    );
    // ceil(3000·30/245) = 368; max seats min(ceil(55.2), floor(368/6)) = 56.
    assert.equal(limits.get("system")?.nominalCL, 368);
    assert.equal(limits.get("system")?.maxSeats, 56);
    // ceil(3000·100/245) = 1225; min(ceil(183.75), floor(1225/6)) = 184.
    assert.equal(limits.get("workload-low")?.maxSeats, 184);
  });

  it("caps max seats by the hand size on small servers", () => {
    // 60 seats: leader-election gets ceil(60·10/245) = 3; floor(3/4) = 0 → at least 1.
    const limits = computeConcurrencyLimits(
      bootstrapConfiguration("1.34").priorityLevelConfigurations,
      60,
    );
    assert.equal(limits.get("leader-election")?.nominalCL, 3);
    assert.equal(limits.get("leader-election")?.maxSeats, 1);
    assert.equal(maxSeatsForLevel(100, 8), 12);
    assert.equal(maxSeatsForLevel(100, 6), 15);
  });

  it("rounds lendable seats half away from zero", () => {
    assert.equal(percentOfLimit(98, 25), 25); // 24.5
    assert.equal(percentOfLimit(74, 33), 24); // 24.42
    assert.equal(percentOfLimit(245, 90), 221); // 220.5
  });

  it("supplies missing mandatory levels, whose shares count", () => {
    const limits = computeConcurrencyLimits(suggestedPriorityLevelConfigurations("1.34"), 600);
    assert.equal(limits.get("catch-all")?.nominalCL, 13);
    assert.equal(limits.get("exempt")?.nominalCL, 0);
    assert.equal(limits.get("workload-low")?.nominalCL, 245);
  });

  it("defaults unset shares to 30 and honours borrowingLimitPercent", () => {
    const custom: PriorityLevelConfiguration = {
      metadata: { name: "custom" },
      spec: {
        type: "Limited",
        limited: {
          borrowingLimitPercent: 50,
          limitResponse: {
            type: "Queue",
            queuing: { queues: 8, handSize: 2, queueLengthLimit: 10 },
          },
        },
      },
    };
    // Shares: custom 30 (defaulted) + catch-all 5 + exempt 0.
    const limits = computeConcurrencyLimits([custom], 700);
    const level = limits.get("custom");
    assert.equal(level?.nominalConcurrencyShares, 30);
    assert.equal(level?.nominalCL, 600);
    assert.equal(level?.lendableCL, 0);
    assert.equal(level?.borrowingCL, 300);
    assert.equal(level?.maxCL, 900);
  });

  it("refuses duplicate level names", () => {
    const levels = bootstrapConfiguration("1.34").priorityLevelConfigurations;
    assert.throws(() => computeConcurrencyLimits([...levels, levels[0]]), /two PriorityLevel/);
  });
});
