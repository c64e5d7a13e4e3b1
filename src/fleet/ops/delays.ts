/** Random durations of human and automated steps, and retry with backoff. */
import type { RandomStream } from "../../sim/index.js";

/**
 * A log-normal duration given by its median: people are usually near the median and
 * occasionally much slower, never faster than zero. `sigma` 0 makes it fixed.
 */
export interface DelayDistribution {
  medianSeconds: number;
  /** Standard deviation of the underlying normal (log scale); 0 = always the median. */
  sigma: number;
}

export function fixedDelay(seconds: number): DelayDistribution {
  return { medianSeconds: seconds, sigma: 0 };
}

export function drawDelay(random: RandomStream, delay: DelayDistribution): number {
  if (!(delay.medianSeconds >= 0) || !(delay.sigma >= 0)) {
    throw new RangeError(
      `delay needs medianSeconds >= 0 and sigma >= 0, got ${delay.medianSeconds}, ${delay.sigma}`,
    );
  }
  if (delay.sigma === 0 || delay.medianSeconds === 0) return delay.medianSeconds;
  return random.lognormal(Math.log(delay.medianSeconds), delay.sigma);
}

/** How a failed action is tried again: exponential backoff with jitter, a bounded number of tries. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retry). */
  maxAttempts: number;
  initialBackoffSeconds: number;
  backoffFactor: number;
  maxBackoffSeconds: number;
  /** Each wait is stretched by up to this fraction, at random (0 = none). */
  jitterFraction: number;
}

/** The wait before attempt `attempt + 1`, after `attempt` (>= 1) failures. */
export function backoffSeconds(policy: RetryPolicy, attempt: number, random: RandomStream): number {
  const base = Math.min(
    policy.maxBackoffSeconds,
    policy.initialBackoffSeconds * policy.backoffFactor ** (attempt - 1),
  );
  return policy.jitterFraction > 0 ? base * (1 + policy.jitterFraction * random.next()) : base;
}
