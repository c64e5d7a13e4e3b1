import { test } from "node:test";
import assert from "node:assert/strict";
import { RandomStream, Simulation } from "../../src/sim/index.js";

const draws = (stream: RandomStream, n: number) => Array.from({ length: n }, () => stream.next());

test("a stream is a function of (seed, name)", () => {
  assert.deepEqual(
    draws(new RandomStream(7, "kubelet"), 5),
    draws(new RandomStream(7, "kubelet"), 5),
  );
  assert.notDeepEqual(
    draws(new RandomStream(7, "kubelet"), 5),
    draws(new RandomStream(8, "kubelet"), 5),
  );
  assert.notDeepEqual(
    draws(new RandomStream(7, "kubelet"), 5),
    draws(new RandomStream(7, "coredns"), 5),
  );
});

test("adding a stream does not perturb another", () => {
  const alone = new Simulation(3);
  const a1 = draws(alone.random("a"), 10);
  const crowded = new Simulation(3);
  draws(crowded.random("b"), 10);
  assert.deepEqual(draws(crowded.random("a"), 10), a1);
  assert.equal(crowded.random("a"), crowded.random("a"), "same name, same stream object");
});

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

test("distributions have the right first two moments", () => {
  const r = new RandomStream(11, "moments");
  const n = 200_000;
  const uniform = Array.from({ length: n }, () => r.uniform(2, 4));
  assert.ok(Math.abs(mean(uniform) - 3) < 0.01);
  assert.ok(uniform.every((v) => v >= 2 && v < 4));
  const exp = Array.from({ length: n }, () => r.exponential(5));
  assert.ok(Math.abs(mean(exp) - 5) < 0.05, `exponential mean ${mean(exp)}`);
  const normal = Array.from({ length: n }, () => r.normal(10, 2));
  const m = mean(normal);
  const sd = Math.sqrt(mean(normal.map((v) => (v - m) ** 2)));
  assert.ok(Math.abs(m - 10) < 0.02 && Math.abs(sd - 2) < 0.02, `normal ${m} ${sd}`);
  const logn = Array.from({ length: n }, () => r.lognormal(Math.log(3), 0.5)).sort((a, b) => a - b);
  assert.ok(Math.abs(logn[n / 2] - 3) < 0.03, `lognormal median ${logn[n / 2]}`);
  const ints = Array.from({ length: n }, () => r.integer(1, 6));
  assert.ok(ints.every((v) => Number.isInteger(v) && v >= 1 && v <= 6));
  assert.ok(Math.abs(mean(ints) - 3.5) < 0.02);
});

test("jitter follows client-go: duration plus up to maxFactor of it", () => {
  const r = new RandomStream(1, "jitter");
  const values = Array.from({ length: 10_000 }, () => r.jitter(0.8, 1));
  assert.ok(values.every((v) => v >= 0.8 && v < 1.6));
  assert.ok(Math.abs(mean(values) - 1.2) < 0.01);
  assert.ok(Array.from({ length: 1000 }, () => r.jitter(2, 0)).every((v) => v >= 2 && v < 4));
});
