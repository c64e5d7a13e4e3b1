/**
 * The Retry-After an apiserver puts on APF 429s, per priority level. Port of
 * k8s.io/apiserver/pkg/util/flowcontrol/dropped_requests_tracker.go (identical in
 * v0.29.0–v0.34.0): drops are counted in whole-second buckets; when the first drop of a new
 * second is recorded, the drops of the previous `retryAfter` seconds decide whether Retry-After
 * doubles (≥ 3·retryAfter drops, at most once per retryAfter seconds, capped at 32) or falls by
 * one (< retryAfter drops). Nothing changes between drops.
 *
 * Seconds are `Math.floor(now)`, standing in for Go's time.Unix().
 */

/** Upstream's cap on Retry-After, in seconds. */
export const MAX_RETRY_AFTER_SECONDS = 32;

interface SecondBucket {
  second: number;
  drops: number;
}

/** One level's history; port of droppedRequestsStats. */
class LevelDropStats {
  retryAfter = 1;
  /** Drops of earlier seconds, oldest first, trimmed to what a decision can still read. */
  private history: SecondBucket[] = [];
  /** The second being counted; none before the first drop. */
  private currentSecond = Number.NEGATIVE_INFINITY;
  private currentDrops = 0;
  /** Upstream starts this at Unix 0, so the first increase is never held back. */
  private lastIncreaseSecond = Number.NEGATIVE_INFINITY;

  record(second: number): void {
    if (second === this.currentSecond) {
      this.currentDrops++;
      return;
    }
    if (this.currentSecond !== Number.NEGATIVE_INFINITY) {
      this.pushHistory(this.currentSecond, this.currentDrops);
    }
    this.currentSecond = second;
    this.currentDrops = 1;
    // Decided from the seconds before this one, as the current second has barely begun.
    this.updateRetryAfter(second);
  }

  private pushHistory(second: number, drops: number): void {
    this.history.push({ second, drops });
    // Older entries can never be read again: a decision looks back at most retryAfter seconds.
    const keepSeconds = Math.min(2 * this.retryAfter, MAX_RETRY_AFTER_SECONDS);
    let start = 0;
    while (start < this.history.length && second - this.history[start].second > keepSeconds) {
      start++;
    }
    if (start > 0) this.history = this.history.slice(start);
  }

  /** Looks at the interval [second − retryAfter, second). */
  private updateRetryAfter(second: number): void {
    const retryAfter = this.retryAfter;
    let drops = 0;
    for (let i = this.history.length - 1; i >= 0; i--) {
      const bucket = this.history[i];
      if (second - bucket.second > retryAfter) break;
      if (bucket.second < second) drops += bucket.drops;
    }
    // Double like TCP backs off, but not twice for one spike.
    if (second - this.lastIncreaseSecond >= retryAfter && drops >= 3 * retryAfter) {
      this.retryAfter = Math.min(retryAfter * 2, MAX_RETRY_AFTER_SECONDS);
      this.lastIncreaseSecond = second;
      return;
    }
    if (drops < retryAfter && retryAfter > 1) this.retryAfter = retryAfter - 1;
  }
}

export class DroppedRequestsTracker {
  private readonly levels = new Map<string, LevelDropStats>();

  /** A request of `level` was just rejected (429) at `now` (seconds). */
  recordDroppedRequest(level: string, now: number): void {
    if (!Number.isFinite(now)) throw new RangeError(`now ${now} is not a finite number`);
    let stats = this.levels.get(level);
    if (stats === undefined) {
      stats = new LevelDropStats();
      this.levels.set(level, stats);
    }
    stats.record(Math.floor(now));
  }

  /**
   * The Retry-After (seconds) for a 429 of `level`; 1 for a level that never dropped. `now` is
   * accepted for symmetry only: upstream's value changes solely when a drop is recorded.
   */
  retryAfterSeconds(level: string, _now?: number): number {
    return this.levels.get(level)?.retryAfter ?? 1;
  }
}
