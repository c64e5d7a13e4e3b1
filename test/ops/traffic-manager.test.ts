import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../src/sim/index.js";
import { GlobalTrafficManager, OpsEventLog } from "../../src/fleet/ops/index.js";

test("a shift moves traffic only up to the receivers' headroom, in proportion to it", () => {
  const sim = new Simulation(31);
  const log = new OpsEventLog();
  const traffic = new GlobalTrafficManager(sim, log, {
    products: [
      { name: "chat", demand: 100, shares: { east: 0.5, west: 0.3, south: 0.2 } },
      { name: "api", demand: 50, shares: { east: 0.4, west: 0.6 } },
    ],
    capacity: { east: 200, west: 80, south: 40 },
  });
  // Loads: east 70, west 60, south 20. Headroom: west 20, south 20.
  assert.equal(traffic.load("east"), 70);
  const result = traffic.shift("east", ["west", "south"], 1);
  assert.equal(result.requested, 70);
  assert.equal(result.moved, 40);
  assert.ok(Math.abs(traffic.load("west") - 80) < 1e-9);
  assert.ok(Math.abs(traffic.load("south") - 40) < 1e-9);
  assert.ok(Math.abs(traffic.load("east") - 30) < 1e-9);
  const entry = log.find({ kind: "shift" })[0];
  assert.equal(entry.ok, false);
  assert.match(entry.detail, /capacity exhausted/);
  // A full receiver takes nothing more.
  assert.equal(traffic.shift("east", ["west"], 1).moved, 0);
});

test("shifting one product leaves the others alone and notifies listeners", () => {
  const sim = new Simulation(32);
  const traffic = new GlobalTrafficManager(sim, new OpsEventLog(), {
    products: [
      { name: "chat", demand: 10, shares: { a: 1 } },
      { name: "api", demand: 10, shares: { a: 1 } },
    ],
    capacity: { a: 100, b: 100 },
  });
  let changes = 0;
  traffic.onChange(() => changes++);
  const result = traffic.shift("a", ["b"], 0.5, "api");
  assert.equal(result.moved, 5);
  assert.deepEqual(traffic.weights("api"), { a: 0.5, b: 0.5 });
  assert.deepEqual(traffic.weights("chat"), { a: 1 });
  assert.equal(changes, 1);
});

test("shifts conserve traffic and never overfill a receiver (property)", () => {
  const clusterNames = ["a", "b", "c", "d"];
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
      fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 4, maxLength: 4 }),
      fc.array(
        fc.record({
          from: fc.constantFrom(...clusterNames),
          to: fc.subarray(clusterNames, { minLength: 1 }),
          fraction: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        { maxLength: 8 },
      ),
      (rawShares, capacities, shifts) => {
        const total = rawShares.reduce((a, b) => a + b, 0);
        const shares = Object.fromEntries(clusterNames.map((n, i) => [n, rawShares[i] / total]));
        const capacity = Object.fromEntries(clusterNames.map((n, i) => [n, capacities[i]]));
        const traffic = new GlobalTrafficManager(new Simulation(33), new OpsEventLog(), {
          products: [{ name: "p", demand: 400, shares }],
          capacity,
        });
        for (const shift of shifts) {
          const before = Object.fromEntries(clusterNames.map((n) => [n, traffic.load(n)]));
          const result = traffic.shift(shift.from, shift.to, shift.fraction);
          assert.ok(result.moved <= result.requested + 1e-9);
          for (const name of clusterNames) {
            if (name === shift.from) continue;
            const gained = traffic.load(name) - before[name];
            if (gained > 1e-9) {
              assert.ok(traffic.load(name) <= capacity[name] + 1e-6, `${name} overfilled`);
            }
          }
          const sum = clusterNames.reduce((s, n) => s + traffic.weight(n, "p"), 0);
          assert.ok(Math.abs(sum - 1) < 1e-9, `shares sum to ${sum}`);
        }
      },
    ),
  );
});
