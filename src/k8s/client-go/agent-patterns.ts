/**
 * Clients that ignore client-go's informer discipline, as seen in public incident reports (see
 * docs/k8s-client-go.md). Each pattern is a plain option object; nextRequest says what the agent
 * sends next and after how long. Agents built on client-go still pass its token bucket and its
 * Retry-After retries for each request; the patterns describe only what the agent asks for.
 */
import type { ListOptions } from "../apf/request/list-options.js";

export type AgentRequest =
  | { verb: "get" }
  | { verb: "list"; options: ListOptions }
  | { verb: "watch"; options: ListOptions };

/** Retries a failed request after a fixed pause (0: at once), forever, with no backoff. */
export interface TightRetryLoop {
  kind: "tightRetryLoop";
  request: AgentRequest;
  /** Pause after a failure (s). */
  retryDelaySeconds: number;
  /** Pause after a success before the next request (s). */
  periodSeconds: number;
}

/**
 * Lists everything every period with a consistent read (resourceVersion "") and no limit, so
 * each call reaches etcd unless consistent reads are served from the watch cache, and comes back
 * as one response.
 */
export interface PeriodicFullList {
  kind: "periodicFullList";
  periodSeconds: number;
  /** A label or field selector, e.g. spec.nodeName=<node> for a per-node agent. */
  hasSelector?: boolean;
}

/** GETs one object every period instead of watching it. */
export interface GetLoop {
  kind: "getLoop";
  periodSeconds: number;
}

export type AgentPattern = TightRetryLoop | PeriodicFullList | GetLoop;

export type AgentOutcome = "success" | "failure";

export interface AgentStep {
  /** Seconds from the previous request's outcome (or from the start) until this one. */
  delaySeconds: number;
  request: AgentRequest;
}

/**
 * The agent's next request. `lastOutcome` is undefined for the first request, which goes at once.
 * Periodic patterns keep their period whatever happened; the tight loop retries failures.
 */
export function nextRequest(pattern: AgentPattern, lastOutcome?: AgentOutcome): AgentStep {
  switch (pattern.kind) {
    case "tightRetryLoop": {
      const delaySeconds =
        lastOutcome === undefined
          ? 0
          : lastOutcome === "failure"
            ? pattern.retryDelaySeconds
            : pattern.periodSeconds;
      return { delaySeconds, request: pattern.request };
    }
    case "periodicFullList": {
      const options: ListOptions = { resourceVersion: "" };
      if (pattern.hasSelector) options.hasSelector = true;
      return {
        delaySeconds: lastOutcome === undefined ? 0 : pattern.periodSeconds,
        request: { verb: "list", options },
      };
    }
    case "getLoop":
      return {
        delaySeconds: lastOutcome === undefined ? 0 : pattern.periodSeconds,
        request: { verb: "get" },
      };
  }
}
