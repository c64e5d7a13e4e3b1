/**
 * The reflector's state, options, events and actions (reflector.ts drives them): a handful of
 * numbers per reflector so that a fleet can keep one row per client in typed arrays, and the
 * resource versions and watch timeouts its requests carry.
 */
import type { ListOptions } from "../apf/request/list-options.js";
import {
  REFLECTOR_BACKOFF,
  type ExponentialBackoffParameters,
  type UniformSource,
} from "./backoff.js";

/** minWatchTimeout / defaultMinWatchTimeout: a watch asks for timeoutSeconds in [300, 600). */
export const MIN_WATCH_TIMEOUT_SECONDS = 300;

/** A watch that closes sooner than this with no event is an error ("very short watch"). */
export const VERY_SHORT_WATCH_SECONDS = 1;

export const ReflectorPhase = {
  /** Created; startReflector has not run yet. */
  NotStarted: 0,
  /** A LIST page is in flight. */
  Listing: 1,
  /** A WATCH is being opened or is delivering events. */
  Watching: 2,
  /** WatchList mode: a sendInitialEvents WATCH is streaming the initial state. */
  StreamingInitialEvents: 3,
  /** Backing off; then ListAndWatch starts over (a LIST, or a WatchList request). */
  BackoffThenRestart: 4,
  /** Backing off; then a new WATCH from the last revision, without a LIST. */
  BackoffThenWatch: 5,
  /** WatchList mode: backing off; then a new sendInitialEvents WATCH. */
  BackoffThenWatchList: 6,
} as const;
export type ReflectorPhase = (typeof ReflectorPhase)[keyof typeof ReflectorPhase];

/** Where the pager is in the LIST in flight. */
export const ListStage = {
  FirstPage: 0,
  /** Following a continue token. */
  NextPage: 1,
  /** A continue token expired (410): one unpaginated LIST at the requested revision. */
  FullListAfterExpiredContinue: 2,
} as const;
export type ListStage = (typeof ListStage)[keyof typeof ListStage];

/**
 * Everything a reflector remembers, all numbers (flags are 0 or 1). Revisions are etcd
 * revisions; 0 means none (the "" of upstream's lastSyncResourceVersion).
 */
export interface ReflectorState {
  phase: ReflectorPhase;
  /** The revision the next WATCH or relist starts from (lastSyncResourceVersion). */
  lastSyncResourceVersion: number;
  /** isLastSyncResourceVersionUnavailable: set by 410/too-large, makes relists consistent (""). */
  resourceVersionUnavailable: number;
  /** A LIST at "0" came back in pages once; later LISTs keep paginating. */
  paginatedResult: number;
  /** The LIST in flight: its ListStage. */
  listStage: ListStage;
  /** The LIST in flight: the pager's page size (0: unpaginated). */
  listPageSize: number;
  /** The LIST in flight started at resourceVersion "0". */
  listStartedAtAnyVersion: number;
  /** The LIST in flight is the one retry at "" after a 410 or too-large revision. */
  listIsConsistentRetry: number;
  /** The LIST in flight has followed a continue token. */
  listPaginated: number;
  /** The LIST in flight: the revision of its result (its first page). */
  listResourceVersion: number;
  /** When the current WATCH was requested (s), for the very-short-watch check. */
  watchStartedAt: number;
  /** The backoff manager (backoff.ts ExponentialBackoffState). */
  backoffDuration: number;
  backoffLastStart: number;
}

/** The state's fields, for copying a row in and out of typed arrays. */
export const REFLECTOR_STATE_FIELDS = [
  "phase",
  "lastSyncResourceVersion",
  "resourceVersionUnavailable",
  "paginatedResult",
  "listStage",
  "listPageSize",
  "listStartedAtAnyVersion",
  "listIsConsistentRetry",
  "listPaginated",
  "listResourceVersion",
  "watchStartedAt",
  "backoffDuration",
  "backoffLastStart",
] as const satisfies readonly (keyof ReflectorState)[];

export interface ReflectorOptions {
  /**
   * WatchList streaming (sendInitialEvents=true instead of LIST). Off by default in client-go
   * v0.29–v0.34: ENABLE_CLIENT_GO_WATCH_LIST_ALPHA in v0.29–v0.30, the WatchListClient gate
   * (beta, off) from v0.31.
   */
  useWatchList?: boolean;
  /** Reflector.WatchListPageSize; 0 (default) lets the reflector choose. */
  watchListPageSize?: number;
  /** ReflectorOptions.MinWatchTimeout (v0.31+); only values above 300 s have an effect. */
  minWatchTimeoutSeconds?: number;
  backoff?: Readonly<ExponentialBackoffParameters>;
}

/** Why a request failed for good, after rest.Request's own retries. */
export type RequestFailure =
  /** An HTTP error status. A 504 whose cause is "Too large resource version" sets the flag. */
  | { kind: "status"; status: number; tooLargeResourceVersion?: boolean }
  /** ECONNREFUSED: no apiserver listening. */
  | { kind: "connectionRefused" }
  /** EOF, connection reset or timeout once the request layer stopped retrying. */
  | { kind: "connectionLost" };

export type ReflectorEvent =
  /** A LIST page arrived; `hasMore` when it carries a continue token. */
  | { kind: "listPage"; resourceVersion: number; hasMore: boolean }
  | { kind: "listFailed"; failure: RequestFailure }
  /** The WATCH request itself failed (no stream). */
  | { kind: "watchOpenFailed"; failure: RequestFailure }
  /**
   * The stream ended without an error event: the server's timeout, an apiserver shutting down,
   * a broken connection (EOF or reset). `resourceVersion` is that of the last event or bookmark.
   */
  | { kind: "watchClosed"; receivedEvents: boolean; resourceVersion?: number }
  /** The stream delivered an ERROR event: 410 Gone ("too old resource version"), 429, 500, … */
  | {
      kind: "watchError";
      status: number;
      tooLargeResourceVersion?: boolean;
      resourceVersion?: number;
    }
  /** WatchList mode: the bookmark annotated k8s.io/initial-events-end arrived. */
  | { kind: "initialEventsEnd"; resourceVersion: number }
  /** The wait asked for by a `wait` action is over. */
  | { kind: "backoffElapsed" };

export type ReflectorAction =
  /** Send this LIST (one page). LISTs pass the client's rate limiter. */
  | { kind: "list"; options: ListOptions }
  /**
   * Open this WATCH. client-go does not rate-limit the first attempt of a watch.
   * `options` repeats resourceVersion and adds the WatchList fields when streaming.
   */
  | { kind: "watch"; resourceVersion: string; timeoutSeconds: number; options: ListOptions }
  /** Back off this long, then report `backoffElapsed`. */
  | { kind: "wait"; seconds: number }
  /** Nothing to send: the WatchList stream goes on as the reflector's watch. */
  | { kind: "keepWatching" };

/** A reflector created at `now`; call startReflector next. */
export function newReflectorState(now: number, options: ReflectorOptions = {}): ReflectorState {
  return {
    phase: ReflectorPhase.NotStarted,
    lastSyncResourceVersion: 0,
    resourceVersionUnavailable: 0,
    paginatedResult: 0,
    listStage: ListStage.FirstPage,
    listPageSize: 0,
    listStartedAtAnyVersion: 0,
    listIsConsistentRetry: 0,
    listPaginated: 0,
    listResourceVersion: 0,
    watchStartedAt: 0,
    backoffDuration: (options.backoff ?? REFLECTOR_BACKOFF).initialSeconds,
    backoffLastStart: now,
  };
}

/** relistResourceVersion: "" after a 410 or too-large revision, "0" before any sync. */
export function relistResourceVersion(state: Readonly<ReflectorState>): string {
  if (state.resourceVersionUnavailable) return "";
  if (state.lastSyncResourceVersion === 0) return "0";
  return String(state.lastSyncResourceVersion);
}

/** rewatchResourceVersion (WatchList requests): "" after a 410, otherwise the last revision. */
export function rewatchResourceVersion(state: Readonly<ReflectorState>): string {
  if (state.resourceVersionUnavailable) return "";
  return lastSyncResourceVersionText(state);
}

/** The last revision as a WATCH sends it ("" when none). */
export function lastSyncResourceVersionText(state: Readonly<ReflectorState>): string {
  return state.lastSyncResourceVersion === 0 ? "" : String(state.lastSyncResourceVersion);
}

/** timeoutSeconds of a reflector WATCH: int64(minWatchTimeout · (rand + 1)). */
export function watchTimeoutSeconds(random: UniformSource, options: ReflectorOptions = {}): number {
  const minimum = Math.max(MIN_WATCH_TIMEOUT_SECONDS, options.minWatchTimeoutSeconds ?? 0);
  return Math.trunc(minimum * (random.next() + 1));
}

/** Records the revision of an event delivered on the reflector's watch. */
export function observeResourceVersion(state: ReflectorState, resourceVersion: number): void {
  if (state.phase === ReflectorPhase.Watching && resourceVersion > 0) {
    state.lastSyncResourceVersion = resourceVersion;
  }
}
