/**
 * The state checker: conservation rules checked on every transition while a run is checked
 * (tests, `kubestorm run --check`, swarm runs). A violation stops the run at once with the
 * rule, the simulated time and the seed, so the failure replays from its seed.
 *
 * Off, it costs nothing: components hold `undefined` and test for it before each call.
 */

/** The rules, by name; each violation names one of them. */
export const RULES = {
  answeredOnce: "every request is answered, rejected or timed out exactly once",
  seatsWithinLimit: "seats in use never exceed a priority level's limit",
  memoryAccounting: "memory is never negative and is freed exactly once",
  countsNonNegative: "population and object counts never go below zero",
  noDeadProcessEvents: "no event runs for a dead process",
} as const;

export type RuleName = keyof typeof RULES;

export class StateViolation extends Error {
  constructor(
    readonly rule: RuleName,
    readonly detail: string,
    readonly simulatedTime: number,
    readonly seed: number,
  ) {
    super(
      `state check failed at t=${simulatedTime.toFixed(3)} s (seed ${seed}): ${RULES[rule]}: ${detail}`,
    );
    this.name = "StateViolation";
  }
}

/** A request as the checker tracks it: any object with an identity. */
export type TrackedRequest = object;

export class StateChecker {
  /** Requests sent and not yet answered. */
  private readonly outstanding = new Set<TrackedRequest>();
  /** Requests answered already: a second answer is a violation. */
  private readonly answered = new WeakSet<TrackedRequest>();
  sent = 0;
  answers = 0;
  checks = 0;

  constructor(
    private readonly seed: number,
    private readonly now: () => number,
  ) {}

  fail(rule: RuleName, detail: string): never {
    throw new StateViolation(rule, detail, this.now(), this.seed);
  }

  requestSent(request: TrackedRequest, label: string): void {
    this.checks++;
    if (this.outstanding.has(request) || this.answered.has(request)) {
      this.fail("answeredOnce", `${label} was sent twice`);
    }
    this.outstanding.add(request);
    this.sent++;
  }

  requestAnswered(request: TrackedRequest, label: string): void {
    this.checks++;
    if (!this.outstanding.delete(request)) {
      this.fail(
        "answeredOnce",
        this.answered.has(request)
          ? `${label} was answered twice`
          : `${label} was answered but never sent`,
      );
    }
    this.answered.add(request);
    this.answers++;
  }

  /** Requests still waiting for their answer (in flight when the run ended). */
  get inFlight(): number {
    return this.outstanding.size;
  }

  seats(level: string, inUse: number, limit: number): void {
    this.checks++;
    if (inUse > limit)
      this.fail("seatsWithinLimit", `${level}: ${inUse} seats in use, limit ${limit}`);
    if (inUse < 0) this.fail("seatsWithinLimit", `${level}: ${inUse} seats in use`);
  }

  memory(owner: string, bytes: number): void {
    this.checks++;
    if (!(bytes >= 0)) this.fail("memoryAccounting", `${owner}: memory ${bytes} bytes`);
  }

  memoryFreedTwice(owner: string, what: string): never {
    return this.fail("memoryAccounting", `${owner}: ${what} freed twice`);
  }

  count(what: string, value: number): void {
    this.checks++;
    if (!(value >= 0)) this.fail("countsNonNegative", `${what} = ${value}`);
  }

  deadProcess(owner: string, what: string): never {
    return this.fail("noDeadProcessEvents", `${owner}: ${what}`);
  }
}
