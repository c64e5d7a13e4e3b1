import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  canAccommodateSeats,
  findMinFinishQueue,
  fitFinalSeats,
  maxSeatsOfEstimate,
  requestWork,
  seatsTimesDuration,
  type DispatchCandidate,
} from "../../../../src/k8s/apf/index.js";

const SECOND = 1e9;
const G = 3_000_000; // upstream's estimated service duration, 3 ms

function queue(nextDispatchSeconds: number, headSeats: number | undefined): DispatchCandidate {
  const work =
    headSeats === undefined
      ? undefined
      : requestWork({ initialSeats: headSeats, finalSeats: 0, additionalLatencyNanos: 0 }, G)
          .totalWork;
  return {
    nextDispatchR: seatsTimesDuration(1, nextDispatchSeconds * SECOND),
    headWork: () => work,
  };
}

/**
 * Upstream's TestFindDispatchQueueLocked cases: the queue with the smallest virtual finish wins,
 * and nothing dispatches when its oldest request does not fit. The round-robin position ends on
 * the chosen queue, or where the full scan left it (upstream starts these cases at -1).
 */
describe("choosing the queue to dispatch from (upstream TestFindDispatchQueueLocked)", () => {
  const cases: Array<{
    name: string;
    concurrencyLimit: number;
    seatsInUse: number[];
    queues: DispatchCandidate[];
    expectedQueue: number[];
    expectedRobin: number[];
  }> = [
    {
      name: "width1=1, seats are available, the queue with less virtual start time wins",
      concurrencyLimit: 1,
      seatsInUse: [0],
      queues: [queue(200, 1), queue(100, 1)],
      expectedQueue: [1],
      expectedRobin: [1],
    },
    {
      name: "width1=1, all seats are occupied, no queue is picked",
      concurrencyLimit: 1,
      seatsInUse: [1],
      queues: [queue(200, 1)],
      expectedQueue: [-1],
      expectedRobin: [0],
    },
    {
      name: "width1 > 1, seats are available for request with the least finish R, queue is picked",
      concurrencyLimit: 50,
      seatsInUse: [25],
      queues: [queue(200, 50), queue(100, 25)],
      expectedQueue: [1],
      expectedRobin: [1],
    },
    {
      name: "width1 > 1, seats are not available for request with the least finish R, queue is not picked",
      concurrencyLimit: 50,
      seatsInUse: [26, 26, 26],
      queues: [queue(200, 10), queue(100, 25)],
      expectedQueue: [-1, -1, -1],
      expectedRobin: [1, 1, 1],
    },
    {
      name: "width1 > 1, seats become available before 3rd attempt, queue is picked",
      concurrencyLimit: 50,
      seatsInUse: [26, 26, 25],
      queues: [queue(200, 10), queue(100, 25)],
      expectedQueue: [-1, -1, 1],
      expectedRobin: [1, 1, 1],
    },
  ];
  const headSeats = [[1, 1], [1], [50, 25], [10, 25], [10, 25]];

  cases.forEach((c, index) => {
    it(c.name, () => {
      let robinIndex = -1;
      c.seatsInUse.forEach((executingSeats, attempt) => {
        const chosen = findMinFinishQueue(c.queues, robinIndex);
        const fits =
          chosen >= 0 &&
          canAccommodateSeats(
            {
              concurrencyLimit: c.concurrencyLimit,
              executingSeats,
              executingRequests: 1,
              exempt: false,
            },
            headSeats[index][chosen],
          );
        const n = c.queues.length;
        robinIndex = fits ? chosen : (robinIndex + n) % n;
        assert.equal(fits ? chosen : -1, c.expectedQueue[attempt], `attempt ${attempt + 1}`);
        assert.equal(robinIndex, c.expectedRobin[attempt], `robin index, attempt ${attempt + 1}`);
      });
    });
  });

  it("breaks ties in favour of the first queue after the last one served", () => {
    const tied = [queue(1, 1), queue(1, 1), queue(1, 1)];
    assert.equal(findMinFinishQueue(tied, 0), 1);
    assert.equal(findMinFinishQueue(tied, 1), 2);
    assert.equal(findMinFinishQueue(tied, 2), 0);
    assert.equal(findMinFinishQueue([queue(1, undefined), queue(2, undefined)], 0), -1);
  });
});

describe("seat accounting (canAccommodateSeatsLocked)", () => {
  const account = (executingSeats: number, executingRequests: number, exempt = false) => ({
    concurrencyLimit: 10,
    executingSeats,
    executingRequests,
    exempt,
  });
  it("admits a request that fits in the free seats", () => {
    assert.equal(canAccommodateSeats(account(7, 3), 3), true);
    assert.equal(canAccommodateSeats(account(8, 3), 3), false);
  });
  it("admits a request wider than the limit only when no request executes", () => {
    assert.equal(canAccommodateSeats(account(0, 0), 11), true);
    assert.equal(canAccommodateSeats(account(4, 0), 11), true, "lingering seats do not count");
    assert.equal(canAccommodateSeats(account(1, 1), 11), false);
  });
  it("never limits the exempt level", () => {
    assert.equal(canAccommodateSeats(account(100, 100, true), 50), true);
  });
});

describe("request work (upstream TestRequestWork, TestRequestSeats)", () => {
  it("is initial seats × estimated service time plus final seats × additional latency", () => {
    const work = requestWork(
      { initialSeats: 3, finalSeats: 50, additionalLatencyNanos: 70 * SECOND },
      2 * SECOND,
    );
    assert.equal(
      work.totalWork,
      seatsTimesDuration(3, 2 * SECOND) + seatsTimesDuration(50, 70 * SECOND),
    );
    assert.equal(work.finalWork, seatsTimesDuration(50, 70 * SECOND));
  });

  it("takes max(initialSeats, finalSeats) seats", () => {
    for (const [initialSeats, finalSeats, expected] of [
      [3, 3, 3],
      [1, 3, 3],
      [3, 1, 3],
    ]) {
      assert.equal(
        maxSeatsOfEstimate({ initialSeats, finalSeats, additionalLatencyNanos: 0 }),
        expected,
      );
    }
  });

  it("fits final seats to the limit, keeping the final work", () => {
    const estimate = { initialSeats: 1, finalSeats: 10, additionalLatencyNanos: 5_000_000 };
    const { finalWork } = requestWork(estimate, G);
    const fitted = fitFinalSeats(estimate, finalWork, 4);
    assert.deepEqual(fitted, {
      initialSeats: 1,
      finalSeats: 4,
      additionalLatencyNanos: 12_500_000,
    });
    assert.equal(fitFinalSeats(estimate, finalWork, 10), estimate);
  });
});
