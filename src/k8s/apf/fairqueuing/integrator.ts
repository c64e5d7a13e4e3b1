/**
 * Time integrals of a piecewise-constant quantity: its time-weighted average, standard deviation,
 * minimum and maximum since the last reset. Port of k8s.io/apiserver/pkg/util/flowcontrol/
 * fairqueuing/integrator.go. The apiserver keeps one per priority level for seat demand
 * (seats in use + seats waiting), which borrowing reads and resets every 10 s.
 *
 * Time is passed in as `now` in seconds and must not go backwards.
 */

/** Statistics over the integration period; average and deviation are NaN over zero time. */
export interface IntegratorResults {
  /** Seconds integrated. */
  duration: number;
  average: number;
  /** sqrt(avg((x − avg)²)); NaN if rounding makes the variance negative, as upstream. */
  deviation: number;
  min: number;
  max: number;
}

/** Something the queue set reports its seat demand to whenever it changes. */
export interface SeatDemandObserver {
  set(now: number, seats: number): void;
}

/** The integrals of 1, x and x² over time. */
interface Moments {
  elapsedSeconds: number;
  integralX: number;
  integralXX: number;
}

export class Integrator implements SeatDemandObserver {
  private lastTime: number;
  private x = 0;
  private moments: Moments = { elapsedSeconds: 0, integralX: 0, integralXX: 0 };
  // Both start at 0 rather than at the first value, as upstream's zero-valued struct does.
  private min = 0;
  private max = 0;

  constructor(now: number) {
    this.lastTime = now;
  }

  /** The current value of the integrated quantity. */
  get value(): number {
    return this.x;
  }

  set(now: number, x: number): void {
    this.advance(now);
    this.x = x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  add(now: number, deltaX: number): void {
    this.set(now, this.x + deltaX);
  }

  /** Results from the last reset up to `now`. */
  getResults(now: number): IntegratorResults {
    this.advance(now);
    const { elapsedSeconds, integralX, integralXX } = this.moments;
    let average = Number.NaN;
    let deviation = Number.NaN;
    if (elapsedSeconds > 0) {
      average = integralX / elapsedSeconds;
      const variance = integralXX / elapsedSeconds - average * average;
      if (variance >= 0) deviation = Math.sqrt(variance);
    }
    return { duration: elapsedSeconds, average, deviation, min: this.min, max: this.max };
  }

  /** Results up to `now`, then a fresh period whose min and max start at the current value. */
  reset(now: number): IntegratorResults {
    const results = this.getResults(now);
    this.moments = { elapsedSeconds: 0, integralX: 0, integralXX: 0 };
    this.min = this.x;
    this.max = this.x;
    return results;
  }

  private advance(now: number): void {
    const dt = now - this.lastTime;
    if (dt < 0) throw new RangeError(`time went backwards: ${now} < ${this.lastTime}`);
    this.lastTime = now;
    const { x, moments } = this;
    moments.elapsedSeconds += dt;
    moments.integralX += x * dt;
    moments.integralXX += x * x * dt;
  }
}
