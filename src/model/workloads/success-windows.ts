/**
 * Offered and succeeded requests per fixed window (a minute by default) for a set of series
 * (products or services): the user-visible success rate per window.
 */

export interface SuccessWindow {
  /** Simulated time the window starts (seconds). */
  start: number;
  offeredRequests: number;
  succeededRequests: number;
  /** succeeded / offered; NaN for a window without requests. */
  successRate: number;
}

export class SuccessWindows {
  private readonly offered: number[][];
  private readonly succeeded: number[][];

  constructor(
    series: number,
    readonly windowSeconds: number,
  ) {
    this.offered = Array.from({ length: series }, () => []);
    this.succeeded = Array.from({ length: series }, () => []);
  }

  /** Requests at `perSecond` with success probability `success` during [start, start+duration). */
  add(series: number, start: number, duration: number, perSecond: number, success: number): void {
    let time = start;
    const end = start + duration;
    while (time < end) {
      const window = Math.floor(time / this.windowSeconds);
      const windowEnd = Math.min(end, (window + 1) * this.windowSeconds);
      const requests = perSecond * (windowEnd - time);
      const offered = this.offered[series];
      const succeeded = this.succeeded[series];
      while (offered.length <= window) {
        offered.push(0);
        succeeded.push(0);
      }
      offered[window] += requests;
      succeeded[window] += requests * success;
      time = windowEnd;
    }
  }

  windows(series: number): SuccessWindow[] {
    return this.offered[series].map((offeredRequests, window) => {
      const succeededRequests = this.succeeded[series][window];
      return {
        start: window * this.windowSeconds,
        offeredRequests,
        succeededRequests,
        successRate: offeredRequests > 0 ? succeededRequests / offeredRequests : NaN,
      };
    });
  }
}
