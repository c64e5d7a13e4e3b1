/**
 * A download source of a cluster: its origin pool, optionally behind a cache. A fixed fraction
 * of downloads hits the cache and is served from the cache's own bandwidth; the rest go to the
 * origin. Origin and cache each run their own instance of the source's limiter.
 */
import {
  DEFAULT_DOWNLOAD_RETRY_INITIAL_SECONDS,
  DEFAULT_DOWNLOAD_RETRY_MAX_SECONDS,
  DEFAULT_DOWNLOAD_TIMEOUT_SECONDS,
  DEFAULT_PER_DOWNLOAD_BYTES_PER_SECOND,
  requireFraction,
  requireNonNegative,
  requirePositive,
  type DownloadSourceSpec,
} from "./config.js";
import { createDownloadLimiter } from "./download-limiter.js";
import { DownloadPool, type DownloadPoolStatus, type FinishedBatch } from "./download-pool.js";

export interface DownloadSourceStatus {
  origin: DownloadPoolStatus;
  cache?: DownloadPoolStatus;
}

export class DownloadSource {
  readonly name: string;
  private readonly origin: DownloadPool;
  private readonly cache: DownloadPool | undefined;
  private readonly hitRatio: number;
  // Hits owed to the cache so far but not yet given, so that rounding a batch's hits to whole
  // pods keeps the long-run hit ratio exact without drawing random numbers.
  private hitCarry = 0;

  constructor(spec: DownloadSourceSpec) {
    this.name = spec.name;
    const timeoutSeconds = requirePositive(
      spec.timeoutSeconds ?? DEFAULT_DOWNLOAD_TIMEOUT_SECONDS,
      `timeoutSeconds of source ${spec.name}`,
    );
    const perDownloadBytesPerSecond = requirePositive(
      spec.perDownloadBytesPerSecond ?? DEFAULT_PER_DOWNLOAD_BYTES_PER_SECOND,
      `perDownloadBytesPerSecond of source ${spec.name}`,
    );
    const retryInitialSeconds = requireNonNegative(
      spec.retryInitialSeconds ?? DEFAULT_DOWNLOAD_RETRY_INITIAL_SECONDS,
      `retryInitialSeconds of source ${spec.name}`,
    );
    const retryMaxSeconds = requireNonNegative(
      spec.retryMaxSeconds ?? DEFAULT_DOWNLOAD_RETRY_MAX_SECONDS,
      `retryMaxSeconds of source ${spec.name}`,
    );
    this.origin = new DownloadPool({
      name: spec.name,
      bytesPerSecond: requirePositive(spec.bytesPerSecond, `bytesPerSecond of source ${spec.name}`),
      perDownloadBytesPerSecond,
      timeoutSeconds,
      retryInitialSeconds,
      retryMaxSeconds,
      limiter: createDownloadLimiter(spec.limiter, timeoutSeconds),
    });
    this.hitRatio = requireFraction(spec.cache?.hitRatio ?? 0, `cache hitRatio of ${spec.name}`);
    this.cache =
      spec.cache === undefined
        ? undefined
        : new DownloadPool({
            name: `${spec.name}-cache`,
            bytesPerSecond: requirePositive(
              spec.cache.bytesPerSecond,
              `cache bytesPerSecond of ${spec.name}`,
            ),
            perDownloadBytesPerSecond,
            timeoutSeconds,
            retryInitialSeconds,
            retryMaxSeconds,
            // The cache has a bandwidth of its own and gets its own instance of the limiter.
            limiter: createDownloadLimiter(spec.limiter, timeoutSeconds),
          });
  }

  submit(service: number, step: number, count: number, bytes: number, now: number): void {
    let hits = 0;
    if (this.cache !== undefined) {
      this.hitCarry += count * this.hitRatio;
      hits = Math.min(count, Math.floor(this.hitCarry + 1e-9));
      this.hitCarry -= hits;
      this.cache.submit(service, step, hits, bytes, now);
    }
    this.origin.submit(service, step, count - hits, bytes, now);
  }

  advance(from: number, to: number, finished: FinishedBatch[]): void {
    this.origin.advance(from, to, finished);
    this.cache?.advance(from, to, finished);
  }

  status(): DownloadSourceStatus {
    return { origin: this.origin.status(), cache: this.cache?.status() };
  }
}
