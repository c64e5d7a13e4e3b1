import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Dealer, hashFlowID, QueueSet } from "../../../../src/k8s/apf/index.js";
import { EventLoop } from "./event-loop.js";
import { QueueSetDriver, seats, type SimRequest } from "./queueset-driver.js";

const QUEUES = 64;
const HAND_SIZE = 6;
const CONCURRENCY_LIMIT = 4;
const VICTIM_BURST = 12;

const FLOOD_HASH = hashFlowID("service-accounts", "system:serviceaccount:monitoring:agent");
/** The first "victim" flow whose hand shares no queue with the flood's. */
const VICTIM_HASH = ((): bigint => {
  const dealer = new Dealer(QUEUES, HAND_SIZE);
  const flooded = new Set(dealer.deal(FLOOD_HASH));
  for (let i = 0; ; i++) {
    const hash = hashFlowID("service-accounts", `system:serviceaccount:app:user-${i}`);
    if (dealer.deal(hash).every((queue) => !flooded.has(queue))) return hash;
  }
})();

interface Run {
  driver: QueueSetDriver;
  victimRequests: number;
  floodRequests: number;
}

/**
 * The victim sends bursts of 12 requests of 100 ms every 2 s, three times what the limit of 4
 * seats runs at once, so it waits even alone. The flood sends `floodFactor` times as many 50 ms
 * requests, spread evenly (at 20 times, 1.5 times the level's capacity).
 */
function run(floodFactor: number, queues = QUEUES, handSize = HAND_SIZE): Run {
  const loop = new EventLoop();
  const queueSet = new QueueSet<SimRequest>({
    name: "workload-low",
    concurrencyLimit: CONCURRENCY_LIMIT,
    queues,
    handSize,
    queueLengthLimit: 50,
  });
  const driver = new QueueSetDriver(loop, queueSet, 15);
  const end = 120;
  const period = 2;
  let victimRequests = 0;
  let floodRequests = 0;
  for (let burst = 1; burst < end; burst += period) {
    loop.at(burst + 0.037, () => {
      for (let i = 0; i < VICTIM_BURST; i++) {
        victimRequests++;
        driver.submit(VICTIM_HASH, seats(1), { flow: "victim", serviceSeconds: 0.1 });
      }
    });
  }
  const floodPerSecond = (floodFactor * VICTIM_BURST) / period;
  for (let k = 0; k < end * floodPerSecond; k++) {
    loop.at(k / floodPerSecond, () => {
      floodRequests++;
      driver.submit(FLOOD_HASH, seats(1), { flow: "flood", serviceSeconds: 0.05 });
    });
  }
  loop.runUntil(end + 30);
  return { driver, victimRequests, floodRequests };
}

describe("fair queuing between flows of one priority level", () => {
  const alone = run(0);
  const flooded = run(20);
  const floodedTwice = run(40);
  const singleQueue = run(20, 1, 1);

  it("the flood really overloads the level", () => {
    assert.ok(flooded.floodRequests >= 20 * flooded.victimRequests);
    const flood = flooded.driver.record("flood");
    assert.ok(flood.rejected > 0, "the flood is turned away in part");
    assert.ok(flooded.driver.meanWait("flood") > 3, "the flood's own requests wait long");
  });

  it("the other flow is neither starved nor rejected", () => {
    const victim = flooded.driver.record("victim");
    assert.equal(victim.rejected, 0);
    assert.equal(victim.timedOut, 0);
    assert.equal(victim.executed, flooded.victimRequests);
  });

  it("the other flow waits a small fraction of what the flood waits", () => {
    assert.ok(flooded.driver.meanWait("victim") < flooded.driver.meanWait("flood") / 10);
  });

  it("with a single queue instead, the flood crowds the other flow out", () => {
    const victim = singleQueue.driver.record("victim");
    assert.ok(victim.rejected > 10 * victim.executed, JSON.stringify(victim));
  });

  it("a bigger flood makes no difference to the other flow", () => {
    const at20 = flooded.driver.meanWait("victim");
    const at40 = floodedTwice.driver.meanWait("victim");
    assert.ok(Math.abs(at40 - at20) / at20 < 0.1, `${at20} s vs ${at40} s`);
  });

  it("the other flow's mean wait stays within 4x of its wait alone", () => {
    // Not 2x: the victim's requests are charged the 3 ms estimate when dispatched, and the
    // correction to 100 ms is lost when its queue empties and restarts at R. The flood's
    // queues, deprived meanwhile, lag R and win the next dispatches until they catch up
    // (upstream's own TestWindup bounds the same effect). Alone: 0.1 s; flooded: about 0.34 s.
    const unloaded = alone.driver.meanWait("victim");
    const loaded = flooded.driver.meanWait("victim");
    assert.ok(unloaded > 0.05, `unloaded wait ${unloaded}`);
    assert.ok(loaded <= 4 * unloaded, `loaded ${loaded} s vs unloaded ${unloaded} s`);
  });
});

/**
 * A flow that stays within its fair share: one 100 ms request every 0.5 s on a level of 4 seats,
 * while a flood sends `floodPerSecond` 50 ms requests. Returns the flow's mean latency (queue
 * wait plus service).
 */
function lightFlowLatency(floodPerSecond: number): number {
  const loop = new EventLoop();
  const queueSet = new QueueSet<SimRequest>({
    name: "workload-low",
    concurrencyLimit: CONCURRENCY_LIMIT,
    queues: QUEUES,
    handSize: HAND_SIZE,
    queueLengthLimit: 50,
  });
  const driver = new QueueSetDriver(loop, queueSet, 15);
  const end = 120;
  for (let t = 1.013; t < end; t += 0.5) {
    loop.at(t, () => driver.submit(VICTIM_HASH, seats(1), { flow: "light", serviceSeconds: 0.1 }));
  }
  for (let k = 0; k < end * floodPerSecond; k++) {
    loop.at(k / floodPerSecond, () =>
      driver.submit(FLOOD_HASH, seats(1), { flow: "flood", serviceSeconds: 0.05 }),
    );
  }
  loop.runUntil(end + 30);
  assert.equal(driver.record("light").rejected, 0);
  return driver.meanWait("light") + 0.1;
}

describe("a flow within its fair share under a flood of the same level", () => {
  it("keeps its latency within 2x of its unloaded latency (measured: 0.10 s alone, 0.18 s)", () => {
    const unloaded = lightFlowLatency(0);
    // 240 requests/s of 50 ms need 12 seats: three times the level's 4.
    const flooded = lightFlowLatency(240);
    assert.ok(Math.abs(unloaded - 0.1) < 1e-6, `unloaded latency ${unloaded}`);
    assert.ok(flooded <= 2 * unloaded, `flooded ${flooded} s vs unloaded ${unloaded} s`);
  });
});
