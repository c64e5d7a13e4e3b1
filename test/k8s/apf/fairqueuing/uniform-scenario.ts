/**
 * A port of the uniformScenario harness of upstream's queueset_test.go: closed-loop clients,
 * each with threads that make nCalls requests one after another (the next one is issued
 * exec + think after the previous one started executing), and a check that each client's
 * average executing seats match the max-min fair share of the limit (or given averages).
 */
import {
  additionalLatencySeconds,
  Integrator,
  QueueSet,
  type QueueSetConfig,
  type Ticket,
} from "../../../../src/k8s/apf/index.js";
import { EventLoop } from "./event-loop.js";

export interface UniformClient {
  hash: bigint;
  threads: number;
  calls: number;
  execSeconds: number;
  /** May be negative: the next call then starts before the previous one returns. */
  thinkSeconds: number;
  /** Upstream's defaults: 1 initial seat, 1 final seat, no padding. */
  initialSeats?: number;
  finalSeats?: number;
  padSeconds?: number;
  /** Half the threads start only at the middle of the evaluation. */
  split?: boolean;
}

export interface UniformScenario {
  config: QueueSetConfig;
  clients: readonly UniformClient[];
  evalSeconds: number;
  /** Overrides the max-min fair expectation. */
  expectedAverages?: readonly number[];
}

export interface ScenarioResult {
  /** Per evaluation (one, or two when a client is split): each client's average seats. */
  averages: number[][];
  /** Per evaluation: each client's expected average. */
  expected: number[][];
  failed: number;
  /** Seat demand as reported by the queue set and as tracked independently. */
  reportedDemand: { average: number; deviation: number };
  trackedDemand: { average: number; deviation: number };
}

const NANOSECOND = 1e-9;

export function runUniformScenario(scenario: UniformScenario): ScenarioResult {
  const loop = new EventLoop();
  const reported = new Integrator(0);
  const tracked = new Integrator(0);
  const queueSet = new QueueSet<number>(scenario.config, { seatDemand: reported });
  const execSeats = scenario.clients.map(() => new Integrator(0));
  const split = scenario.clients.some((client) => client.split === true);
  /** What each queued request does once dispatched. */
  const waiting = new Map<Ticket<number>, () => void>();
  let failed = 0;

  const dispatched = (tickets: readonly Ticket<number>[]): void => {
    for (const ticket of tickets) {
      const run = waiting.get(ticket);
      if (run === undefined) throw new Error("dispatched a request nobody waits for");
      waiting.delete(ticket);
      run();
    }
  };

  scenario.clients.forEach((client, i) => {
    const initialSeats = client.initialSeats ?? 1;
    const finalSeats = client.finalSeats ?? 1;
    const padSeconds = client.padSeconds ?? 0;
    const maxSeats = Math.max(initialSeats, finalSeats);
    const estimate = {
      initialSeats,
      finalSeats,
      additionalLatencyNanos: Math.round(padSeconds * 1e9),
    };

    // As upstream: the next call is scheduled first, then the execution ends.
    const execute = (ticket: Ticket<number>, calls: number): void => {
      execSeats[i].add(loop.now, initialSeats);
      loop.after(client.execSeconds + client.thinkSeconds, () => call(ticket.payload + 1, calls));
      loop.after(client.execSeconds, () => {
        execSeats[i].add(loop.now, -initialSeats);
        loop.after(padSeconds, () => tracked.add(loop.now, -maxSeats));
        dispatched(queueSet.finishExecution(loop.now, ticket));
        if (ticket.state === "lingering") {
          loop.after(additionalLatencySeconds(ticket.estimate), () =>
            dispatched(queueSet.releaseFinal(loop.now, ticket)),
          );
        }
      });
    };

    const call = (k: number, calls: number): void => {
      if (k >= calls) return;
      tracked.add(loop.now, maxSeats);
      const outcome = queueSet.startRequest(loop.now, client.hash, estimate, k);
      if (outcome.kind === "rejected") {
        // Upstream's thread gives up after a rejection.
        failed++;
        tracked.add(loop.now, -maxSeats);
        return;
      }
      const { ticket } = outcome;
      if (outcome.kind === "execute") execute(ticket, calls);
      else waiting.set(ticket, () => execute(ticket, calls));
      dispatched(outcome.othersDispatched);
    };

    for (let j = 0; j < client.threads; j++) {
      let delay = (90 * j + 20 * i) * NANOSECOND;
      let calls = client.calls;
      if (client.split === true && j >= Math.trunc(client.threads / 2)) {
        delay += scenario.evalSeconds / 2;
        calls = Math.trunc(calls / 2);
      }
      loop.at(delay, () => call(0, calls));
    }
  });

  const averages: number[][] = [];
  const expected: number[][] = [];
  const evaluate = (end: number, last: boolean): void => {
    loop.runUntil(end);
    averages.push(execSeats.map((integrator) => integrator.reset(end).average));
    const demands = scenario.clients.map((client) => {
      const threads =
        client.split === true && !last ? Math.trunc(client.threads / 2) : client.threads;
      return (
        (threads * (client.initialSeats ?? 1) * client.execSeconds) /
        (client.thinkSeconds + client.execSeconds)
      );
    });
    expected.push([
      ...(scenario.expectedAverages ?? fairAlloc(demands, scenario.config.concurrencyLimit)),
    ]);
  };
  if (split) evaluate(scenario.evalSeconds / 2, false);
  evaluate(scenario.evalSeconds, true);
  const reportedResults = reported.getResults(loop.now);
  const trackedResults = tracked.getResults(loop.now);
  loop.runUntil(Number.MAX_SAFE_INTEGER);
  if (waiting.size > 0) throw new Error(`${waiting.size} requests never left their queues`);
  return {
    averages,
    expected,
    failed,
    reportedDemand: { average: reportedResults.average, deviation: reportedResults.deviation },
    trackedDemand: { average: trackedResults.average, deviation: trackedResults.deviation },
  };
}

/** Max-min fair allocation of `capacity` to `demands` (upstream's fairAlloc test helper). */
export function fairAlloc(demands: readonly number[], capacity: number): number[] {
  const count = demands.length;
  const indices = demands.map((_, index) => index).sort((a, b) => demands[a] - demands[b]);
  const alloc = new Array<number>(count).fill(0);
  let next = 0;
  let previous = 0;
  let remaining = capacity;
  for (; next < count; next++) {
    const index = indices[next];
    const demand = demands[index];
    if (demand <= 0) continue;
    const fullBite = (count - next) * (demand - previous);
    if (fullBite > remaining) break;
    previous = demand;
    alloc[index] = demand;
    remaining -= fullBite;
  }
  for (let j = next; j < count; j++) alloc[indices[j]] = previous + remaining / (count - next);
  return alloc;
}
