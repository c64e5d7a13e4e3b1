/**
 * The discrete-event kernel: a simulated clock in seconds, the event queue, named random
 * streams and run limits. It knows nothing of Kubernetes.
 */
import { performance } from "node:perf_hooks";
import { EventQueue, type EventCallback, type EventHandle } from "./event-queue.js";
import { RandomStream } from "./random.js";

export type { EventCallback, EventHandle } from "./event-queue.js";

export interface RunLimits {
  /** Stop when the next event lies beyond this simulated time (seconds); the clock ends here. */
  until?: number;
  /** Stop after this many events have fired. */
  maxEvents?: number;
  /** Stop after this much wall-clock time (milliseconds). */
  wallClockBudgetMs?: number;
  /** Called about every `progressIntervalMs` of wall time with the simulated time. */
  onProgress?: (now: number) => void;
  progressIntervalMs?: number;
}

/**
 * Why a run stopped. `until`, `drained` and `stopped` are normal ends; `max-events` and
 * `wall-clock` mean a limit cut the run short.
 */
export type StopReason = "until" | "drained" | "stopped" | "max-events" | "wall-clock";

export interface RunOutcome {
  reason: StopReason;
  /** Simulated time when the run stopped (seconds). */
  now: number;
  /** Events fired by this call of `run`. */
  events: number;
  wallClockMs: number;
  /** A sentence for people, naming the limit and the seed when a limit stopped the run. */
  message: string;
}

/** An exception thrown by a model's callback, with the simulated time and the seed to replay it. */
export class SimulationError extends Error {
  constructor(
    message: string,
    readonly now: number,
    readonly seed: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SimulationError";
  }
}

// The wall clock and progress are looked at once per this many events: often enough for a
// budget of a few milliseconds, rarely enough to cost nothing.
const CHECK_EVERY_EVENTS = 4096;

export class Simulation {
  private readonly queue = new EventQueue();
  private readonly streams = new Map<string, RandomStream>();
  private clock = 0;
  private stopRequested = false;
  private firedTotal = 0;

  constructor(readonly seed: number) {
    // Validates the seed up front rather than at the first draw.
    void new RandomStream(seed, "");
  }

  /** Current simulated time in seconds. */
  get now(): number {
    return this.clock;
  }

  /** Events fired since the simulation was created. */
  get eventsFired(): number {
    return this.firedTotal;
  }

  /** Events scheduled and neither fired nor cancelled. */
  get pending(): number {
    return this.queue.size;
  }

  /** Schedules `callback(arg)` after `delay` seconds (>= 0). Ties fire in scheduling order. */
  schedule(delay: number, callback: () => void): EventHandle;
  schedule<T>(delay: number, callback: EventCallback<T>, arg: T): EventHandle;
  schedule<T>(delay: number, callback: EventCallback<T>, arg?: T): EventHandle {
    if (!(delay >= 0 && delay < Infinity)) {
      throw new RangeError(`event delay must be finite and >= 0 seconds, got ${delay}`);
    }
    return this.queue.push(this.clock + delay, callback as EventCallback<unknown>, arg);
  }

  /** Schedules `callback(arg)` at simulated time `time` (>= now). */
  scheduleAt(time: number, callback: () => void): EventHandle;
  scheduleAt<T>(time: number, callback: EventCallback<T>, arg: T): EventHandle;
  scheduleAt<T>(time: number, callback: EventCallback<T>, arg?: T): EventHandle {
    if (!(time >= this.clock && time < Infinity)) {
      throw new RangeError(`event time must be finite and >= now (${this.clock}), got ${time}`);
    }
    return this.queue.push(time, callback as EventCallback<unknown>, arg);
  }

  /** Cancels a pending event in O(1). Returns false when it already fired or was cancelled. */
  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  /** The random stream of a component, derived from (seed, name); the same name, the same stream. */
  random(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new RandomStream(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /** Asks the running `run` to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Fires events in (time, scheduling order) until a limit, `stop()`, or an empty queue. */
  run(limits: RunLimits = {}): RunOutcome {
    const until = limits.until ?? Infinity;
    const maxEvents = limits.maxEvents ?? Infinity;
    const budgetMs = limits.wallClockBudgetMs ?? Infinity;
    const progressIntervalMs = limits.progressIntervalMs ?? 100;
    const onProgress = limits.onProgress;
    if (!(until >= this.clock)) {
      throw new RangeError(`run until ${until} s lies before the clock (${this.clock} s)`);
    }
    const queue = this.queue;
    const started = performance.now();
    let nextProgress = started + progressIntervalMs;
    let events = 0;
    let untilCheck = CHECK_EVERY_EVENTS;
    let reason: StopReason;
    this.stopRequested = false;

    try {
      for (;;) {
        const time = queue.peekTime();
        if (time > until) {
          reason = "until";
          this.clock = until;
          break;
        }
        if (time === Infinity) {
          reason = "drained";
          break;
        }
        if (events >= maxEvents) {
          reason = "max-events";
          break;
        }
        if (--untilCheck === 0) {
          untilCheck = CHECK_EVERY_EVENTS;
          const wall = performance.now();
          if (wall - started >= budgetMs) {
            reason = "wall-clock";
            break;
          }
          if (onProgress !== undefined && wall >= nextProgress) {
            nextProgress = wall + progressIntervalMs;
            onProgress(this.clock);
          }
        }
        queue.take();
        this.clock = queue.takenTime;
        events++;
        (queue.takenCallback as EventCallback<unknown>)(queue.takenArg);
        if (this.stopRequested) {
          reason = "stopped";
          break;
        }
      }
    } catch (error) {
      queue.finishTake();
      this.firedTotal += events;
      if (error instanceof SimulationError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new SimulationError(
        `model error at simulated time ${formatSeconds(this.clock)} (seed ${this.seed}): ${detail}`,
        this.clock,
        this.seed,
        { cause: error },
      );
    }
    queue.finishTake();
    this.firedTotal += events;
    const wallClockMs = performance.now() - started;
    return { reason, now: this.clock, events, wallClockMs, message: this.describe(reason, limits) };
  }

  private describe(reason: StopReason, limits: RunLimits): string {
    const at = `at simulated time ${formatSeconds(this.clock)}`;
    switch (reason) {
      case "until":
        return `reached the end of the run ${at}`;
      case "drained":
        return `no events left ${at}`;
      case "stopped":
        return `stopped by the model ${at}`;
      case "max-events":
        return `stopped by the event limit (${limits.maxEvents} events) ${at}, seed ${this.seed}`;
      case "wall-clock":
        return (
          `stopped by the wall-clock budget (${((limits.wallClockBudgetMs ?? 0) / 1000).toFixed(1)} s) ` +
          `${at}, seed ${this.seed}`
        );
    }
  }
}

/** "93.5 s" style for messages. */
export function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(3))} s`;
}
