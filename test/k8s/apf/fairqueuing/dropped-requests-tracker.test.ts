import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DroppedRequestsTracker } from "../../../../src/k8s/apf/index.js";

describe("Retry-After per priority level (upstream dropped_requests_tracker_test.go)", () => {
  it("TestDroppedRequestsTracker: doubles under drops, at most once per retryAfter, and decays by one", () => {
    const tracker = new DroppedRequestsTracker();
    // Upstream starts at a real wall-clock time; any start with the same fraction behaves alike.
    const start = 1_733_900_000.25;
    const steps: Array<[secondsElapsed: number, droppedRequests: number, retryAfter: number]> = [
      [0, 5, 1],
      [1, 11, 2],
      // No second increase right after the first, despite the drops.
      [2, 1, 2],
      [3, 11, 4],
      [4, 1, 4],
      [7, 1, 8],
      [11, 1, 8],
      [15, 1, 7],
      [17, 1, 6],
      [21, 14, 5],
      [22, 1, 10],
    ];
    for (const [secondsElapsed, droppedRequests, retryAfter] of steps) {
      const now = start + secondsElapsed;
      for (let r = 0; r < droppedRequests; r++) tracker.recordDroppedRequest("pl", now);
      assert.equal(tracker.retryAfterSeconds("pl", now), retryAfter, `after ${secondsElapsed} s`);
    }
  });

  it("TestDroppedRequestsTrackerPLIndependent: levels are tracked separately", () => {
    const tracker = new DroppedRequestsTracker();
    const levels = Array.from({ length: 10 }, (_, i) => `pl-${i}`);
    for (const level of levels) tracker.recordDroppedRequest(level, 100);
    for (const level of levels) {
      tracker.recordDroppedRequest(level, 101);
      assert.equal(tracker.retryAfterSeconds(level), 1);
    }
    for (let i = 0; i < 5; i++) tracker.recordDroppedRequest("pl-0", 101);
    for (const level of levels) {
      tracker.recordDroppedRequest(level, 102);
      assert.equal(tracker.retryAfterSeconds(level), level === "pl-0" ? 2 : 1, level);
    }
    assert.equal(tracker.retryAfterSeconds("other-pl"), 1);
  });

  it("caps Retry-After at 32 s and counts whole seconds", () => {
    const tracker = new DroppedRequestsTracker();
    for (let second = 0; second < 200; second++) {
      for (let r = 0; r < 200; r++) tracker.recordDroppedRequest("flooded", second + r / 200);
    }
    assert.equal(tracker.retryAfterSeconds("flooded"), 32);
    // Quiet seconds change nothing until the next drop; then it falls by one.
    tracker.recordDroppedRequest("flooded", 1000);
    assert.equal(tracker.retryAfterSeconds("flooded"), 31);
  });
});
