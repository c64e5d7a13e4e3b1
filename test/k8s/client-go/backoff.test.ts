import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ExponentialBackoffManager,
  jitterDuration,
  newExponentialBackoff,
  nextBackoff,
  REFLECTOR_BACKOFF,
} from "../../../src/k8s/client-go/index.js";
import { ALMOST_ONE, draws, seeded } from "./uniform.js";

const close = (actual: number, expected: number): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≉ ${expected}`);

describe("reflector backoff (wait.NewExponentialBackoffManager)", () => {
  it("uses the reflector's parameters: 800 ms, cap 30 s, reset after 2 min, ×2, jitter 1.0", () => {
    assert.deepEqual(
      { ...REFLECTOR_BACKOFF },
      { initialSeconds: 0.8, capSeconds: 30, resetAfterSeconds: 120, factor: 2, jitter: 1 },
    );
  });

  it("TestExponentialBackoffManagerGetNextBackoff: 1, 2, 4, 8, 10, 10, 10, then reset", () => {
    const parameters = {
      initialSeconds: 1,
      capSeconds: 10,
      resetAfterSeconds: 10,
      factor: 2,
      jitter: 0,
    };
    const state = newExponentialBackoff(0, parameters);
    const random = draws(0.5);
    const delays = [1, 2, 4, 8, 10, 10, 10].map(() => nextBackoff(state, 0, random, parameters));
    assert.deepEqual(delays, [1, 2, 4, 8, 10, 10, 10]);
    assert.equal(nextBackoff(state, 11, random, parameters), 1);
  });

  it("jitter is added after the cap: the smallest draws give 0.8 … 25.6, then 30", () => {
    const manager = new ExponentialBackoffManager(0, draws(0));
    const delays = Array.from({ length: 9 }, (_, i) => manager.next(i));
    [0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30, 30, 30].forEach((d, i) => close(delays[i], d));
    const top = new ExponentialBackoffManager(0, draws(ALMOST_ONE));
    const highest = Array.from({ length: 8 }, (_, i) => top.next(i));
    [1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 60, 60].forEach((d, i) => {
      assert.ok(highest[i] < d && highest[i] > d * 0.999, `${highest[i]} vs ${d}`);
    });
  });

  it("every delay lies in [d, 2d) with d = min(0.8·2^k, 30)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const manager = new ExponentialBackoffManager(0, seeded(seed));
      for (let k = 0; k < 12; k++) {
        const d = Math.min(0.8 * 2 ** k, 30);
        const delay = manager.next(k * 10);
        assert.ok(
          delay >= d && delay < 2 * d,
          `seed ${seed}, step ${k}: ${delay} ∉ [${d}, ${2 * d})`,
        );
      }
    }
  });

  it("starts over after more than 2 min since the previous backoff, not at exactly 2 min", () => {
    const manager = new ExponentialBackoffManager(0, draws(0));
    for (let i = 0; i < 6; i++) manager.next(i);
    close(manager.next(5 + 120), 30); // exactly 120 s after the previous one: no reset
    close(manager.next(125 + 120.001), 0.8);
    close(manager.next(246), 1.6);
  });

  it("the creation time counts as the previous backoff", () => {
    const state = newExponentialBackoff(0);
    state.duration = 12.8; // as if it had backed off before
    close(nextBackoff(state, 121, draws(0)), 0.8);
  });

  it("draws one uniform per delay, and none without jitter", () => {
    let calls = 0;
    const counting = {
      next(): number {
        calls++;
        return 0.25;
      },
    };
    close(nextBackoff(newExponentialBackoff(0), 0, counting), 1.0);
    assert.equal(calls, 1);
    nextBackoff(newExponentialBackoff(0), 0, counting, { ...REFLECTOR_BACKOFF, jitter: 0 });
    assert.equal(calls, 1);
  });

  it("wait.Jitter: d + uniform·f·d, with f <= 0 meaning 1", () => {
    close(jitterDuration(2, 0.5, draws(0.5)), 2.5);
    close(jitterDuration(2, 0, draws(0.5)), 3);
    close(jitterDuration(2, -1, draws(0.5)), 3);
  });
});
