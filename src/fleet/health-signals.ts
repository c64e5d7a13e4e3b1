/**
 * What a monitoring system scraping one cluster would see, minute by minute: the apiserver's
 * p99 latency over non-watch requests, 429s per second, the share of requests answered 200.
 * Deploy gates and alert rules read the last complete minute, as a Prometheus rule over a 1m
 * window would. Every figure is per request: a grouped lease renewal (`batch: g`) counts g times.
 */
import type { ApiRequest } from "../model/request.js";
import {
  STATUS_CONNECTION_REFUSED,
  STATUS_CONNECTION_RESET,
  STATUS_OK,
  STATUS_TOO_MANY_REQUESTS,
} from "../model/request.js";

/** Latency buckets (s) of the per-minute histogram the p99 is read from. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120] as const;

export interface ControlPlaneSignals {
  /**
   * p99 latency of the non-watch requests of the last complete minute that an apiserver answered
   * or that timed out (s). Refused and reset connections have no latency: they never got an
   * answer. Undefined when no request qualifies.
   */
  apiserverP99Seconds: number | undefined;
  rejected429PerSecond: number;
  /** Share of the minute's non-watch requests answered 200, refusals included; undefined when none. */
  apiAvailability: number | undefined;
}

/** Whether a status is a connection that got no HTTP answer (and so has no latency to count). */
export function isConnectionFailure(status: number): boolean {
  return status === STATUS_CONNECTION_REFUSED || status === STATUS_CONNECTION_RESET;
}

const EMPTY: ControlPlaneSignals = {
  apiserverP99Seconds: undefined,
  rejected429PerSecond: 0,
  apiAvailability: undefined,
};

export class HealthSignalsTracker {
  private readonly counts = new Float64Array(BUCKETS.length + 1);
  private requests = 0;
  private timed = 0;
  private ok = 0;
  private rejected = 0;
  private minute = 0;
  private last: ControlPlaneSignals = EMPTY;

  constructor(private readonly windowSeconds = 60) {}

  /** A request's final answer at `now`, as its client saw it. */
  record(request: ApiRequest, status: number, latencySeconds: number, now: number): void {
    this.roll(now);
    if (request.template.verb === "watch") return;
    const weight = request.template.batch ?? 1;
    this.requests += weight;
    if (status === STATUS_OK) this.ok += weight;
    if (status === STATUS_TOO_MANY_REQUESTS) this.rejected += weight;
    if (isConnectionFailure(status)) return;
    this.timed += weight;
    let bucket = 0;
    while (bucket < BUCKETS.length && latencySeconds > BUCKETS[bucket]) bucket++;
    this.counts[bucket] += weight;
  }

  /** The last complete window's signals. */
  signals(now: number): ControlPlaneSignals {
    this.roll(now);
    return this.last;
  }

  private roll(now: number): void {
    const minute = Math.floor(now / this.windowSeconds);
    if (minute === this.minute) return;
    // A minute with no request at all has no latency and no availability.
    const completedJustBefore = minute === this.minute + 1;
    this.last = completedJustBefore
      ? {
          apiserverP99Seconds: this.quantile(0.99),
          rejected429PerSecond: this.rejected / this.windowSeconds,
          apiAvailability: this.requests === 0 ? undefined : this.ok / this.requests,
        }
      : EMPTY;
    this.minute = minute;
    this.counts.fill(0);
    this.requests = 0;
    this.timed = 0;
    this.ok = 0;
    this.rejected = 0;
  }

  /** The upper bound of the bucket holding the q-quantile: Prometheus-style, conservative. */
  private quantile(q: number): number | undefined {
    if (this.timed === 0) return undefined;
    const rank = q * this.timed;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return i < BUCKETS.length ? BUCKETS[i] : BUCKETS[BUCKETS.length - 1] * 2;
    }
    return BUCKETS[BUCKETS.length - 1] * 2;
  }
}
