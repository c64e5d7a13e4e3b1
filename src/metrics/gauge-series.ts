/**
 * One gauge series. A gauge holds its value between sets, so each window records the value at its
 * end, the highest and lowest value it held, and the integral of the value over time
 * (value-seconds) for a time-weighted average. Windows a set skips over are filled with the held
 * value when the next set arrives, so the cost is paid once per window, not per event.
 */
import type { LabelValues } from "./definitions.js";
import { grownCapacity, grownFloat64 } from "./growable.js";
import type { SamplingWindows } from "./sampling-windows.js";

/** Per-window statistics, one entry per window; NaN before the first set. */
export interface GaugeWindowStats {
  /** Value at the end of the window. */
  readonly last: Float64Array;
  readonly max: Float64Array;
  readonly min: Float64Array;
  /** Time-weighted average over the part of the window after the first set. */
  readonly average: Float64Array;
}

/** Whole-run statistics; NaN when the gauge was never set. */
export interface GaugeRunStats {
  readonly last: number;
  readonly max: number;
  readonly min: number;
  /** Time-weighted average from the first set to the end of the run. */
  readonly average: number;
}

/** What summaries and the exposition may read of a gauge series. */
export interface GaugeReader {
  /** The family's name. */
  readonly name: string;
  readonly labels: LabelValues;
  /** The value now; NaN before the first set. */
  readonly value: number;
  windowStats(): GaugeWindowStats;
  runStats(): GaugeRunStats;
}

export class GaugeSeries implements GaugeReader {
  value = NaN;
  private firstTime = NaN;
  private firstWindow = -1;
  private lastTime = 0;
  /** Window of the last set; -1 before the first. */
  private window = -1;
  private runMax = NaN;
  private runMin = NaN;
  private last = new Float64Array(0);
  private max = new Float64Array(0);
  private min = new Float64Array(0);
  private valueSeconds = new Float64Array(0);

  constructor(
    readonly name: string,
    readonly labels: LabelValues,
    private readonly windows: SamplingWindows,
  ) {}

  /** Sets the value at time `now` in window `window` (a finite value, checked by the caller). */
  set(window: number, now: number, value: number): void {
    if (now < this.lastTime) {
      throw new RangeError(
        `gauge ${this.name} set at ${now} s after a set at ${this.lastTime} s; a gauge's time must not go back`,
      );
    }
    if (window === this.window) {
      this.valueSeconds[window] += this.value * (now - this.lastTime);
    } else if (this.window < 0) {
      this.open(window, now, value);
    } else {
      this.advance(window, now);
    }
    this.value = value;
    this.lastTime = now;
    this.last[window] = value;
    if (value > this.max[window]) this.max[window] = value;
    if (value < this.min[window]) this.min[window] = value;
    if (value > this.runMax) this.runMax = value;
    if (value < this.runMin) this.runMin = value;
  }

  windowStats(): GaugeWindowStats {
    const count = this.windows.count;
    const last = new Float64Array(count).fill(NaN);
    const max = new Float64Array(count).fill(NaN);
    const min = new Float64Array(count).fill(NaN);
    const average = new Float64Array(count).fill(NaN);
    if (this.window < 0) return { last, max, min, average };
    const { integral, covered } = this.integrals();
    for (let i = this.firstWindow; i < count; i++) {
      const stored = i <= this.window;
      last[i] = stored ? this.last[i] : this.value;
      max[i] = stored ? this.max[i] : this.value;
      min[i] = stored ? this.min[i] : this.value;
      average[i] = covered[i] > 0 ? integral[i] / covered[i] : last[i];
    }
    return { last, max, min, average };
  }

  runStats(): GaugeRunStats {
    if (this.window < 0) return { last: NaN, max: NaN, min: NaN, average: NaN };
    const { integral, covered } = this.integrals();
    let valueSeconds = 0;
    let seconds = 0;
    for (let i = this.firstWindow; i < this.windows.count; i++) {
      valueSeconds += integral[i];
      seconds += covered[i];
    }
    return {
      last: this.value,
      max: this.runMax,
      min: this.runMin,
      average: seconds > 0 ? valueSeconds / seconds : this.value,
    };
  }

  private open(window: number, now: number, value: number): void {
    this.ensureCapacity(window);
    this.firstTime = now;
    this.firstWindow = window;
    this.window = window;
    this.max[window] = value;
    this.min[window] = value;
    this.runMax = value;
    this.runMin = value;
  }

  /** Closes the current window and fills any skipped ones with the held value. */
  private advance(window: number, now: number): void {
    this.ensureCapacity(window);
    const windows = this.windows;
    const held = this.value;
    const from = this.window;
    this.valueSeconds[from] += held * (windows.end(from) - this.lastTime);
    for (let i = from + 1; i < window; i++) {
      this.last[i] = held;
      this.max[i] = held;
      this.min[i] = held;
      this.valueSeconds[i] = held * windows.duration(i);
    }
    this.last[window] = held;
    this.max[window] = held;
    this.min[window] = held;
    this.valueSeconds[window] = held * Math.max(0, now - windows.start(window));
    this.window = window;
  }

  /**
   * Value-seconds and covered seconds per window up to the end of the run, counting the held
   * value after the last set without recording it (reading does not change the series).
   */
  private integrals(): { integral: Float64Array; covered: Float64Array } {
    const windows = this.windows;
    const count = windows.count;
    const integral = new Float64Array(count);
    const covered = new Float64Array(count);
    for (let i = this.firstWindow; i < count; i++) {
      const from = i === this.firstWindow ? this.firstTime : windows.start(i);
      covered[i] = Math.max(0, windows.end(i) - from);
      if (i < this.window) {
        integral[i] = this.valueSeconds[i];
      } else if (i === this.window) {
        integral[i] =
          this.valueSeconds[i] + this.value * Math.max(0, windows.end(i) - this.lastTime);
      } else {
        integral[i] = this.value * windows.duration(i);
      }
    }
    return { integral, covered };
  }

  private ensureCapacity(window: number): void {
    if (window < this.last.length) return;
    const length = grownCapacity(window, this.last.length, this.windows.count);
    this.last = grownFloat64(this.last, length);
    this.max = grownFloat64(this.max, length);
    this.min = grownFloat64(this.min, length);
    this.valueSeconds = grownFloat64(this.valueSeconds, length);
  }
}
