/**
 * The run cut into sampling windows: window i covers [i·step, (i+1)·step), and the last one ends
 * at the run's end time (it is shorter when the end is not a multiple of the step).
 */

/** More windows than this is a mistake in the options (a 1 ms step over a day), not a plan. */
export const MAX_WINDOWS = 10_000_000;

export class SamplingWindows {
  /** Number of windows; at least 1. */
  readonly count: number;

  constructor(
    /** Window length in simulated seconds. */
    readonly stepSeconds: number,
    /** The run's end time in simulated seconds; the last instant that may be recorded. */
    readonly endSeconds: number,
  ) {
    if (!(stepSeconds > 0 && stepSeconds < Infinity)) {
      throw new RangeError(
        `sampling step must be a positive number of seconds, got ${stepSeconds}`,
      );
    }
    if (!(endSeconds > 0 && endSeconds < Infinity)) {
      throw new RangeError(`run end time must be a positive number of seconds, got ${endSeconds}`);
    }
    // An end that is a whole number of steps up to rounding (0.3 s at 0.1 s) gets no sliver window.
    const ratio = endSeconds / stepSeconds;
    const whole = Math.round(ratio);
    const count = Math.abs(ratio - whole) <= 1e-9 * Math.max(1, whole) ? whole : Math.ceil(ratio);
    if (count > MAX_WINDOWS) {
      throw new RangeError(
        `${endSeconds} s at a step of ${stepSeconds} s gives ${count} windows; at most ${MAX_WINDOWS} are allowed`,
      );
    }
    this.count = Math.max(1, count);
  }

  /**
   * The window holding time `now`, or -1 when `now` lies outside [0, end] or is NaN (the kernel
   * never fires an event past `until`, so such a time is a bug the caller reports). The end time
   * itself belongs to the last window: windows are half-open, and it would otherwise open a window
   * of zero length.
   */
  indexOf(now: number): number {
    if (!(now >= 0 && now <= this.endSeconds)) return -1;
    const index = Math.floor(now / this.stepSeconds);
    return index < this.count ? index : this.count - 1;
  }

  /** Start of window `index` in seconds. */
  start(index: number): number {
    return index * this.stepSeconds;
  }

  /** End of window `index` in seconds, the run's end for the last window. */
  end(index: number): number {
    return index === this.count - 1 ? this.endSeconds : (index + 1) * this.stepSeconds;
  }

  /** Length of window `index` in seconds. */
  duration(index: number): number {
    return this.end(index) - this.start(index);
  }
}
