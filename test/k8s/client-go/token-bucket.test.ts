import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_CLIENT_BURST,
  DEFAULT_CLIENT_QPS,
  KUBELET_CLIENT_BURST,
  KUBELET_CLIENT_QPS,
  newTokenBucket,
  reserveToken,
  reserveTokenAt,
  TokenBucket,
} from "../../../src/k8s/client-go/index.js";

const close = (actual: number, expected: number): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≉ ${expected}`);

describe("token bucket (flowcontrol.NewTokenBucketRateLimiter on x/time/rate)", () => {
  it("defaults: client-go 5 QPS burst 10, kubelet 50/100", () => {
    assert.equal(DEFAULT_CLIENT_QPS, 5);
    assert.equal(DEFAULT_CLIENT_BURST, 10);
    assert.equal(KUBELET_CLIENT_QPS, 50);
    assert.equal(KUBELET_CLIENT_BURST, 100);
  });

  it("lets a burst of 10 through at once, then queues one per 0.2 s at 5 QPS", () => {
    const bucket = new TokenBucket(5, 10, 0);
    const delays = Array.from({ length: 15 }, () => bucket.reserve(0));
    assert.deepEqual(delays.slice(0, 10), new Array(10).fill(0));
    [0.2, 0.4, 0.6, 0.8, 1.0].forEach((expected, i) => close(delays[10 + i], expected));
    close(bucket.state.tokens, -5);
  });

  it("a client sending as fast as allowed makes burst + qps·t requests by time t", () => {
    const bucket = new TokenBucket(DEFAULT_CLIENT_QPS, DEFAULT_CLIENT_BURST, 0);
    const sendTimes: number[] = [];
    let now = 0;
    for (;;) {
      const sendAt = now + bucket.reserve(now);
      if (sendAt > 10 + 1e-9) break;
      sendTimes.push(sendAt);
      now = sendAt;
    }
    // Ten at t = 0, then one every 0.2 s: 5 per second for ten seconds.
    assert.equal(sendTimes.filter((t) => t === 0).length, 10);
    assert.equal(sendTimes.length, 10 + 50);
    for (let i = 11; i < sendTimes.length; i++) close(sendTimes[i] - sendTimes[i - 1], 0.2);
  });

  it("refills while idle, never beyond the burst", () => {
    const state = newTokenBucket(10, 0);
    for (let i = 0; i < 10; i++) reserveToken(state, 0, 5, 10);
    assert.equal(reserveToken(state, 1, 5, 10), 0); // 5 tokens back after 1 s
    for (let i = 0; i < 4; i++) assert.equal(reserveToken(state, 1, 5, 10), 0);
    assert.ok(reserveToken(state, 1, 5, 10) > 0);
    const idle = newTokenBucket(10, 0);
    let immediate = 0;
    while (reserveToken(idle, 3600, 5, 10) === 0) immediate++;
    assert.equal(immediate, 10);
  });

  it("TestBasicThrottle and TestIncrementThrottle", () => {
    const basic = new TokenBucket(1, 3, 0);
    assert.deepEqual(
      [0, 0, 0, 0].map(() => basic.tryAccept(0)),
      [true, true, true, false],
    );
    const increment = new TokenBucket(1, 1, 0);
    assert.equal(increment.tryAccept(0), true);
    assert.equal(increment.tryAccept(0), false);
    assert.equal(increment.tryAccept(2), true);
  });

  it("TestThrottle: 16 accepts at 10 QPS burst 5 take at least a second", () => {
    const bucket = new TokenBucket(10, 5, 0);
    let now = 0;
    for (let i = 0; i < 16; i++) now += bucket.reserve(now);
    assert.ok(now >= 1, `finished at ${now}`);
  });

  it("TestRatePrecisionBug: one token every 2 s at ~0.97 QPS is always there", () => {
    const qps = Math.fround(Math.fround(1e9) / Math.fround(1031425e3));
    const bucket = new TokenBucket(qps, 1, 0);
    for (let i = 0; i < 60; i++) assert.equal(bucket.tryAccept(i * 2), true, `at ${i * 2} s`);
  });

  it("a wait longer than the deadline takes no token (Wait with a context deadline)", () => {
    const state = newTokenBucket(1, 0);
    assert.equal(reserveToken(state, 0, 1, 1), 0);
    assert.equal(reserveToken(state, 0, 1, 1, 0.5), Infinity);
    assert.deepEqual(state, { tokens: 0, last: 0 });
    assert.equal(reserveToken(state, 0, 1, 1, 1), 1);
  });

  it("rate.Inf never waits; burst 0 never grants", () => {
    const state = newTokenBucket(1, 0);
    for (let i = 0; i < 5; i++) assert.equal(reserveToken(state, 0, Infinity, 1), 0);
    assert.equal(reserveToken(newTokenBucket(0, 0), 0, 5, 0), Infinity);
  });

  it("the typed-array variant matches the object one", () => {
    const tokens = new Float64Array([10, 3]);
    const last = new Float64Array([0, 0]);
    const state = newTokenBucket(10, 0);
    for (const now of [0, 0, 0.1, 0.1, 0.1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2.05]) {
      assert.equal(reserveTokenAt(tokens, last, 0, now, 5, 10), reserveToken(state, now, 5, 10));
      assert.equal(tokens[0], state.tokens);
      assert.equal(last[0], state.last);
    }
    assert.equal(tokens[1], 3); // other rows untouched
  });
});
