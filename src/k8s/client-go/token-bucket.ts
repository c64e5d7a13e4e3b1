/**
 * client-go's client-side rate limiter: flowcontrol.NewTokenBucketRateLimiter(qps, burst), a thin
 * wrapper over golang.org/x/time/rate.Limiter. Every request made through rest.Request passes it
 * once before the first attempt and once before each retry (watches skip it on the first attempt).
 *
 * The state is two numbers so that thousands of clients can keep it in typed arrays.
 */

/** rest.DefaultQPS (k8s.io/client-go/rest/config.go), used when rest.Config.QPS is 0. */
export const DEFAULT_CLIENT_QPS = 5;
/** rest.DefaultBurst (k8s.io/client-go/rest/config.go), used when rest.Config.Burst is 0. */
export const DEFAULT_CLIENT_BURST = 10;
/** KubeletConfiguration kubeAPIQPS default (pkg/kubelet/apis/config/v1beta1/defaults.go). */
export const KUBELET_CLIENT_QPS = 50;
/** KubeletConfiguration kubeAPIBurst default (pkg/kubelet/apis/config/v1beta1/defaults.go). */
export const KUBELET_CLIENT_BURST = 100;

export interface TokenBucketState {
  /** Tokens at time `last`; negative while reservations are queued. */
  tokens: number;
  /** When `tokens` was last computed (s). */
  last: number;
}

/** A full bucket, as rate.NewLimiter leaves it. */
export function newTokenBucket(burst: number, now: number): TokenBucketState {
  return { tokens: burst, last: now };
}

/**
 * Tokens available at `now`: refilled at `qps` since `last`, never above `burst`
 * (rate.Limiter.advance). A clock that goes backwards refills nothing.
 */
export function tokensAt(
  tokens: number,
  last: number,
  now: number,
  qps: number,
  burst: number,
): number {
  const elapsed = now > last ? now - last : 0;
  const refilled = qps > 0 ? tokens + elapsed * qps : tokens;
  return refilled > burst ? burst : refilled;
}

/**
 * Takes one token at `now` like rate.Limiter.ReserveN(now, 1), as client-go's Wait/Accept do, and
 * returns how long the request must wait before it may go (s). The bucket may go negative: each
 * queued reservation pushes the next one 1/qps later.
 *
 * `maxDelaySeconds` models Wait(ctx) with a context deadline: when the wait would be longer, no
 * token is taken and Infinity is returned (client-go then fails the request). The same happens
 * when `burst` < 1. `qps` = Infinity is rate.Inf: never wait. A `qps` <= 0 never refills, so
 * once the burst is spent the wait is Infinity (client-go never builds such a limiter).
 */
export function reserveToken(
  state: TokenBucketState,
  now: number,
  qps: number,
  burst: number,
  maxDelaySeconds = Infinity,
): number {
  if (qps === Infinity) return 0;
  const tokens = tokensAt(state.tokens, state.last, now, qps, burst) - 1;
  const delay = tokens >= 0 ? 0 : qps > 0 ? -tokens / qps : Infinity;
  if (burst < 1 || delay > maxDelaySeconds) return Infinity;
  state.tokens = tokens;
  state.last = now;
  return delay;
}

/**
 * reserveToken over struct-of-arrays state: row `i` of `tokens` and `last`.
 */
export function reserveTokenAt(
  tokens: Float64Array,
  last: Float64Array,
  i: number,
  now: number,
  qps: number,
  burst: number,
  maxDelaySeconds = Infinity,
): number {
  if (qps === Infinity) return 0;
  const left = tokensAt(tokens[i], last[i], now, qps, burst) - 1;
  const delay = left >= 0 ? 0 : qps > 0 ? -left / qps : Infinity;
  if (burst < 1 || delay > maxDelaySeconds) return Infinity;
  tokens[i] = left;
  last[i] = now;
  return delay;
}

/**
 * Takes a token only if one is available now (TryAccept, rate.Limiter.AllowN): true when taken.
 */
export function tryAcceptToken(
  state: TokenBucketState,
  now: number,
  qps: number,
  burst: number,
): boolean {
  return reserveToken(state, now, qps, burst, 0) === 0;
}

/** Convenience wrapper for tests and one-off clients. */
export class TokenBucket {
  readonly state: TokenBucketState;

  constructor(
    readonly qps: number = DEFAULT_CLIENT_QPS,
    readonly burst: number = DEFAULT_CLIENT_BURST,
    now = 0,
  ) {
    this.state = newTokenBucket(burst, now);
  }

  /** Seconds until a request made at `now` may go; the token is taken. */
  reserve(now: number, maxDelaySeconds = Infinity): number {
    return reserveToken(this.state, now, this.qps, this.burst, maxDelaySeconds);
  }

  tryAccept(now: number): boolean {
    return tryAcceptToken(this.state, now, this.qps, this.burst);
  }

  tokens(now: number): number {
    return tokensAt(this.state.tokens, this.state.last, now, this.qps, this.burst);
  }
}
