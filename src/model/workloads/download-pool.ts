/**
 * A shared download bandwidth (a registry, a model store, or a cache in front of one) as a
 * processor-sharing resource over batches of identical downloads.
 *
 * Pods that start together download together: a batch holds `count` downloads of `bytes` each,
 * all started at the same time, so the pool's cost is O(batches), not O(pods). Every running
 * download gets min(per-download cap, bandwidth / running downloads). A download still running
 * `timeoutSeconds` after it started fails, and its batch starts again from zero after a back-off
 * that doubles per failure: past the point where bandwidth / concurrency x timeout < bytes,
 * nothing finishes and all the bandwidth is wasted (congestion collapse). A limiter keeps
 * downloads waiting (without a timeout) until it lets them start.
 */
import type { DownloadLimiter } from "./download-limiter.js";

export interface DownloadBatch {
  /** Opaque to the pool: which service and which of its downloads this is. */
  readonly service: number;
  readonly step: number;
  count: number;
  readonly bytes: number;
  /** Bytes each download of the batch still needs. */
  remaining: number;
  startedAt: number;
  failures: number;
  retryAt: number;
}

export interface FinishedBatch {
  batch: DownloadBatch;
  at: number;
}

export interface DownloadPoolSettings {
  name: string;
  bytesPerSecond: number;
  perDownloadBytesPerSecond: number;
  timeoutSeconds: number;
  retryInitialSeconds: number;
  retryMaxSeconds: number;
  limiter: DownloadLimiter;
}

export interface DownloadPoolStatus {
  name: string;
  running: number;
  waiting: number;
  backingOff: number;
  /** Concurrency the limiter allows now (Infinity without a limiter). */
  limit: number;
  completedDownloads: number;
  timedOutDownloads: number;
  /** Bytes of downloads that completed. */
  usefulBytes: number;
  /** Bytes transferred by downloads that then timed out. */
  wastedBytes: number;
}

// Relative tolerance on elapsed times, so a timeout computed as a sum is not missed by rounding.
const EPSILON = 1e-9;
const NEGLIGIBLE_SECONDS = 1e-9;

export class DownloadPool {
  private running: DownloadBatch[] = [];
  private waiting: DownloadBatch[] = [];
  private backingOff: DownloadBatch[] = [];
  private runningDownloads = 0;
  private completedDownloads = 0;
  private timedOutDownloads = 0;
  private usefulBytes = 0;
  private wastedBytes = 0;

  constructor(private readonly settings: DownloadPoolSettings) {}

  /** Queues a batch created at `now`; it starts when the limiter lets it, at the next advance. */
  submit(service: number, step: number, count: number, bytes: number, now: number): void {
    if (count <= 0) return;
    this.waiting.push({
      service,
      step,
      count,
      bytes,
      remaining: bytes,
      startedAt: now,
      failures: 0,
      retryAt: now,
    });
  }

  /** Runs the pool from `from` to `to`, appending the batches that finished to `finished`. */
  advance(from: number, to: number, finished: FinishedBatch[]): void {
    const { bytesPerSecond, perDownloadBytesPerSecond } = this.settings;
    let now = from;
    for (;;) {
      this.releaseRetries(now);
      this.admit(now);
      const until = Math.min(this.nextChange(now), to);
      if (this.runningDownloads > 0) {
        const rate = Math.min(perDownloadBytesPerSecond, bytesPerSecond / this.runningDownloads);
        // An unlimited pool (a node-local cache) serves at once.
        // An unlimited pool (a node-local cache) serves at once. What is left for less than a
        // nanosecond counts as done, so the clock never has to move by less than its precision.
        const sent = rate === Infinity ? Infinity : rate * (until - now);
        const negligible = rate * NEGLIGIBLE_SECONDS;
        for (const batch of this.running) {
          batch.remaining -= sent;
          if (!(batch.remaining > negligible)) batch.remaining = 0;
        }
      }
      now = until;
      this.finishAndTimeOut(now, finished);
      if (now >= to) break;
    }
  }

  status(): DownloadPoolStatus {
    const sum = (batches: DownloadBatch[]) => batches.reduce((total, b) => total + b.count, 0);
    return {
      name: this.settings.name,
      running: this.runningDownloads,
      waiting: sum(this.waiting),
      backingOff: sum(this.backingOff),
      limit: this.settings.limiter.limit,
      completedDownloads: this.completedDownloads,
      timedOutDownloads: this.timedOutDownloads,
      usefulBytes: this.usefulBytes,
      wastedBytes: this.wastedBytes,
    };
  }

  /** Time of the next completion, timeout or retry, with the current sharing. */
  private nextChange(now: number): number {
    let next = Infinity;
    if (this.runningDownloads > 0) {
      const { bytesPerSecond, perDownloadBytesPerSecond, timeoutSeconds } = this.settings;
      const rate = Math.min(perDownloadBytesPerSecond, bytesPerSecond / this.runningDownloads);
      for (const batch of this.running) {
        next = Math.min(next, now + batch.remaining / rate, batch.startedAt + timeoutSeconds);
      }
    }
    for (const batch of this.backingOff) next = Math.min(next, batch.retryAt);
    return Math.max(next, now);
  }

  private finishAndTimeOut(now: number, finished: FinishedBatch[]): void {
    const { timeoutSeconds, limiter } = this.settings;
    const stillRunning: DownloadBatch[] = [];
    for (const batch of this.running) {
      if (batch.remaining <= 0) {
        this.runningDownloads -= batch.count;
        this.completedDownloads += batch.count;
        this.usefulBytes += batch.bytes * batch.count;
        limiter.completed(batch.count, now - batch.startedAt);
        finished.push({ batch, at: now });
      } else if (now - batch.startedAt >= timeoutSeconds * (1 - EPSILON)) {
        this.runningDownloads -= batch.count;
        this.timedOutDownloads += batch.count;
        this.wastedBytes += (batch.bytes - batch.remaining) * batch.count;
        limiter.timedOut();
        batch.failures++;
        batch.retryAt = now + this.backoff(batch.failures);
        this.backingOff.push(batch);
      } else {
        stillRunning.push(batch);
      }
    }
    this.running = stillRunning;
  }

  private backoff(failures: number): number {
    const { retryInitialSeconds, retryMaxSeconds } = this.settings;
    return Math.min(retryMaxSeconds, retryInitialSeconds * 2 ** (failures - 1));
  }

  private releaseRetries(now: number): void {
    if (this.backingOff.length === 0) return;
    const due = this.backingOff.filter((b) => b.retryAt <= now);
    if (due.length === 0) return;
    this.backingOff = this.backingOff.filter((b) => b.retryAt > now);
    due.sort((a, b) => a.retryAt - b.retryAt);
    for (const batch of due) this.waiting.push(batch);
  }

  // FIFO admission up to the limiter's concurrency; the head batch is split when only part of
  // it fits.
  private admit(now: number): void {
    const limit = this.settings.limiter.limit;
    while (this.waiting.length > 0 && this.runningDownloads < limit) {
      const head = this.waiting[0];
      const room = limit - this.runningDownloads;
      let batch: DownloadBatch;
      if (head.count <= room) {
        batch = head;
        this.waiting.shift();
      } else {
        batch = { ...head, count: room };
        head.count -= room;
      }
      batch.remaining = batch.bytes;
      batch.startedAt = now;
      this.running.push(batch);
      this.runningDownloads += batch.count;
    }
  }
}
