/**
 * How many downloads a source lets run at once. `none` lets every download start; a fixed
 * limit queues the rest; the adaptive limit follows the completion times (see config.ts).
 */
import {
  DEFAULT_ADAPTIVE_INITIAL_CONCURRENCY,
  DEFAULT_ADAPTIVE_TARGET_TIMEOUT_FRACTION,
  requireFraction,
  requirePositive,
  type DownloadLimiterSpec,
} from "./config.js";

export interface DownloadLimiter {
  /** Downloads allowed to run at once now (may be fractional for the adaptive limiter). */
  readonly limit: number;
  /** `count` downloads finished after `durationSeconds` each. */
  completed(count: number, durationSeconds: number): void;
  /** Downloads timed out. */
  timedOut(): void;
}

class Unlimited implements DownloadLimiter {
  readonly limit = Infinity;
  completed(): void {}
  timedOut(): void {}
}

class FixedConcurrency implements DownloadLimiter {
  constructor(readonly limit: number) {
    requirePositive(limit, "max-concurrent limiter's max");
  }
  completed(): void {}
  timedOut(): void {}
}

/**
 * Additive increase while downloads finish well inside their timeout, a proportional cut when
 * they take longer than the target, and a halving on a timeout: the concurrency settles where
 * each download takes about `targetFraction` of the timeout, which keeps the source busy
 * without letting downloads time out.
 */
class AdaptiveConcurrency implements DownloadLimiter {
  private current: number;
  private readonly max: number;
  private readonly targetSeconds: number;

  constructor(spec: Extract<DownloadLimiterSpec, { kind: "adaptive" }>, timeoutSeconds: number) {
    this.current = requirePositive(
      spec.initial ?? DEFAULT_ADAPTIVE_INITIAL_CONCURRENCY,
      "adaptive limiter's initial concurrency",
    );
    this.max = requirePositive(spec.max ?? Infinity, "adaptive limiter's max");
    const fraction = requireFraction(
      spec.targetTimeoutFraction ?? DEFAULT_ADAPTIVE_TARGET_TIMEOUT_FRACTION,
      "adaptive limiter's targetTimeoutFraction",
    );
    this.targetSeconds = requirePositive(fraction * timeoutSeconds, "adaptive target time");
  }

  get limit(): number {
    return Math.floor(this.current);
  }

  completed(count: number, durationSeconds: number): void {
    if (durationSeconds <= this.targetSeconds) {
      this.current = Math.min(this.max, this.current + count / this.current);
    } else {
      this.current = Math.max(1, this.current * (this.targetSeconds / durationSeconds));
    }
  }

  timedOut(): void {
    this.current = Math.max(1, this.current / 2);
  }
}

export function createDownloadLimiter(
  spec: DownloadLimiterSpec | undefined,
  timeoutSeconds: number,
): DownloadLimiter {
  if (spec === undefined || spec.kind === "none") return new Unlimited();
  if (spec.kind === "max-concurrent") return new FixedConcurrency(spec.max);
  return new AdaptiveConcurrency(spec, timeoutSeconds);
}
