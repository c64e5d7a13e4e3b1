/**
 * The reflector's backoff: k8s.io/apimachinery/pkg/util/wait.NewExponentialBackoffManager, with
 * the Backoff.Step it delegates to. Pure over two numbers so a fleet can keep it in typed arrays.
 */

/** Uniform [0, 1) draws; RandomStream satisfies it. */
export interface UniformSource {
  next(): number;
}

export interface ExponentialBackoffParameters {
  /** First delay before jitter (s). */
  initialSeconds: number;
  /** Delays stop growing here; jitter is added on top, so a wait may reach cap·(1 + jitter). */
  capSeconds: number;
  /** A call more than this long after the previous one starts over from `initialSeconds` (s). */
  resetAfterSeconds: number;
  factor: number;
  /** wait.Jitter maxFactor: each delay is d + uniform[0, jitter)·d; 0 disables jitter. */
  jitter: number;
}

/**
 * NewReflectorWithOptions (k8s.io/client-go/tools/cache/reflector.go, identical v0.29–v0.34):
 * NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0, clock).
 */
export const REFLECTOR_BACKOFF: Readonly<ExponentialBackoffParameters> = Object.freeze({
  initialSeconds: 0.8,
  capSeconds: 30,
  resetAfterSeconds: 120,
  factor: 2,
  jitter: 1,
});

export interface ExponentialBackoffState {
  /** The next delay before jitter (Backoff.Duration). */
  duration: number;
  /** When the previous delay was handed out, or when the manager was made (s). */
  lastBackoffStart: number;
}

/** A fresh manager created at `now` (the reflector's creation time). */
export function newExponentialBackoff(
  now: number,
  parameters: Readonly<ExponentialBackoffParameters> = REFLECTOR_BACKOFF,
): ExponentialBackoffState {
  return { duration: parameters.initialSeconds, lastBackoffStart: now };
}

/** wait.Jitter: d + uniform[0, maxFactor)·d, where a maxFactor <= 0 means 1. */
export function jitterDuration(seconds: number, maxFactor: number, random: UniformSource): number {
  const factor = maxFactor > 0 ? maxFactor : 1;
  return seconds + random.next() * factor * seconds;
}

/**
 * exponentialBackoffManagerImpl.getNextBackoff: the delay to wait now (s), updating `state`.
 *
 * - More than `resetAfterSeconds` since the previous call: start again from the initial delay.
 * - The delay handed out is the current duration with jitter; the duration for the next call is
 *   min(duration·factor, cap). The cap therefore applies before jitter: with the reflector's
 *   settings the delays are [0.8, 1.6), [1.6, 3.2), … [25.6, 51.2), then [30, 60) forever.
 * - One uniform draw per call when jitter > 0, none otherwise.
 */
export function nextBackoff(
  state: ExponentialBackoffState,
  now: number,
  random: UniformSource,
  parameters: Readonly<ExponentialBackoffParameters> = REFLECTOR_BACKOFF,
): number {
  if (now - state.lastBackoffStart > parameters.resetAfterSeconds) {
    state.duration = parameters.initialSeconds;
  }
  state.lastBackoffStart = now;
  const current = state.duration;
  const grown = current * parameters.factor;
  // Backoff.Step: a non-zero factor grows the duration up to the cap (a cap <= 0 means none).
  if (parameters.factor !== 0) {
    state.duration =
      parameters.capSeconds > 0 && grown > parameters.capSeconds ? parameters.capSeconds : grown;
  }
  return parameters.jitter > 0 ? jitterDuration(current, parameters.jitter, random) : current;
}

/** Convenience wrapper for tests and one-off clients. */
export class ExponentialBackoffManager {
  readonly state: ExponentialBackoffState;

  constructor(
    now: number,
    private readonly random: UniformSource,
    readonly parameters: Readonly<ExponentialBackoffParameters> = REFLECTOR_BACKOFF,
  ) {
    this.state = newExponentialBackoff(now, parameters);
  }

  next(now: number): number {
    return nextBackoff(this.state, now, this.random, this.parameters);
  }
}
