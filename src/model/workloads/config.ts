/**
 * Configuration of a cluster's workloads: services and their dependencies, products, download
 * sources. Every default is documented with its source in docs/model-workloads.md.
 */

/** How often the workloads model advances (seconds): one kernel event per model instance. */
export const DEFAULT_TICK_SECONDS = 1;
/** Width of the success-rate windows (seconds). */
export const DEFAULT_WINDOW_SECONDS = 60;
/** Crashes per running pod per day (background hazard); assumed one per pod-month. */
export const DEFAULT_CRASHES_PER_POD_PER_DAY = 1 / 30;
/** Delay before a crashed container runs again on the same node: kubelet's first back-off. */
export const DEFAULT_LOCAL_RESTART_BACKOFF_SECONDS = 10;
/** From a running container to a ready endpoint (seconds). */
export const DEFAULT_STARTUP_SECONDS = 5;
/** Requests per second one ready pod serves; no limit unless the service says so. */
export const DEFAULT_REQUESTS_PER_SECOND_PER_POD = Infinity;
/** Calls to a dependency per request the caller serves. */
export const DEFAULT_CALLS_PER_REQUEST = 1;
/** Most pod creations the ReplicaSet controller issues per sync (`BurstReplicas`). */
export const DEFAULT_BURST_REPLICAS = 500;
/** First slow-start batch of pod creations (`SlowStartInitialBatchSize`); batches double. */
export const DEFAULT_SLOW_START_INITIAL_BATCH = 1;
/** Wait before the first retry of refused pod creations (seconds). */
export const DEFAULT_CREATION_RETRY_INITIAL_SECONDS = 1;
/** Longest wait between retries of refused pod creations (seconds). */
export const DEFAULT_CREATION_RETRY_MAX_SECONDS = 60;
/** A download that has not finished after this long is abandoned (seconds). */
export const DEFAULT_DOWNLOAD_TIMEOUT_SECONDS = 300;
/** Back-off after a failed download: kubelet's image-pull back-off starts at 10 s ... */
export const DEFAULT_DOWNLOAD_RETRY_INITIAL_SECONDS = 10;
/** ... and doubles up to 300 s (kubelet MaxContainerBackOff). */
export const DEFAULT_DOWNLOAD_RETRY_MAX_SECONDS = 300;
/** Most bytes/s one download can take (a node's NIC); 25 Gbit/s assumed. */
export const DEFAULT_PER_DOWNLOAD_BYTES_PER_SECOND = 25e9 / 8;
/** Adaptive limiter: concurrency it starts with. */
export const DEFAULT_ADAPTIVE_INITIAL_CONCURRENCY = 4;
/** Adaptive limiter: keep each download's expected time below this fraction of its timeout. */
export const DEFAULT_ADAPTIVE_TARGET_TIMEOUT_FRACTION = 0.5;

/** The client name used for user requests arriving at a product's entry services. */
export const USER_CLIENT = "user";

export interface DependencySpec {
  service: string;
  /** Calls per request the caller serves; default DEFAULT_CALLS_PER_REQUEST. */
  callsPerRequest?: number;
}

export interface DownloadSpec {
  /** Name of a `DownloadSourceSpec` of the cluster. */
  source: string;
  bytes: number;
}

export interface ServiceSpec {
  name: string;
  /** Desired replicas; all start running and ready. */
  replicas: number;
  dependsOn?: readonly (string | DependencySpec)[];
  requestsPerSecondPerPod?: number;
  startupSeconds?: number;
  /** What a newly placed pod fetches before it can start, in order (kubelet pulls serially). */
  downloads?: readonly DownloadSpec[];
  crashesPerPodPerDay?: number;
}

export interface ProductSpec {
  name: string;
  /** Services every user request of the product calls; all must succeed. */
  entryServices: readonly string[];
  /** User requests per second to this cluster at traffic weight 1. */
  requestsPerSecond: number;
}

export type DownloadLimiterSpec =
  | { kind: "none" }
  /** At most `max` downloads run at once; the rest wait in FIFO order (no timeout while waiting). */
  | { kind: "max-concurrent"; max: number }
  /**
   * Concurrency adapted to the completion rate: additive increase on each completed download
   * while the expected download time stays below `targetTimeoutFraction` of the timeout,
   * halved on each timeout.
   */
  | { kind: "adaptive"; initial?: number; max?: number; targetTimeoutFraction?: number };

export interface DownloadCacheSpec {
  /** Fraction of downloads served by the cache instead of the origin. */
  hitRatio: number;
  /** The cache's own bandwidth shared by its downloads (bytes/s); Infinity = node-local. */
  bytesPerSecond: number;
}

export interface DownloadSourceSpec {
  name: string;
  /** Bandwidth of the origin available to this cluster (bytes/s). */
  bytesPerSecond: number;
  perDownloadBytesPerSecond?: number;
  timeoutSeconds?: number;
  retryInitialSeconds?: number;
  retryMaxSeconds?: number;
  limiter?: DownloadLimiterSpec;
  cache?: DownloadCacheSpec;
}

export interface WorkloadsConfig {
  /** Names the model's random streams and its error messages. */
  cluster: string;
  services: readonly ServiceSpec[];
  products: readonly ProductSpec[];
  sources?: readonly DownloadSourceSpec[];
  tickSeconds?: number;
  windowSeconds?: number;
  burstReplicas?: number;
  slowStartInitialBatch?: number;
  creationRetryInitialSeconds?: number;
  creationRetryMaxSeconds?: number;
  localRestartBackoffSeconds?: number;
}

export function requirePositive(value: number, what: string): number {
  if (!(value > 0)) throw new RangeError(`${what} must be > 0, got ${value}`);
  return value;
}

export function requireNonNegative(value: number, what: string): number {
  if (!(value >= 0)) throw new RangeError(`${what} must be >= 0, got ${value}`);
  return value;
}

export function requireFraction(value: number, what: string): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${what} must be in [0, 1], got ${value}`);
  return value;
}
