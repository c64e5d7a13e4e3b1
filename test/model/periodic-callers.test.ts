import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import { PeriodicCallers, type RetryPolicy } from "../../src/model/clients/periodic-callers.js";
import { STATUS_TOO_MANY_REQUESTS, type ApiRequest } from "../../src/model/request.js";
import { LIST_PODS } from "./probe.js";

/**
 * One member calling every 60 s against a server that always answers 429 with Retry-After 2:
 * the times it sent during `seconds` from its first call.
 */
function sendsIn(retry: RetryPolicy, seconds: number): number[] {
  const sim = new Simulation(1);
  const sentAt: number[] = [];
  const callers: PeriodicCallers = new PeriodicCallers(
    sim,
    {
      name: "agent",
      members: 1,
      template: LIST_PODS,
      userOf: () => ({ name: "agent", groups: [] }),
      periodSeconds: 60,
      startOf: () => 0,
      qps: 5,
      burst: 10,
      retry,
    },
    {
      send: (request: ApiRequest) => {
        sentAt.push(sim.now);
        sim.schedule(0.01, () => callers.onResponse(request, STATUS_TOO_MANY_REQUESTS, 2));
      },
    },
  );
  // Members start at a random phase within their period: count from the first send.
  sim.run({ until: 60 + seconds });
  return sentAt.filter((t) => t - sentAt[0] < seconds);
}

test("client-go retries a 429 after its Retry-After, at most 10 times, then waits for the next tick", () => {
  const sent = sendsIn({ kind: "client-go", maxRetries: 10, version: "1.29" }, 59);
  assert.equal(sent.length, 11, "the call and 10 retries");
  for (let i = 1; i < sent.length; i++) {
    assert.ok(Math.abs(sent[i] - sent[i - 1] - 2.01) < 1e-9, `gap ${sent[i] - sent[i - 1]}`);
  }
});

test("a tight retry loop resends every failure at once, forever", () => {
  const sent = sendsIn({ kind: "tight-loop", delaySeconds: 0.1 }, 59);
  // A retry every 0.11 s, limited only by the token bucket (5/s after a burst of 10).
  assert.ok(sent.length > 250, `${sent.length} requests in a minute`);
});
