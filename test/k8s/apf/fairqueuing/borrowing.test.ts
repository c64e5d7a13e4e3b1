import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  allocateConcurrency,
  bootstrapConfiguration,
  BORROWING_ADJUSTMENT_PERIOD_SECONDS,
  computeConcurrencyLimits,
  hashFlowID,
  Integrator,
  PRIORITY_LEVEL_NAME_EXEMPT,
  QueueSet,
  SEAT_DEMAND_SMOOTHING_COEFFICIENT,
  SeatDemandIntegrator,
  suggestedPriorityLevelConfigurations,
  type BorrowingLevel,
  type PriorityLevelConfiguration,
  type Ticket,
} from "../../../../src/k8s/apf/index.js";
import type { KubernetesVersion } from "../../../../src/k8s/index.js";
import { EventLoop } from "./event-loop.js";
import { seats } from "./queueset-driver.js";

/** Borrowing levels for a configuration, with their demand integrators started at 0. */
function borrowingLevels(
  priorityLevels: readonly PriorityLevelConfiguration[],
  serverLimit: number,
): Map<string, BorrowingLevel> {
  const levels = new Map<string, BorrowingLevel>();
  for (const [name, concurrency] of computeConcurrencyLimits(priorityLevels, serverLimit)) {
    levels.set(name, {
      concurrency,
      exempt: name === PRIORITY_LEVEL_NAME_EXEMPT,
      demand: new SeatDemandIntegrator(0),
    });
  }
  return levels;
}

/** Runs one adjustment and stores each level's new limit as its currentCL. */
function adjust(
  now: number,
  levels: Map<string, BorrowingLevel>,
  version: KubernetesVersion,
): Map<string, number> {
  const list = [...levels.values()];
  const limits = allocateConcurrency(now, list, { version });
  const byName = new Map<string, number>();
  list.forEach((level, index) => {
    level.currentCL = limits[index];
    byName.set(level.concurrency.name, limits[index]);
  });
  return byName;
}

function level(levels: Map<string, BorrowingLevel>, name: string): BorrowingLevel {
  const found = levels.get(name);
  assert.ok(found !== undefined, name);
  return found;
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

describe("borrowing with the bootstrap levels at 600 seats", () => {
  const priorityLevels = bootstrapConfiguration("1.34").priorityLevelConfigurations;

  for (const version of ["1.29", "1.34"] as const) {
    it(`${version}: idle levels lend everything lendable to a busy one; the total stays the nominal sum`, () => {
      const levels = borrowingLevels(priorityLevels, 600);
      const nominalSum = sum([...levels.values()].map((l) => l.concurrency.nominalCL));
      assert.equal(nominalSum, 602, "600 seats, rounded up per level");
      adjust(0, levels, version);
      level(levels, "workload-low").demand.set(0, 400);
      let limits = new Map<string, number>();
      for (let t = 10; t <= 60; t += BORROWING_ADJUSTMENT_PERIOD_SECONDS) {
        limits = adjust(t, levels, version);
      }
      let lentByOthers = 0;
      for (const [name, { concurrency }] of levels) {
        const limit = limits.get(name) ?? Number.NaN;
        assert.ok(limit >= concurrency.minCL && limit <= concurrency.maxCL, name);
        if (name === "workload-low") continue;
        assert.equal(limit, concurrency.minCL, `${name} lends all it may`);
        lentByOthers += concurrency.lendableCL;
      }
      const busy = level(levels, "workload-low").concurrency;
      assert.equal(limits.get("workload-low"), busy.nominalCL + lentByOthers);
      assert.equal(limits.get("workload-low"), 245 + 123);
      assert.equal(sum(limits.values()), nominalSum);
    });
  }

  it("starts from the allocation with no demand, replacing nominal − lendable/2", () => {
    const levels = borrowingLevels(priorityLevels, 600);
    const limits = adjust(0, levels, "1.34");
    // With no demand every target is minCL, so the seats are shared in proportion to minCL.
    assert.equal(level(levels, "workload-low").concurrency.initialCL, 135);
    assert.equal(limits.get("workload-low"), Math.round((24 * 602) / 258));
    assert.equal(limits.get(PRIORITY_LEVEL_NAME_EXEMPT), 0);
    // 602 before each level's share is rounded on its own.
    assert.equal(sum(limits.values()), 601);
  });

  it("smooths demand: the envelope jumps up at once and decays by 0.977 per period", () => {
    const levels = borrowingLevels(priorityLevels, 600);
    const busy = level(levels, "workload-low");
    adjust(0, levels, "1.34");
    busy.demand.set(0, 300);
    adjust(10, levels, "1.34");
    assert.equal(busy.demand.stats.smoothed, 300);
    busy.demand.set(10, 0);
    adjust(20, levels, "1.34");
    assert.ok(
      Math.abs(busy.demand.stats.smoothed - 300 * SEAT_DEMAND_SMOOTHING_COEFFICIENT) < 1e-9,
    );
    assert.equal(
      busy.demand.stats.highWatermark,
      300,
      "the peak is the value at the period's start",
    );
    adjust(30, levels, "1.34");
    assert.equal(busy.demand.stats.highWatermark, 0);
    assert.ok(
      Math.abs(busy.demand.stats.smoothed - 300 * SEAT_DEMAND_SMOOTHING_COEFFICIENT ** 2) < 1e-9,
    );
  });

  it("the exempt level: shares the allocation up to 1.30, is served off the top from 1.31", () => {
    const run = (version: KubernetesVersion): Map<string, number> => {
      const levels = borrowingLevels(priorityLevels, 600);
      adjust(0, levels, version);
      level(levels, PRIORITY_LEVEL_NAME_EXEMPT).demand.set(0, 100);
      adjust(10, levels, version);
      return adjust(20, levels, version);
    };
    const old = run("1.30");
    // Exempt is one of the classes sharing 602; each level's share is rounded on its own.
    assert.ok(Math.abs(sum(old.values()) - 602) <= 1, `${sum(old.values())}`);
    assert.ok((old.get(PRIORITY_LEVEL_NAME_EXEMPT) ?? 0) > 0);
    const current = run("1.31");
    assert.equal(current.get(PRIORITY_LEVEL_NAME_EXEMPT), 100);
    // Upstream still hands the others the whole nominal sum when their minimums fit.
    assert.ok(Math.abs(sum(current.values()) - 100 - 602) <= 1);
  });
});

/**
 * Upstream TestUpdateBorrowing (exempt_borrowing_test.go, 1.31+): exempt, workload-high,
 * workload-low and catch-all at a server limit of 6 × their shares (870).
 */
describe("exempt borrowing (upstream TestUpdateBorrowing)", () => {
  const version = "1.34";
  const suggested = suggestedPriorityLevelConfigurations(version);
  const pick = (name: string) => suggested.filter((pl) => pl.metadata.name === name);
  const priorityLevels = [...pick("workload-high"), ...pick("workload-low")];
  const serverCL = (40 + 100 + 5) * 6;
  const levels = borrowingLevels(priorityLevels, serverCL);
  const exempt = level(levels, "exempt");
  const high = level(levels, "workload-high");
  const mid = level(levels, "workload-low");
  const low = level(levels, "catch-all");
  const half = (l: BorrowingLevel) =>
    Math.trunc((l.concurrency.nominalCL + l.concurrency.minCL) / 2);

  it("has no rounding at this limit", () => {
    assert.equal(sum([...levels.values()].map((l) => l.concurrency.nominalCL)), serverCL);
  });

  it("scenario 1: exempt takes so much that everyone else gets minCL", () => {
    adjust(0, levels, version);
    for (const l of [exempt, high, mid, low]) l.demand.set(0, serverCL + 100);
    adjust(10, levels, version);
    assert.equal(exempt.currentCL, serverCL + 100);
    assert.equal(high.currentCL, high.concurrency.minCL);
    assert.equal(mid.currentCL, mid.concurrency.minCL);
    assert.equal(low.currentCL, low.concurrency.minCL);
  });

  it("scenario 2: the others get halfway between minCL and their demand's floor", () => {
    const expectedExempt = serverCL - (half(high) + half(mid) + half(low));
    exempt.demand.set(10, expectedExempt);
    adjust(20, levels, version);
    adjust(30, levels, version);
    assert.equal(exempt.currentCL, expectedExempt);
    assert.equal(high.currentCL, half(high));
    assert.equal(mid.currentCL, half(mid));
    assert.equal(low.currentCL, half(low));
  });

  it("scenario 3: only workload-low lends, and exempt borrows all of it", () => {
    const expectedExempt =
      serverCL - (high.concurrency.nominalCL + mid.concurrency.minCL + low.concurrency.nominalCL);
    exempt.demand.set(30, expectedExempt);
    mid.demand.set(30, 1);
    adjust(40, levels, version);
    adjust(50, levels, version);
    assert.equal(exempt.currentCL, expectedExempt);
    assert.equal(high.currentCL, high.concurrency.nominalCL);
    assert.equal(mid.currentCL, mid.concurrency.minCL);
    assert.equal(low.currentCL, low.concurrency.nominalCL);
  });
});

/**
 * Upstream TestBorrowing (borrowing_test.go): two levels of 100 shares at a server limit of 24
 * (nominal 12 each, plus catch-all 1), 24 closed-loop clients of 250 ms on level 0 and 6 on
 * level 1. From 10 s to 25 s level 0 must run about 16 requests at once and level 1 about 6,
 * whether borrowing is bounded by what level 1 may lend or by what level 0 may borrow.
 */
describe("borrowing between two busy levels (upstream TestBorrowing)", () => {
  const testCases = [
    {
      name: "lendable-limited",
      constraints: [
        { lendable: 50, borrowing: 67 },
        { lendable: 33, borrowing: 50 },
      ],
    },
    {
      name: "borrowing-limited",
      constraints: [
        { lendable: 50, borrowing: 33 },
        { lendable: 67, borrowing: 50 },
      ],
    },
  ];
  const clientsPerFlow = [24, 6];

  for (const version of ["1.29", "1.34"] as const) {
    for (const testCase of testCases) {
      it(`${testCase.name} (${version})`, () => {
        const priorityLevels: PriorityLevelConfiguration[] = testCase.constraints.map(
          (constraint, flow) => ({
            metadata: { name: `test-pl${flow}` },
            spec: {
              type: "Limited",
              limited: {
                nominalConcurrencyShares: 100,
                lendablePercent: constraint.lendable,
                borrowingLimitPercent: constraint.borrowing,
                limitResponse: {
                  type: "Queue",
                  queuing: { queues: 10, handSize: 2, queueLengthLimit: 10 },
                },
              },
            },
          }),
        );
        const levels = borrowingLevels(priorityLevels, 24);
        const loop = new EventLoop();
        const queueSets = new Map<string, QueueSet<number>>();
        for (const [name, l] of levels) {
          const queuing = priorityLevels.find((pl) => pl.metadata.name === name)?.spec.limited
            ?.limitResponse.queuing;
          queueSets.set(
            name,
            new QueueSet<number>(
              {
                name,
                concurrencyLimit: l.concurrency.initialCL,
                queues: l.exempt ? -1 : (queuing?.queues ?? 0),
                handSize: queuing?.handSize ?? 1,
                queueLengthLimit: queuing?.queueLengthLimit ?? 0,
              },
              { seatDemand: l.demand },
            ),
          );
        }
        const rebalance = (): void => {
          const limits = adjust(loop.now, levels, version);
          for (const [name, limit] of limits) {
            for (const ticket of queueSets.get(name)?.setConcurrencyLimit(loop.now, limit) ?? []) {
              continuations.get(ticket)?.();
            }
          }
        };
        const continuations = new Map<Ticket<number>, () => void>();
        rebalance();
        for (let t = 10; t <= 30; t += BORROWING_ADJUSTMENT_PERIOD_SECONDS) loop.at(t, rebalance);

        const concurrency = [new Integrator(0), new Integrator(0)];
        let rejected = 0;
        clientsPerFlow.forEach((clients, flow) => {
          const queueSet = queueSets.get(`test-pl${flow}`) as QueueSet<number>;
          const hash = hashFlowID(`test-fs${flow}`, `test-user${flow}`);
          const execute = (ticket: Ticket<number>): void => {
            continuations.delete(ticket);
            concurrency[flow].add(loop.now, 1);
            loop.after(0.25, () => {
              concurrency[flow].add(loop.now, -1);
              for (const next of queueSet.finishExecution(loop.now, ticket)) {
                continuations.get(next)?.();
              }
              call();
            });
          };
          const call = (): void => {
            if (loop.now >= 30) return;
            const outcome = queueSet.startRequest(loop.now, hash, seats(1), flow);
            if (outcome.kind === "rejected") {
              rejected++;
              loop.after(0.001, call);
              return;
            }
            for (const other of outcome.othersDispatched) continuations.get(other)?.();
            if (outcome.kind === "execute") execute(outcome.ticket);
            else continuations.set(outcome.ticket, () => execute(outcome.ticket));
          };
          for (let client = 0; client < clients; client++) loop.at(0, call);
        });

        loop.at(10, () => concurrency.forEach((integrator) => integrator.reset(loop.now)));
        loop.runUntil(25);
        const [flow0, flow1] = concurrency.map((integrator) => integrator.reset(25).average);
        assert.equal(rejected, 0);
        assert.ok(flow0 >= 15.5 && flow0 <= 16.1, `flow 0 got ${flow0}, expected about 16`);
        assert.ok(flow1 >= 5.5 && flow1 <= 6.1, `flow 1 got ${flow1}, expected about 6`);
      });
    }
  }
});
