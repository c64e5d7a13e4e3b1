import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FluidCache, missesUntilRefreshed, ttlTicks } from "../../src/model/dns/index.js";

const close = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps;

test("after upstream stops, the valid fraction of a warm cache population is max(0, 1 - t/TTL)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 400 }), (ttl, t) => {
      const cache = new FluidCache(ttl, 0);
      cache.warm(0);
      for (let i = 0; i < t; i++) cache.advance();
      return close(cache.valid, Math.max(0, 1 - t / ttl)) && close(cache.empty, 1 - cache.valid);
    }),
  );
});

test("refreshing every expired entry keeps the population valid and its ages uniform", () => {
  const ttl = 30;
  const cache = new FluidCache(ttl, 0);
  cache.warm(0);
  for (let i = 0; i < 1000; i++) {
    cache.advance();
    cache.refresh(1, i);
  }
  assert.ok(close(cache.valid, 1), `valid ${cache.valid}`);
  // Uniform ages: the same linear drain once upstream stops.
  for (let k = 1; k <= ttl; k++) {
    cache.advance();
    assert.ok(close(cache.valid, Math.max(0, 1 - k / ttl)), `k=${k} valid ${cache.valid}`);
  }
});

test("serve_stale keeps expired entries servable for its duration after expiry", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 120 }),
      fc.integer({ min: 0, max: 300 }),
      (ttl, staleTicks, t) => {
        const cache = new FluidCache(ttl, staleTicks);
        cache.warm(0);
        for (let i = 0; i < t; i++) cache.advance();
        const expected = 1 - Math.max(0, Math.min(t - staleTicks, ttl)) / ttl;
        return close(cache.valid + cache.stale, expected, 1e-9);
      },
    ),
  );
});

test("refreshing a fraction of non-valid caches removes that fraction of the stale ones", () => {
  const cache = new FluidCache(10, 100);
  cache.warm(0);
  for (let i = 0; i < 20; i++) cache.advance();
  assert.ok(close(cache.stale, 1));
  cache.refresh(0.25, 20);
  assert.ok(close(cache.valid, 0.25), `valid ${cache.valid}`);
  assert.ok(close(cache.stale, 0.75), `stale ${cache.stale}`);
  // Many partial refreshes in a row (the lazy scale is renormalised on the way).
  for (let i = 0; i < 200; i++) cache.refresh(0.5, 20);
  assert.ok(cache.stale < 1e-12 && close(cache.valid, 1, 1e-9));
});

test("data age: refreshed entries mix their source time into the held answers", () => {
  const cache = new FluidCache(10, 0);
  cache.warm(0);
  for (let i = 0; i < 5; i++) cache.advance();
  cache.refresh(1, 100);
  assert.ok(close(cache.dataAsOf, 50), `dataAsOf ${cache.dataAsOf}`);
});

test("clear empties every cache, stale ones included", () => {
  const cache = new FluidCache(5, 5);
  cache.warm(0);
  cache.advance();
  cache.clear();
  assert.equal(cache.valid + cache.stale, 0);
  assert.equal(cache.empty, 1);
});

test("misses until refreshed: bounded by the queries, geometric when upstream is flaky", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 50, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (n, p) => {
        const { refreshed, upstreamQueries } = missesUntilRefreshed(n, p);
        return (
          refreshed >= 0 && refreshed <= 1 && upstreamQueries >= 0 && upstreamQueries <= n + 1e-9
        );
      },
    ),
  );
  assert.deepEqual(missesUntilRefreshed(10, 1), { refreshed: 1, upstreamQueries: 1 });
  assert.deepEqual(missesUntilRefreshed(10, 0), { refreshed: 0, upstreamQueries: 10 });
  const half = missesUntilRefreshed(3, 0.5);
  assert.ok(close(half.refreshed, 0.875) && close(half.upstreamQueries, 1.75));
  assert.deepEqual(missesUntilRefreshed(0.5, 1), { refreshed: 0.5, upstreamQueries: 0.5 });
});

test("TTLs are capped by the cache and floored by its minimum", () => {
  assert.equal(ttlTicks(300, 30, 5, 1), 30);
  assert.equal(ttlTicks(1, 30, 5, 1), 5);
  assert.equal(ttlTicks(30, 3600, 5, 2), 15);
  assert.throws(() => new FluidCache(0, 0), RangeError);
});
