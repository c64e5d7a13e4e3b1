/**
 * One counter series: the increase in each sampling window and the cumulative total.
 */
import type { LabelValues } from "./definitions.js";
import { grownCapacity, grownFloat64 } from "./growable.js";
import type { SamplingWindows } from "./sampling-windows.js";

/** What summaries and the exposition may read of a counter series. */
export interface CounterReader {
  /** The family's name. */
  readonly name: string;
  readonly labels: LabelValues;
  /** Sum of everything added since the start of the run. */
  readonly total: number;
  /** Increase in each window, one entry per window. */
  windowIncreases(): Float64Array;
}

export class CounterSeries implements CounterReader {
  total = 0;
  private increases = new Float64Array(0);

  constructor(
    readonly name: string,
    readonly labels: LabelValues,
    private readonly windows: SamplingWindows,
  ) {}

  /** Adds `amount` (already checked to be finite and >= 0) in window `window`. */
  add(window: number, amount: number): void {
    let increases = this.increases;
    if (window >= increases.length) {
      increases = this.increases = grownFloat64(
        increases,
        grownCapacity(window, increases.length, this.windows.count),
      );
    }
    increases[window] += amount;
    this.total += amount;
  }

  windowIncreases(): Float64Array {
    const result = new Float64Array(this.windows.count);
    result.set(this.increases);
    return result;
  }
}
