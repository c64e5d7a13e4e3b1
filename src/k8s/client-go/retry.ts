/**
 * When rest.Request retries (k8s.io/client-go/rest/with_retry.go and request.go, v0.29–v0.34).
 *
 * A retry waits the response's Retry-After (or longer, see url-backoff.ts), then passes the client
 * rate limiter again, then sends the same request. Nothing else backs off: a response without an
 * integer Retry-After goes straight back to the caller.
 */
import { minorOf, type KubernetesVersion } from "../version.js";

/** rest.NewRequest sets maxRetries: 10; Request.MaxRetries(n) changes it (negative means 0). */
export const DEFAULT_MAX_RETRIES = 10;

/** Retryable transport errors are retried as if the server had answered Retry-After: 1. */
export const TRANSPORT_ERROR_RETRY_AFTER_SECONDS = 1;

export interface RetryOptions {
  /** Retries after the first attempt; default 10. */
  maxRetries?: number;
}

function maxRetriesOf(options: RetryOptions | undefined): number {
  const maxRetries = options?.maxRetries ?? DEFAULT_MAX_RETRIES;
  return maxRetries < 0 ? 0 : maxRetries;
}

/** checkWait's status test: 429 Too Many Requests or any status >= 500. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * withRetry.IsNextRetry for an HTTP response: the seconds to wait before the rate limiter and the
 * next attempt, or undefined when the response goes back to the caller.
 *
 * @param attempt 1-based number of the attempt that got this response; up to `maxRetries`
 *   retries follow, so attempt maxRetries + 1 is final.
 * @param retryAfterSeconds the Retry-After header parsed as an integer (strconv.Atoi), undefined
 *   when absent or not an integer (an HTTP-date is not understood either). Negative values are
 *   accepted upstream and sleep for nothing.
 */
export function retryDelayAfterResponse(
  status: number,
  retryAfterSeconds: number | undefined,
  attempt: number,
  options?: RetryOptions,
): number | undefined {
  if (attempt > maxRetriesOf(options)) return undefined;
  if (!isRetryableStatus(status)) return undefined;
  if (retryAfterSeconds === undefined || !Number.isInteger(retryAfterSeconds)) return undefined;
  return retryAfterSeconds > 0 ? retryAfterSeconds : 0;
}

/** Transport failures, by the apimachinery/pkg/util/net predicate that recognises them. */
export type TransportError =
  /** ECONNREFUSED: nobody listening (an apiserver that is down). */
  | "connectionRefused"
  /** ECONNRESET or "connection reset by peer" (IsConnectionReset; IsProbableEOF by message). */
  | "connectionReset"
  /** io.EOF, unexpected EOF, GOAWAY, use of a closed connection (IsProbableEOF). */
  | "probableEOF"
  /** "http2: client connection lost" (IsHTTP2ConnectionLost, checked from v0.32). */
  | "http2ConnectionLost"
  /** A net timeout (IsTimeout), e.g. a dial or TLS handshake timeout. */
  | "timeout";

/**
 * Which rest.Request entry point sent the request: "request" is Do/DoRaw (every typed GET,
 * LIST, CREATE, …), "watch" is Watch, "stream" is Stream (logs), which retries no transport error.
 */
export type RequestCall = "request" | "watch" | "stream";

/**
 * The isErrRetryableFunc of request() and Watch(): whether a transport error is retried (as if
 * Retry-After were 1 s).
 *
 * - request(): only for GET (LIST included): connection reset, probable EOF and, from client-go
 *   v0.32 (Kubernetes 1.32), HTTP/2 connection lost. Writes are never retried on these.
 * - Watch(): probable EOF or timeout, for any verb (a connection reset matches probable EOF by
 *   its message). When these retries run out Watch returns an empty watch, not an error.
 * - Stream(): never.
 */
export function isRetryableTransportError(
  error: TransportError,
  call: RequestCall,
  method: string,
  version: KubernetesVersion,
): boolean {
  switch (call) {
    case "request":
      if (method !== "GET") return false;
      return (
        error === "connectionReset" ||
        error === "probableEOF" ||
        (error === "http2ConnectionLost" && minorOf(version) >= 32)
      );
    case "watch":
      return error === "connectionReset" || error === "probableEOF" || error === "timeout";
    case "stream":
      return false;
  }
}

/**
 * withRetry.IsNextRetry for a transport error: 1 s when the error is retryable and retries remain,
 * otherwise undefined (the error goes back to the caller).
 */
export function retryDelayAfterTransportError(
  error: TransportError,
  call: RequestCall,
  method: string,
  attempt: number,
  version: KubernetesVersion,
  options?: RetryOptions,
): number | undefined {
  if (!isRetryableTransportError(error, call, method, version)) return undefined;
  return retryDelayAfterResponse(500, TRANSPORT_ERROR_RETRY_AFTER_SECONDS, attempt, options);
}
