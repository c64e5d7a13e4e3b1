/**
 * What a monitoring system scraping one cluster would see, minute by minute: the apiserver's
 * p99 latency over non-watch requests, 429s per second, whether /readyz answers. Deploy gates
 * and alert rules read the last complete minute, as a Prometheus rule over a 1m window would.
 */
import type { ApiRequest } from "../model/request.js";
import { STATUS_TOO_MANY_REQUESTS } from "../model/request.js";

/** Latency buckets (s) of the per-minute histogram the p99 is read from. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120] as const;

export interface ControlPlaneSignals {
  /** p99 of non-watch requests answered in the last complete minute (s); 0 when none. */
  apiserverP99Seconds: number;
  rejected429PerSecond: number;
  /** Share of non-watch requests answered 200 in the last complete minute (1 when none). */
  apiAvailability: number;
}

export class HealthSignalsTracker {
  private readonly counts = new Float64Array(BUCKETS.length + 1);
  private answered = 0;
  private ok = 0;
  private rejected = 0;
  private minute = 0;
  private last: ControlPlaneSignals = {
    apiserverP99Seconds: 0,
    rejected429PerSecond: 0,
    apiAvailability: 1,
  };

  constructor(private readonly windowSeconds = 60) {}

  /** A request's final answer at `now`, as its client saw it. */
  record(request: ApiRequest, status: number, latencySeconds: number, now: number): void {
    this.roll(now);
    if (request.template.verb === "watch") return;
    this.answered++;
    if (status === 200) this.ok++;
    if (status === STATUS_TOO_MANY_REQUESTS) this.rejected++;
    let bucket = 0;
    while (bucket < BUCKETS.length && latencySeconds > BUCKETS[bucket]) bucket++;
    this.counts[bucket]++;
  }

  /** The last complete window's signals. */
  signals(now: number): ControlPlaneSignals {
    this.roll(now);
    return this.last;
  }

  private roll(now: number): void {
    const minute = Math.floor(now / this.windowSeconds);
    if (minute === this.minute) return;
    // A window with no answers at all (every connection refused before reaching a replica is
    // still an answer) reads as empty: p99 0, availability 1.
    const completedJustBefore = minute === this.minute + 1;
    this.last = completedJustBefore
      ? {
          apiserverP99Seconds: this.quantile(0.99),
          rejected429PerSecond: this.rejected / this.windowSeconds,
          apiAvailability: this.answered === 0 ? 1 : this.ok / this.answered,
        }
      : { apiserverP99Seconds: 0, rejected429PerSecond: 0, apiAvailability: 1 };
    this.minute = minute;
    this.counts.fill(0);
    this.answered = 0;
    this.ok = 0;
    this.rejected = 0;
  }

  /** The upper bound of the bucket holding the q-quantile: Prometheus-style, conservative. */
  private quantile(q: number): number {
    if (this.answered === 0) return 0;
    const rank = q * this.answered;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return i < BUCKETS.length ? BUCKETS[i] : BUCKETS[BUCKETS.length - 1] * 2;
    }
    return BUCKETS[BUCKETS.length - 1] * 2;
  }
}
