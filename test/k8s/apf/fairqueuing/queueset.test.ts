import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Dealer,
  Integrator,
  QueueSet,
  type QueueSetConfig,
  type StartOutcome,
  type Ticket,
} from "../../../../src/k8s/apf/index.js";
import { seats } from "./queueset-driver.js";

function queueSet(config: Partial<QueueSetConfig>): QueueSet<string> {
  return new QueueSet<string>({
    name: "test",
    concurrencyLimit: 1,
    queues: 1,
    handSize: 1,
    queueLengthLimit: 50,
    ...config,
  });
}

function ticketOf(outcome: StartOutcome<string>): Ticket<string> {
  assert.notEqual(outcome.kind, "rejected", "expected the request to be admitted");
  if (outcome.kind === "rejected") throw new Error("unreachable");
  return outcome.ticket;
}

const payloads = (tickets: readonly Ticket<string>[]): string[] => tickets.map((t) => t.payload);

// With handSize 1 the Dealer's only card is hash mod queues, so hash n lands in queue n.
const QUEUE_0 = 0n;
const QUEUE_1 = 1n;

describe("QueueSet: levels without queues (limitResponse Reject)", () => {
  it("starts requests while seats last and rejects at once after that", () => {
    const qs = queueSet({ name: "catch-all", concurrencyLimit: 2, queues: 0 });
    const a = qs.startRequest(0, 0n, seats(1), "a");
    const b = qs.startRequest(0, 0n, seats(1), "b");
    assert.equal(a.kind, "execute");
    assert.equal(b.kind, "execute");
    assert.deepEqual(qs.startRequest(0, 0n, seats(1), "c"), {
      kind: "rejected",
      reason: "concurrency-limit",
    });
    assert.equal(ticketOf(a).queueIndex, -1);
    assert.equal(ticketOf(a).dispatchTime, 0);
    assert.deepEqual(qs.finishExecution(1, ticketOf(a)), []);
    assert.equal(qs.startRequest(1, 0n, seats(1), "d").kind, "execute");
    assert.equal(qs.waitingRequests, 0);
  });

  it("rejects a request wider than the free seats, but runs one wider than the limit alone", () => {
    const qs = queueSet({ concurrencyLimit: 2, queues: 0 });
    const one = ticketOf(qs.startRequest(0, 0n, seats(1), "one"));
    assert.equal(qs.startRequest(0, 0n, seats(2), "two").kind, "rejected");
    assert.equal(qs.startRequest(0, 0n, seats(3), "three").kind, "rejected");
    qs.finishExecution(1, one);
    const wide = qs.startRequest(1, 0n, seats(3), "three");
    assert.equal(wide.kind, "execute");
    assert.equal(qs.executingSeats, 3);
    assert.equal(qs.startRequest(1, 0n, seats(1), "late").kind, "rejected");
  });
});

describe("QueueSet: the exempt level (queues < 0)", () => {
  it("never limits", () => {
    const qs = queueSet({ name: "exempt", concurrencyLimit: 0, queues: -1 });
    for (let i = 0; i < 100; i++)
      assert.equal(qs.startRequest(0, 0n, seats(5), "x").kind, "execute");
    assert.equal(qs.executingSeats, 500);
    assert.equal(qs.executingRequests, 100);
  });
});

describe("QueueSet: queuing and rejection", () => {
  it("rejects with queue-full once all seats are taken and the queue holds queueLengthLimit requests", () => {
    const qs = queueSet({ concurrencyLimit: 1, queueLengthLimit: 2 });
    const a = ticketOf(qs.startRequest(0, 0n, seats(1), "a"));
    assert.equal(a.state, "executing");
    assert.equal(qs.startRequest(0, 0n, seats(1), "b").kind, "queued");
    assert.equal(qs.startRequest(0, 0n, seats(1), "c").kind, "queued");
    assert.deepEqual(qs.startRequest(0, 0n, seats(1), "d"), {
      kind: "rejected",
      reason: "queue-full",
    });
    assert.equal(qs.waitingRequests, 2);
    assert.deepEqual(payloads(qs.finishExecution(1, a)), ["b"]);
    assert.equal(qs.startRequest(1, 0n, seats(1), "e").kind, "queued");
  });

  it("counts requests, not seats, and does not reject while seats are free (upstream rejectOrEnqueueToBoundLocked)", () => {
    const qs = queueSet({ concurrencyLimit: 2, queueLengthLimit: 1 });
    ticketOf(qs.startRequest(0, 0n, seats(1), "a"));
    // The 2-seat request cannot start beside "a": it waits, and blocks the queue behind it.
    assert.equal(qs.startRequest(0, 0n, seats(2), "wide").kind, "queued");
    // One seat is free, so nothing is rejected although the queue is at its limit.
    assert.equal(qs.startRequest(0, 0n, seats(1), "x").kind, "queued");
    assert.equal(qs.startRequest(0, 0n, seats(1), "y").kind, "queued");
    assert.equal(qs.waitingRequests, 3);
    assert.equal(qs.waitingSeats, 4);
  });

  it("serves each queue first in, first out", () => {
    const qs = queueSet({ concurrencyLimit: 1 });
    const first = ticketOf(qs.startRequest(0, 0n, seats(1), "r0"));
    for (let i = 1; i <= 5; i++) qs.startRequest(i / 10, 0n, seats(1), `r${i}`);
    const order: string[] = ["r0"];
    let running = first;
    for (let t = 1; order.length < 6; t++) {
      const next = qs.finishExecution(t, running);
      assert.equal(next.length, 1);
      order.push(next[0].payload);
      running = next[0];
    }
    assert.deepEqual(order, ["r0", "r1", "r2", "r3", "r4", "r5"]);
  });

  it("shuffle-shards to the hand's queue with the least waiting work, walking from a rotating offset", () => {
    // A limit of 0 dispatches nothing, so every request stays where it was put.
    const qs = queueSet({ concurrencyLimit: 0, queues: 8, handSize: 2 });
    const hash = 12345n;
    const hand = new Dealer(8, 2).deal(hash);
    const placed = [1, 2, 3, 4].map((i) => ticketOf(qs.startRequest(0, hash, seats(1), `r${i}`)));
    // Empty queues tie, and the walk starts at hand[enqueues mod 2]; later ties go the same way.
    assert.deepEqual(
      placed.map((t) => t.queueIndex),
      [hand[0], hand[1], hand[0], hand[1]],
    );
    // A wider request weighs more, so the next two go to the other queue.
    const wide = ticketOf(qs.startRequest(0, hash, seats(3), "wide"));
    assert.equal(wide.queueIndex, hand[0]);
    assert.equal(ticketOf(qs.startRequest(0, hash, seats(1), "after")).queueIndex, hand[1]);
    assert.equal(ticketOf(qs.startRequest(0, hash, seats(1), "again")).queueIndex, hand[1]);
  });
});

describe("QueueSet: wide requests", () => {
  it("stops dispatching when the request with the earliest virtual finish does not fit", () => {
    const qs = queueSet({ concurrencyLimit: 4, queues: 2 });
    const running = ["x1", "x2", "x3"].map((name) =>
      ticketOf(qs.startRequest(0, QUEUE_0, seats(1), name)),
    );
    // Queue 1's 2-seat request finishes first in the virtual world but 3 + 2 > 4.
    const wide = ticketOf(qs.startRequest(0, QUEUE_1, seats(2), "wide"));
    assert.equal(wide.state, "waiting");
    // One seat is free, yet the narrow request behind queue 0's virtual backlog waits.
    const narrow = ticketOf(qs.startRequest(0, QUEUE_0, seats(1), "narrow"));
    assert.equal(narrow.state, "waiting");
    assert.equal(qs.executingSeats, 3);

    assert.deepEqual(payloads(qs.finishExecution(0.1, running[0])), ["wide"]);
    assert.equal(qs.executingSeats, 4);
    assert.deepEqual(payloads(qs.finishExecution(0.2, running[1])), ["narrow"]);
  });

  it("starts a request wider than the limit only when no other request executes, even with final seats still held", () => {
    const qs = queueSet({ concurrencyLimit: 3 });
    const a = ticketOf(qs.startRequest(0, 0n, seats(1, 2, 1), "a"));
    assert.equal(qs.executingSeats, 2);
    const tooWide = ticketOf(qs.startRequest(0.05, 0n, seats(4), "too-wide"));
    assert.equal(tooWide.state, "waiting");
    // "a" returns but lingers on 2 seats; with no request executing the wide one may start.
    assert.deepEqual(payloads(qs.finishExecution(0.1, a)), ["too-wide"]);
    assert.equal(a.state, "lingering");
    assert.equal(qs.executingSeats, 6);
    assert.deepEqual(qs.releaseFinal(1.1, a), []);
    assert.equal(qs.executingSeats, 4);
  });

  it("dispatches nothing while held seats reach the limit, lingering ones included", () => {
    const qs = queueSet({ concurrencyLimit: 2 });
    const a = ticketOf(qs.startRequest(0, 0n, seats(1, 2, 1), "a"));
    const tooWide = ticketOf(qs.startRequest(0.05, 0n, seats(3), "too-wide"));
    assert.deepEqual(qs.finishExecution(0.1, a), []);
    assert.equal(tooWide.state, "waiting");
    assert.deepEqual(payloads(qs.releaseFinal(1.1, a)), ["too-wide"]);
  });
});

describe("QueueSet: final seats (upstream TestFinishRequestLocked)", () => {
  it("holds max(initial, final) seats from dispatch until the additional latency is over", () => {
    const qs = queueSet({ concurrencyLimit: 3 });
    const writer = ticketOf(qs.startRequest(0, 0n, seats(1, 3, 0.5), "write"));
    assert.equal(qs.executingSeats, 3);
    assert.equal(qs.executingRequests, 1);
    const reader = ticketOf(qs.startRequest(0, 0n, seats(1), "read"));
    assert.equal(reader.state, "waiting");

    assert.deepEqual(qs.finishExecution(0.1, writer), []);
    assert.equal(writer.state, "lingering");
    assert.equal(qs.executingRequests, 0, "executing drops when the handler returns");
    assert.equal(qs.executingSeats, 3, "seats stay taken while the watch events go out");

    assert.deepEqual(payloads(qs.releaseFinal(0.6, writer)), ["read"]);
    assert.equal(writer.state, "finished");
    assert.equal(qs.executingSeats, 1);
  });

  it("releases at once when there is no additional latency", () => {
    const qs = queueSet({ concurrencyLimit: 10 });
    const t = ticketOf(qs.startRequest(0, 0n, seats(10), "list"));
    qs.finishExecution(1, t);
    assert.equal(t.state, "finished");
    assert.equal(qs.executingSeats, 0);
    assert.throws(() => qs.releaseFinal(2, t), /finished, not lingering/);
  });

  it("cuts final seats above the limit to the limit and stretches the latency to keep the work", () => {
    const qs = queueSet({ concurrencyLimit: 2 });
    const t = ticketOf(qs.startRequest(0, 0n, seats(1, 4, 0.01), "fan-out"));
    assert.deepEqual(t.estimate, {
      initialSeats: 1,
      finalSeats: 2,
      additionalLatencyNanos: 20_000_000,
    });
    assert.equal(qs.executingSeats, 2);
  });
});

describe("QueueSet: leaving the queue", () => {
  it("timeoutWaiting removes a waiting request and is false once it started or left", () => {
    const qs = queueSet({ concurrencyLimit: 1 });
    const a = ticketOf(qs.startRequest(0, 0n, seats(1), "a"));
    const b = ticketOf(qs.startRequest(0, 0n, seats(1), "b"));
    const c = ticketOf(qs.startRequest(0, 0n, seats(1), "c"));
    assert.equal(qs.timeoutWaiting(15, a), false, "executing");
    assert.equal(qs.timeoutWaiting(15, b), true);
    assert.equal(b.state, "timed-out");
    assert.equal(qs.timeoutWaiting(15, b), false, "already gone");
    assert.equal(qs.waitingRequests, 1);
    assert.deepEqual(payloads(qs.finishExecution(16, a)), ["c"]);
    assert.equal(qs.timeoutWaiting(17, c), false);
    qs.finishExecution(17, c);
    assert.equal(qs.timeoutWaiting(18, c), false, "finished");
  });

  it("cancelWaiting does the same for a client that went away", () => {
    const qs = queueSet({ concurrencyLimit: 1 });
    ticketOf(qs.startRequest(0, 0n, seats(1), "a"));
    const b = ticketOf(qs.startRequest(0, 0n, seats(2), "b"));
    assert.equal(qs.waitingSeats, 2);
    assert.equal(qs.cancelWaiting(1, b), true);
    assert.equal(b.state, "cancelled");
    assert.equal(qs.waitingSeats, 0);
    assert.equal(qs.cancelWaiting(1, b), false);
  });

  it("like upstream, a removal does not start the requests behind it until the next event", () => {
    const qs = queueSet({ concurrencyLimit: 2 });
    const a = ticketOf(qs.startRequest(0, 0n, seats(1), "a"));
    const wide = ticketOf(qs.startRequest(0, 0n, seats(2), "wide"));
    const narrow = ticketOf(qs.startRequest(0, 0n, seats(1), "narrow"));
    assert.equal(qs.timeoutWaiting(15, wide), true);
    assert.equal(narrow.state, "waiting");
    assert.deepEqual(payloads(qs.setConcurrencyLimit(16, 2)), ["narrow"]);
    assert.equal(a.state, "executing");
  });

  it("refuses tickets of another queue set", () => {
    const one = queueSet({});
    const other = queueSet({});
    const t = ticketOf(one.startRequest(0, 0n, seats(1), "a"));
    assert.throws(() => other.finishExecution(1, t), /another queue set/);
  });
});

describe("QueueSet: concurrency limit changes", () => {
  it("setConcurrencyLimit dispatches into new seats and never preempts", () => {
    const qs = queueSet({ concurrencyLimit: 1 });
    ticketOf(qs.startRequest(0, 0n, seats(1), "a"));
    qs.startRequest(0, 0n, seats(1), "b");
    qs.startRequest(0, 0n, seats(1), "c");
    qs.startRequest(0, 0n, seats(1), "d");
    assert.deepEqual(payloads(qs.setConcurrencyLimit(1, 3)), ["b", "c"]);
    assert.equal(qs.concurrencyLimit, 3);
    assert.deepEqual(qs.setConcurrencyLimit(2, 1), []);
    assert.equal(qs.executingSeats, 3);
    assert.equal(qs.waitingRequests, 1);
  });
});

describe("QueueSet: virtual time", () => {
  it("advances at min(seats requested, limit) / active queues", () => {
    const qs = queueSet({ concurrencyLimit: 4, queues: 4 });
    ticketOf(qs.startRequest(0, 0n, seats(1), "q0"));
    qs.setConcurrencyLimit(1, 4);
    assert.equal(qs.virtualTime, 1, "1 seat over 1 active queue for 1 s");
    ticketOf(qs.startRequest(1, 1n, seats(1), "q1"));
    qs.setConcurrencyLimit(2, 4);
    assert.equal(qs.virtualTime, 2, "2 seats over 2 queues");
    // 2 more executing and 4 waiting in queue 2: 10 seats requested, capped at 4, 3 queues.
    for (let i = 0; i < 6; i++) qs.startRequest(2, 2n, seats(1), `q2-${i}`);
    assert.equal(qs.executingSeats, 4);
    assert.equal(qs.waitingSeats, 4);
    qs.setConcurrencyLimit(5, 4);
    assert.ok(Math.abs(qs.virtualTime - (2 + (4 / 3) * 3)) < 1e-8);
  });

  it("charges queues for actual service time, so long and short requests share seat-seconds", () => {
    const qs = queueSet({ concurrencyLimit: 1, queues: 2, queueLengthLimit: 1000 });
    const busy = { long: 0, short: 0 };
    let running = ticketOf(qs.startRequest(0, QUEUE_0, seats(1), "long"));
    for (let i = 0; i < 200; i++) {
      qs.startRequest(0, QUEUE_0, seats(1), "long");
      qs.startRequest(0, QUEUE_1, seats(1), "short");
    }
    let now = 0;
    while (now < 40) {
      const service = running.payload === "long" ? 1 : 0.1;
      busy[running.payload === "long" ? "long" : "short"] += service;
      now += service;
      const next = qs.finishExecution(now, running);
      assert.equal(next.length, 1);
      running = next[0];
    }
    // Counting requests instead would give the long flow 10 of every 11 seconds.
    assert.ok(Math.abs(busy.long - busy.short) <= 1.1, JSON.stringify(busy));
  });

  it("winds R back before it loses integer precision and keeps working", () => {
    const qs = queueSet({ concurrencyLimit: 600 });
    const huge = ticketOf(qs.startRequest(0, 0n, seats(600), "huge"));
    qs.finishExecution(60_000, huge);
    // 600 seats × 60,000 s = 3.6e7 seat-seconds, past the threshold 3·2^50 · 1e-8.
    assert.ok(qs.virtualTime < 3.6e7 - 2.2e7, `R is ${qs.virtualTime}`);
    const next = ticketOf(qs.startRequest(60_001, 0n, seats(600), "next"));
    assert.equal(next.state, "executing");
    const queued = ticketOf(qs.startRequest(60_001, 0n, seats(1), "queued"));
    assert.deepEqual(payloads(qs.finishExecution(60_002, next)), ["queued"]);
    assert.equal(queued.state, "executing");
  });

  it("refuses time going backwards", () => {
    const qs = queueSet({});
    qs.startRequest(5, 0n, seats(1), "a");
    assert.throws(() => qs.startRequest(4, 0n, seats(1), "b"), /time went backwards/);
  });
});

describe("QueueSet: seat demand reporting", () => {
  it("reports seats in use + seats waiting at every change", () => {
    const demand = new Integrator(0);
    const qs = new QueueSet<string>(
      { name: "t", concurrencyLimit: 2, queues: 1, handSize: 1, queueLengthLimit: 10 },
      { seatDemand: demand },
    );
    const a = ticketOf(qs.startRequest(0, 0n, seats(2), "a"));
    qs.startRequest(0, 0n, seats(1), "b");
    assert.equal(demand.value, 3);
    qs.finishExecution(1, a);
    assert.equal(demand.value, 1);
    const results = demand.getResults(2);
    assert.equal(results.max, 3);
    assert.equal(results.average, 2); // 3 for 1 s, then 1 for 1 s
  });
});
