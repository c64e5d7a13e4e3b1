/**
 * Upstream's fairness scenarios (queueset_test.go, v0.34.0) replayed on the port with the same
 * queue configurations, client hashes, timings and margins.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { QueueSetConfig } from "../../../../src/k8s/apf/index.js";
import {
  fairAlloc,
  runUniformScenario,
  type UniformClient,
  type UniformScenario,
} from "./uniform-scenario.js";

const NS = 1e-9;

function client(
  hash: bigint,
  threads: number,
  calls: number,
  execSeconds: number,
  thinkSeconds: number,
  extra: Partial<UniformClient> = {},
): UniformClient {
  return { hash, threads, calls, execSeconds, thinkSeconds, ...extra };
}

function queuing(
  name: string,
  queues: number,
  queueLengthLimit: number,
  handSize: number,
  concurrencyLimit: number,
): QueueSetConfig {
  return { name, queues, queueLengthLimit, handSize, concurrencyLimit };
}

interface Expectation {
  /** Per evaluation half: whether the averages are within the margin of the expected ones. */
  fair: readonly boolean[];
  margins: readonly number[];
  allRequests: boolean;
}

function check(scenario: UniformScenario, expectation: Expectation): void {
  const result = runUniformScenario(scenario);
  result.averages.forEach((averages, half) => {
    averages.forEach((average, i) => {
      const expected = result.expected[half][i];
      const margin = expectation.margins[half];
      const withinMargin =
        expected > 0
          ? Math.abs((average - expected) / expected) <= margin
          : Math.abs(average) <= margin;
      assert.equal(
        withinMargin,
        expectation.fair[half],
        `half ${half} client ${i}: average ${average}, expected ${expected} ± ${margin * 100}%`,
      );
    });
  });
  if (expectation.allRequests) assert.equal(result.failed, 0, "every request is served");
  else assert.ok(result.failed > 0, "some requests are rejected");
  assertClose(result.reportedDemand.average, result.trackedDemand.average, "seat demand average");
  assertClose(result.reportedDemand.deviation, result.trackedDemand.deviation, "deviation");
}

function assertClose(actual: number, expected: number, what: string): void {
  const a = Number.isNaN(actual) ? 0 : actual;
  const e = Number.isNaN(expected) ? 0 : expected;
  const scale = Math.max(Math.abs(a), Math.abs(e));
  assert.ok(scale === 0 || Math.abs(a - e) / scale < 1e-9, `${what}: ${actual} vs ${expected}`);
}

const FAIR = (margin: number, allRequests = true): Expectation => ({
  fair: [true],
  margins: [margin],
  allRequests,
});

describe("fairAlloc (upstream TestFairAlloc)", () => {
  it("computes max-min fair shares", () => {
    assert.deepEqual(fairAlloc([0, 0], 42), [0, 0]);
    assert.deepEqual(fairAlloc([47, 0], 42), [42, 0]);
    assert.deepEqual(fairAlloc([1, 47], 42), [1, 41]);
    assert.deepEqual(fairAlloc([3, 7, 9, 1], 14), [3, 5, 5, 1]);
    assert.deepEqual(fairAlloc([1, 9, 7, 3], 21), [1, 9, 7, 3]);
  });
});

describe("uniform scenarios from upstream queueset_test.go", () => {
  it("TestBaseline: one client alone gets what it asks for", () => {
    check(
      {
        config: queuing("TestBaseline", 9, 8, 3, 1),
        clients: [client(1001001001n, 1, 21, 1, 0)],
        evalSeconds: 20,
      },
      FAIR(0),
    );
  });

  for (const concurrencyLimit of [0, 2]) {
    it(`TestExampt (concurrency=${concurrencyLimit}): the exempt level never limits`, () => {
      check(
        {
          config: queuing("TestExempt", -1, 2, 3, concurrencyLimit),
          clients: [client(1001001001n, 5, 20, 1, 1, { initialSeats: 3 })],
          evalSeconds: 40,
          expectedAverages: [7.5],
        },
        FAIR(0.00000001),
      );
    });
  }

  const separations: Array<{
    think: number;
    pad: number;
    finalSeats: number;
    conc: number;
    nClients: number;
    exp?: number[];
  }> = [
    { think: 1, pad: 0, finalSeats: 1, conc: 1, nClients: 1 },
    { think: 1, pad: 0, finalSeats: 1, conc: 2, nClients: 1 },
    { think: 1, pad: 0, finalSeats: 2, conc: 2, nClients: 1 },
    { think: 1, pad: 0, finalSeats: 1, conc: 1, nClients: 2 },
    { think: 1, pad: 0, finalSeats: 1, conc: 2, nClients: 2 },
    { think: 1, pad: 0, finalSeats: 2, conc: 2, nClients: 2 },
    { think: 0, pad: 1, finalSeats: 1, conc: 1, nClients: 1, exp: [0.5] },
    { think: 0, pad: 1, finalSeats: 1, conc: 2, nClients: 1 },
    { think: 0, pad: 1, finalSeats: 2, conc: 2, nClients: 1, exp: [0.5] },
    { think: 0, pad: 1, finalSeats: 1, conc: 1, nClients: 2, exp: [0.25, 0.25] },
    { think: 0, pad: 1, finalSeats: 1, conc: 2, nClients: 2, exp: [0.5, 0.5] },
    { think: 0, pad: 1, finalSeats: 2, conc: 2, nClients: 2, exp: [0.25, 0.25] },
    { think: 1, pad: 0.5, finalSeats: 1, conc: 1, nClients: 1 },
    { think: 1, pad: 0.5, finalSeats: 1, conc: 2, nClients: 1 },
    { think: 1, pad: 0.5, finalSeats: 2, conc: 2, nClients: 1 },
    { think: 1, pad: 0.5, finalSeats: 1, conc: 1, nClients: 2, exp: [1 / 3, 1 / 3] },
    { think: 1, pad: 0.5, finalSeats: 1, conc: 2, nClients: 2 },
    { think: 1, pad: 0.5, finalSeats: 2, conc: 2, nClients: 2, exp: [1 / 3, 1 / 3] },
    { think: 0.5, pad: 1, finalSeats: 1, conc: 1, nClients: 1, exp: [0.5] },
    { think: 0.5, pad: 1, finalSeats: 1, conc: 2, nClients: 1 },
    { think: 0.5, pad: 1, finalSeats: 2, conc: 2, nClients: 1, exp: [0.5] },
    { think: 0.5, pad: 1, finalSeats: 1, conc: 1, nClients: 2, exp: [0.25, 0.25] },
    { think: 0.5, pad: 1, finalSeats: 1, conc: 2, nClients: 2, exp: [0.5, 0.5] },
    { think: 0.5, pad: 1, finalSeats: 2, conc: 2, nClients: 2, exp: [0.25, 0.25] },
  ];
  for (const s of separations) {
    const name = `think=${s.think}s,finalSeats=${s.finalSeats},pad=${s.pad}s,nClients=${s.nClients},conc=${s.conc}`;
    it(`TestSeparations/${name}: final seats are held for the padding`, () => {
      const padded = { finalSeats: s.finalSeats, padSeconds: s.pad };
      check(
        {
          config: queuing(`TestSeparations/${name}`, 9, 8, 3, s.conc),
          clients: [
            client(1001001001n, 1, 25, 1, s.think, padded),
            client(2002002002n, 1, 25, 1, s.think, padded),
          ].slice(0, s.nClients),
          evalSeconds: 24,
          expectedAverages: s.exp,
        },
        FAIR(0),
      );
    });
  }

  it("TestUniformFlowsHandSize1: two equal flows share equally", () => {
    check(
      {
        config: queuing("TestUniformFlowsHandSize1", 9, 8, 1, 4),
        clients: [client(1001001001n, 8, 20, 1, 1 - NS), client(2002002002n, 8, 20, 1, 1 - NS)],
        evalSeconds: 50,
      },
      FAIR(0.01),
    );
  });

  it("TestUniformFlowsHandSize3: the same with shuffle sharding over 3 of 8 queues", () => {
    check(
      {
        config: queuing("TestUniformFlowsHandSize3", 8, 16, 3, 4),
        clients: [client(400900100100n, 8, 30, 1, 1 - NS), client(300900200200n, 8, 30, 1, 1 - NS)],
        evalSeconds: 60,
      },
      FAIR(0.03),
    );
  });

  it("TestDifferentFlowsExpectEqual: different demand shapes above the fair share get equal shares", () => {
    check(
      {
        config: queuing("DiffFlowsExpectEqual", 9, 8, 1, 4),
        clients: [client(1001001001n, 8, 20, 1, 1), client(2002002002n, 7, 30, 1, 0.5)],
        evalSeconds: 40,
      },
      FAIR(0.01),
    );
  });

  it("TestDifferentFlowsExpectUnequal: a flow below its fair share gets all it asks for", () => {
    check(
      {
        config: queuing("DiffFlowsExpectUnequal", 9, 6, 1, 3),
        clients: [client(1001001001n, 4, 20, 1, 1 - NS), client(2002002002n, 2, 20, 1, 1 - NS)],
        evalSeconds: 20,
      },
      FAIR(0.01),
    );
  });

  it("TestDifferentWidths: 2-seat requests count double", () => {
    check(
      {
        config: queuing("TestDifferentWidths", 64, 13, 7, 6),
        clients: [
          client(10010010010010n, 13, 10, 1, 1 - NS),
          client(20020020020020n, 7, 10, 1, 1 - NS, { initialSeats: 2 }),
        ],
        evalSeconds: 20,
      },
      FAIR(0.155),
    );
  });

  it("TestTooWide: 7-seat requests at a limit of 6 run alone and still get roughly their share", () => {
    const narrow = (hash: bigint): UniformClient =>
      client(hash, 15, 21, 1, 1 - NS, { initialSeats: 2 });
    check(
      {
        config: queuing("TestTooWide", 64, 35, 7, 6),
        clients: [
          narrow(40040040040040n),
          narrow(50050050050050n),
          narrow(60060060060060n),
          narrow(70070070070070n),
          client(90090090090090n, 15, 21, 1, 1 - NS, { initialSeats: 7 }),
        ],
        evalSeconds: 225,
      },
      FAIR(0.33),
    );
  });

  for (const { margin, fair, name } of [
    { margin: 0.26, fair: true, name: "upper-bound" },
    { margin: 0.1, fair: false, name: "lower-bound" },
  ]) {
    it(`TestWindup/${name}: a flow that could not use its share is only partly compensated`, () => {
      check(
        {
          config: queuing(`TestWindup/${name}`, 9, 6, 1, 3),
          clients: [
            client(1001001001n, 2, 40, 1, -NS),
            client(2002002002n, 2, 40, 1, -NS, { split: true }),
          ],
          evalSeconds: 40,
        },
        { fair: [true, fair], margins: [0.01, margin], allRequests: true },
      );
    });
  }

  it("TestDifferentFlowsWithoutQueuing: a Reject level is first come, first served", () => {
    check(
      {
        config: queuing("TestDifferentFlowsWithoutQueuing", 0, 0, 0, 4),
        clients: [client(1001001001n, 6, 10, 1, 0.057), client(2002002002n, 4, 15, 1, 0.75)],
        evalSeconds: 13,
      },
      { fair: [false], margins: [0.2], allRequests: false },
    );
  });
});
