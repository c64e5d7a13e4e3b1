/**
 * One rest.Request's retry loop as a small object: the attempt count, the optional
 * KUBE_CLIENT_BACKOFF_* backoff, and the wait before each retry (withRetry.Before: the longer of
 * Retry-After and that backoff). The caller passes the rate limiter again after each wait.
 */
import type { KubernetesVersion } from "../version.js";
import {
  retryDelayAfterResponse,
  retryDelayAfterTransportError,
  type RequestCall,
  type RetryOptions,
  type TransportError,
} from "./retry.js";
import {
  newUrlBackoffState,
  updateUrlBackoff,
  urlBackoffDelay,
  type UrlBackoffConfig,
  type UrlBackoffState,
} from "./url-backoff.js";

export interface RequestRetryOptions extends RetryOptions {
  version: KubernetesVersion;
  call: RequestCall;
  /** HTTP method: "GET" for gets, lists and watches. */
  method: string;
  /** KUBE_CLIENT_BACKOFF_BASE/DURATION; absent: no backoff (client-go's default). */
  urlBackoff?: UrlBackoffConfig;
}

export class RequestRetry {
  /** Attempts made so far that got an answer or an error. */
  attempts = 0;
  readonly backoff: UrlBackoffState = newUrlBackoffState();

  constructor(readonly options: Readonly<RequestRetryOptions>) {}

  /** Seconds to wait before the next attempt, or undefined when this answer is final. */
  afterResponse(now: number, status: number, retryAfterSeconds?: number): number | undefined {
    this.attempts++;
    this.recordForBackoff(now, status);
    const wait = retryDelayAfterResponse(status, retryAfterSeconds, this.attempts, this.options);
    return wait === undefined ? undefined : Math.max(wait, urlBackoffDelay(this.backoff));
  }

  /** Seconds to wait before the next attempt, or undefined when the error is final. */
  afterTransportError(now: number, error: TransportError): number | undefined {
    this.attempts++;
    this.recordForBackoff(now, 0);
    const { call, method, version } = this.options;
    const wait = retryDelayAfterTransportError(
      error,
      call,
      method,
      this.attempts,
      version,
      this.options,
    );
    return wait === undefined ? undefined : Math.max(wait, urlBackoffDelay(this.backoff));
  }

  private recordForBackoff(now: number, status: number): void {
    const config = this.options.urlBackoff;
    if (config) updateUrlBackoff(this.backoff, now, status, config);
  }
}
