import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_MAX_RETRIES,
  isRetryableStatus,
  isRetryableTransportError,
  newUrlBackoffState,
  RequestRetry,
  retryDelayAfterResponse,
  retryDelayAfterTransportError,
  updateUrlBackoff,
  urlBackoffDelay,
  urlBackoffFromEnvironment,
} from "../../../src/k8s/client-go/index.js";

describe("rest.Request retries (withRetry.IsNextRetry, checkWait)", () => {
  it("TestIsNextRetry: 429 and 503 with Retry-After are retried after that many seconds", () => {
    assert.equal(retryDelayAfterResponse(429, 2, 1, { maxRetries: 3 }), 2);
    assert.equal(retryDelayAfterResponse(503, 3, 1, { maxRetries: 3 }), 3);
  });

  it("TestIsNextRetry: no Retry-After, no retry; zero maximum, no retry; exhausted, no retry", () => {
    assert.equal(retryDelayAfterResponse(429, undefined, 1, { maxRetries: 1 }), undefined);
    assert.equal(retryDelayAfterResponse(429, 1, 1, { maxRetries: 0 }), undefined);
    assert.equal(retryDelayAfterResponse(429, 1, 4, { maxRetries: 3 }), undefined);
    assert.equal(retryDelayAfterResponse(429, 1, 1, { maxRetries: -5 }), undefined);
  });

  it("stops after 10 retries by default: 11 attempts in all", () => {
    assert.equal(DEFAULT_MAX_RETRIES, 10);
    const waits = Array.from({ length: 12 }, (_, i) => retryDelayAfterResponse(429, 1, i + 1));
    assert.deepEqual(waits, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, undefined, undefined]);
  });

  it("retries only 429 and statuses >= 500", () => {
    for (const status of [200, 201, 400, 401, 403, 404, 409, 410, 422, 499]) {
      assert.equal(isRetryableStatus(status), false, `${status}`);
      assert.equal(retryDelayAfterResponse(status, 1, 1), undefined, `${status}`);
    }
    for (const status of [429, 500, 501, 502, 503, 504, 599, 600]) {
      assert.equal(retryDelayAfterResponse(status, 5, 1), 5, `${status}`);
    }
  });

  it("needs an integer Retry-After; a negative one waits nothing", () => {
    assert.equal(retryDelayAfterResponse(503, 1.5, 1), undefined);
    assert.equal(retryDelayAfterResponse(503, Number.NaN, 1), undefined);
    assert.equal(retryDelayAfterResponse(503, 0, 1), 0);
    assert.equal(retryDelayAfterResponse(503, -3, 1), 0);
  });

  it("retries GET on connection reset and EOF as if Retry-After were 1 s, never writes", () => {
    for (const error of ["connectionReset", "probableEOF"] as const) {
      assert.equal(retryDelayAfterTransportError(error, "request", "GET", 1, "1.29"), 1);
      assert.equal(retryDelayAfterTransportError(error, "request", "POST", 1, "1.34"), undefined);
      assert.equal(retryDelayAfterTransportError(error, "request", "GET", 11, "1.34"), undefined);
    }
    for (const error of ["connectionRefused", "timeout"] as const) {
      assert.equal(isRetryableTransportError(error, "request", "GET", "1.34"), false);
    }
  });

  it("HTTP/2 connection lost is retried from 1.32 on", () => {
    assert.equal(isRetryableTransportError("http2ConnectionLost", "request", "GET", "1.31"), false);
    assert.equal(isRetryableTransportError("http2ConnectionLost", "request", "GET", "1.32"), true);
  });

  it("Watch retries EOF, reset and timeouts; Stream retries nothing", () => {
    for (const error of ["probableEOF", "connectionReset", "timeout"] as const) {
      assert.equal(retryDelayAfterTransportError(error, "watch", "GET", 1, "1.30"), 1);
      assert.equal(isRetryableTransportError(error, "stream", "GET", "1.34"), false);
    }
    assert.equal(isRetryableTransportError("connectionRefused", "watch", "GET", "1.34"), false);
  });
});

describe("KUBE_CLIENT_BACKOFF_* (rest.URLBackoff)", () => {
  it("is on only when both variables are integers", () => {
    assert.equal(urlBackoffFromEnvironment({}), undefined);
    assert.equal(urlBackoffFromEnvironment({ KUBE_CLIENT_BACKOFF_BASE: "1" }), undefined);
    assert.equal(
      urlBackoffFromEnvironment({
        KUBE_CLIENT_BACKOFF_BASE: "1",
        KUBE_CLIENT_BACKOFF_DURATION: "1.5",
      }),
      undefined,
    );
    assert.deepEqual(
      urlBackoffFromEnvironment({
        KUBE_CLIENT_BACKOFF_BASE: "2",
        KUBE_CLIENT_BACKOFF_DURATION: "60",
      }),
      { baseSeconds: 2, maxSeconds: 60 },
    );
  });

  it("doubles on 429 and >= 500 up to the maximum; anything else clears it", () => {
    const config = { baseSeconds: 1, maxSeconds: 8 };
    const state = newUrlBackoffState();
    assert.equal(urlBackoffDelay(state), 0);
    const seen = [429, 503, 500, 504, 502].map((status, i) => {
      updateUrlBackoff(state, i, status, config);
      return urlBackoffDelay(state);
    });
    assert.deepEqual(seen, [1, 2, 4, 8, 8]);
    updateUrlBackoff(state, 5, 404, config);
    assert.equal(urlBackoffDelay(state), 0);
    updateUrlBackoff(state, 6, 503, config);
    updateUrlBackoff(state, 7, 0, config); // a transport error resets too
    assert.equal(urlBackoffDelay(state), 0);
  });

  it("starts over when untouched for more than twice the maximum", () => {
    const config = { baseSeconds: 1, maxSeconds: 8 };
    const state = newUrlBackoffState();
    updateUrlBackoff(state, 0, 503, config);
    updateUrlBackoff(state, 1, 503, config);
    updateUrlBackoff(state, 17, 503, config); // 16 s later: not more than 2·8
    assert.equal(urlBackoffDelay(state), 4);
    updateUrlBackoff(state, 33.5, 503, config);
    assert.equal(urlBackoffDelay(state), 1);
  });

  it("a retry waits the longer of Retry-After and the backoff", () => {
    const plain = new RequestRetry({ version: "1.34", call: "request", method: "GET" });
    assert.equal(plain.afterResponse(0, 429, 1), 1);
    const withBackoff = new RequestRetry({
      version: "1.34",
      call: "request",
      method: "GET",
      urlBackoff: { baseSeconds: 5, maxSeconds: 60 },
    });
    assert.equal(withBackoff.afterResponse(0, 429, 1), 5);
    assert.equal(withBackoff.afterResponse(6, 429, 30), 30);
    assert.equal(withBackoff.afterResponse(36, 503, 1), 20);
    assert.equal(withBackoff.afterTransportError(57, "connectionReset"), 1); // reset by the error
    assert.equal(withBackoff.afterResponse(58, 500, undefined), undefined);
  });

  it("RequestRetry gives up after maxRetries", () => {
    const retry = new RequestRetry({
      version: "1.34",
      call: "request",
      method: "GET",
      maxRetries: 2,
    });
    assert.equal(retry.afterTransportError(0, "probableEOF"), 1);
    assert.equal(retry.afterResponse(1, 503, 2), 2);
    assert.equal(retry.afterResponse(3, 503, 2), undefined);
    assert.equal(retry.attempts, 3);
  });
});
