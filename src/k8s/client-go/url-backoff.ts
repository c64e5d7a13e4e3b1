/**
 * The optional per-request backoff that client-go enables when both KUBE_CLIENT_BACKOFF_BASE and
 * KUBE_CLIENT_BACKOFF_DURATION are set to integers (seconds): rest.URLBackoff over
 * flowcontrol.NewBackOff(base, duration), without jitter (rest/client.go readExpBackoffConfig,
 * rest/urlbackoff.go, util/flowcontrol/backoff.go; same in v0.29–v0.34). Unset, NoBackoff waits 0.
 *
 * rest.NewRequest builds a new backoff manager for every Request, so this state lives for one
 * request and its retries, and the first attempt never waits.
 */

export interface UrlBackoffConfig {
  /** KUBE_CLIENT_BACKOFF_BASE: the first backoff (s). */
  baseSeconds: number;
  /** KUBE_CLIENT_BACKOFF_DURATION: the largest backoff (s). */
  maxSeconds: number;
}

export interface UrlBackoffState {
  /** Current backoff (s); 0 with lastUpdate -Infinity when there is no entry. */
  backoff: number;
  /** When the entry last grew (s). */
  lastUpdate: number;
}

export function newUrlBackoffState(): UrlBackoffState {
  return { backoff: 0, lastUpdate: -Infinity };
}

/**
 * The environment the variables come from, parsed as readExpBackoffConfig does (strconv.ParseInt
 * base 10); undefined (NoBackoff) unless both parse.
 */
export function urlBackoffFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): UrlBackoffConfig | undefined {
  const base = parseGoInt(environment.KUBE_CLIENT_BACKOFF_BASE);
  const max = parseGoInt(environment.KUBE_CLIENT_BACKOFF_DURATION);
  if (base === undefined || max === undefined) return undefined;
  return { baseSeconds: base, maxSeconds: max };
}

function parseGoInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return undefined;
  return Number(text);
}

/**
 * URLBackoff.UpdateBackoff after each attempt. `status` is the HTTP status, 0 for a transport
 * error. A 429 or any status above 499 grows the backoff (Backoff.Next); anything else, transport
 * errors included, deletes the entry.
 */
export function updateUrlBackoff(
  state: UrlBackoffState,
  now: number,
  status: number,
  config: Readonly<UrlBackoffConfig>,
): void {
  if (status === 429 || status > 499) {
    // An entry untouched for more than twice the maximum starts over.
    if (now - state.lastUpdate > 2 * config.maxSeconds) {
      state.backoff = config.baseSeconds;
    } else {
      state.backoff = Math.min(state.backoff * 2, config.maxSeconds);
    }
    state.lastUpdate = now;
  } else {
    state.backoff = 0;
    state.lastUpdate = -Infinity;
  }
}

/** URLBackoff.CalculateBackoff: the stored backoff, expired or not (s). */
export function urlBackoffDelay(state: Readonly<UrlBackoffState>): number {
  return state.backoff;
}
