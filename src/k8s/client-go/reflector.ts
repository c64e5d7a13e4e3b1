/**
 * The informer's reflector (k8s.io/client-go/tools/cache/reflector.go, v0.29–v0.34) as a state
 * machine over a handful of numbers, so a fleet can keep one row per client in typed arrays.
 *
 * Reflector.Run is wait.BackoffUntil(ListAndWatch, backoff, sliding): ListAndWatch runs at once,
 * and every time it returns, for whatever reason, the reflector waits one backoff and starts over.
 * ListAndWatch LISTs (through the pager) and then WATCHes from the LIST's revision, re-opening the
 * watch after each normal close without listing again. Some watch failures back off and re-watch
 * without leaving ListAndWatch; everything else ends it, so a LIST follows the backoff.
 *
 * The caller sends each request the machine asks for, runs it through the client's rate limiter
 * and retries (retry.ts), and reports the final outcome as an event. Time is `now` in seconds;
 * randomness (watch timeouts, backoff jitter) comes from the `random` argument.
 */
import type { ListOptions } from "../apf/request/list-options.js";
import {
  nextBackoff,
  REFLECTOR_BACKOFF,
  type ExponentialBackoffParameters,
  type UniformSource,
} from "./backoff.js";
import { reflectorListPageSize } from "./pager.js";

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

/** Reflector.Run: the first ListAndWatch starts without waiting. */
export function startReflector(
  state: ReflectorState,
  now: number,
  random: UniformSource,
  options: ReflectorOptions = {},
): ReflectorAction {
  if (state.phase !== ReflectorPhase.NotStarted) throw new Error("reflector: already started");
  return listAndWatch(state, now, random, options);
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

function lastSyncResourceVersionText(state: Readonly<ReflectorState>): string {
  return state.lastSyncResourceVersion === 0 ? "" : String(state.lastSyncResourceVersion);
}

/** timeoutSeconds of a reflector WATCH: int64(minWatchTimeout · (rand + 1)). */
export function watchTimeoutSeconds(random: UniformSource, options: ReflectorOptions = {}): number {
  const minimum = Math.max(MIN_WATCH_TIMEOUT_SECONDS, options.minWatchTimeoutSeconds ?? 0);
  return Math.trunc(minimum * (random.next() + 1));
}

/**
 * Moves the reflector on after `event` and returns what it does next. Throws when the event
 * cannot happen in the current phase (a bug in the caller).
 */
export function reflectorStep(
  state: ReflectorState,
  event: ReflectorEvent,
  now: number,
  random: UniformSource,
  options: ReflectorOptions = {},
): ReflectorAction {
  switch (state.phase) {
    case ReflectorPhase.Listing:
      if (event.kind === "listPage") return onListPage(state, event, now, random, options);
      if (event.kind === "listFailed") {
        return onListFailed(state, event.failure, now, random, options);
      }
      break;
    case ReflectorPhase.Watching:
      return onWatchEvent(state, event, now, random, options);
    case ReflectorPhase.StreamingInitialEvents:
      return onWatchListEvent(state, event, now, random, options);
    case ReflectorPhase.BackoffThenRestart:
      if (event.kind === "backoffElapsed") return listAndWatch(state, now, random, options);
      break;
    case ReflectorPhase.BackoffThenWatch:
      if (event.kind === "backoffElapsed") return openWatch(state, now, random, options);
      break;
    case ReflectorPhase.BackoffThenWatchList:
      if (event.kind === "backoffElapsed") return openWatchList(state, now, random, options);
      break;
  }
  return unexpected(state, event);
}

/** Records the revision of an event delivered on the reflector's watch. */
export function observeResourceVersion(state: ReflectorState, resourceVersion: number): void {
  if (state.phase === ReflectorPhase.Watching && resourceVersion > 0) {
    state.lastSyncResourceVersion = resourceVersion;
  }
}

function unexpected(state: ReflectorState, event: ReflectorEvent): never {
  const phase = Object.keys(ReflectorPhase).find(
    (name) => ReflectorPhase[name as keyof typeof ReflectorPhase] === state.phase,
  );
  throw new Error(
    `reflector: event "${event.kind}" cannot happen in phase ${phase ?? state.phase}`,
  );
}

// ListAndWatch: WatchList first when enabled, else LIST.
function listAndWatch(
  state: ReflectorState,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  return options.useWatchList
    ? openWatchList(state, now, random, options)
    : startList(state, options);
}

// ---- LIST (Reflector.list and the pager) -------------------------------------------------------

function startList(state: ReflectorState, options: ReflectorOptions): ReflectorAction {
  const resourceVersion = relistResourceVersion(state);
  state.listPageSize = reflectorListPageSize(
    resourceVersion,
    state.paginatedResult === 1,
    options.watchListPageSize ?? 0,
  );
  state.listStartedAtAnyVersion = resourceVersion === "0" ? 1 : 0;
  state.listIsConsistentRetry = 0;
  return startPagerCall(state, resourceVersion);
}

function startPagerCall(state: ReflectorState, resourceVersion: string): ReflectorAction {
  state.phase = ReflectorPhase.Listing;
  state.listStage = ListStage.FirstPage;
  state.listPaginated = 0;
  state.listResourceVersion = 0;
  return listAction(resourceVersion, state.listPageSize, false);
}

function listAction(resourceVersion: string, limit: number, hasContinue: boolean): ReflectorAction {
  const options: ListOptions = { resourceVersion };
  if (limit !== 0) options.limit = limit;
  if (hasContinue) options.hasContinue = true;
  return { kind: "list", options };
}

function onListPage(
  state: ReflectorState,
  page: { resourceVersion: number; hasMore: boolean },
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  // A paginated result carries the revision of its first page.
  if (state.listStage !== ListStage.NextPage) state.listResourceVersion = page.resourceVersion;
  // The full LIST after an expired continue token is final whatever it says.
  if (page.hasMore && state.listStage !== ListStage.FullListAfterExpiredContinue) {
    state.listStage = ListStage.NextPage;
    state.listPaginated = 1;
    // Continue requests drop the revision: the token carries it.
    return listAction("", state.listPageSize, true);
  }
  if (state.listStartedAtAnyVersion === 1 && state.listPaginated === 1) state.paginatedResult = 1;
  state.resourceVersionUnavailable = 0;
  state.lastSyncResourceVersion = state.listResourceVersion;
  return openWatch(state, now, random, options);
}

function onListFailed(
  state: ReflectorState,
  failure: RequestFailure,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  const expired = failure.kind === "status" && failure.status === 410;
  const tooLarge = failure.kind === "status" && failure.tooLargeResourceVersion === true;
  // ListPager.FullListIfExpired: a later page expired; fetch everything at the same revision.
  if (state.listStage === ListStage.NextPage && expired) {
    state.listStage = ListStage.FullListAfterExpiredContinue;
    return listAction(relistResourceVersion(state), 0, false);
  }
  // Reflector.list: the revision is gone or not reached yet; one more try, consistent ("").
  if (state.listIsConsistentRetry === 0 && (expired || tooLarge)) {
    state.resourceVersionUnavailable = 1;
    state.listIsConsistentRetry = 1;
    return startPagerCall(state, relistResourceVersion(state));
  }
  return backOff(state, now, random, options, ReflectorPhase.BackoffThenRestart);
}

// ---- WATCH (Reflector.watch) -------------------------------------------------------------------

function openWatch(
  state: ReflectorState,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  state.phase = ReflectorPhase.Watching;
  state.watchStartedAt = now;
  const resourceVersion = lastSyncResourceVersionText(state);
  return {
    kind: "watch",
    resourceVersion,
    timeoutSeconds: watchTimeoutSeconds(random, options),
    options: { resourceVersion },
  };
}

// isWatchErrorRetriable: back off and re-watch instead of leaving ListAndWatch.
function isRetriableWatchFailure(failure: RequestFailure): boolean {
  return (
    failure.kind === "connectionRefused" || (failure.kind === "status" && failure.status === 429)
  );
}

function isVeryShortWatch(state: ReflectorState, now: number, receivedEvents: boolean): boolean {
  return !receivedEvents && now - state.watchStartedAt < VERY_SHORT_WATCH_SECONDS;
}

function onWatchEvent(
  state: ReflectorState,
  event: ReflectorEvent,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  switch (event.kind) {
    case "watchOpenFailed":
      if (isRetriableWatchFailure(event.failure)) {
        return backOff(state, now, random, options, ReflectorPhase.BackoffThenWatch);
      }
      // Watch() turns EOF/timeout it stopped retrying into an empty watch, closed at once.
      if (event.failure.kind === "connectionLost") {
        return onWatchClosed(state, false, now, random, options);
      }
      return backOff(state, now, random, options, ReflectorPhase.BackoffThenRestart);
    case "watchClosed":
      if (event.resourceVersion) observeResourceVersion(state, event.resourceVersion);
      return onWatchClosed(state, event.receivedEvents, now, random, options);
    case "watchError":
      if (event.resourceVersion) observeResourceVersion(state, event.resourceVersion);
      if (event.status === 429) {
        return backOff(state, now, random, options, ReflectorPhase.BackoffThenWatch);
      }
      // 410 Gone, 500 and the rest end ListAndWatch; the relist starts from the last revision.
      return backOff(state, now, random, options, ReflectorPhase.BackoffThenRestart);
    default:
      return unexpected(state, event);
  }
}

function onWatchClosed(
  state: ReflectorState,
  receivedEvents: boolean,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  if (isVeryShortWatch(state, now, receivedEvents)) {
    return backOff(state, now, random, options, ReflectorPhase.BackoffThenRestart);
  }
  return openWatch(state, now, random, options);
}

// ---- WatchList (Reflector.watchList) -----------------------------------------------------------

function openWatchList(
  state: ReflectorState,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  state.phase = ReflectorPhase.StreamingInitialEvents;
  state.watchStartedAt = now;
  const resourceVersion = rewatchResourceVersion(state);
  return {
    kind: "watch",
    resourceVersion,
    timeoutSeconds: watchTimeoutSeconds(random, options),
    options: { resourceVersion, resourceVersionMatch: "NotOlderThan", sendInitialEvents: true },
  };
}

function onWatchListEvent(
  state: ReflectorState,
  event: ReflectorEvent,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  switch (event.kind) {
    case "initialEventsEnd":
      state.resourceVersionUnavailable = 0;
      state.lastSyncResourceVersion = event.resourceVersion;
      // The same stream becomes the reflector's watch; its clock starts now.
      state.phase = ReflectorPhase.Watching;
      state.watchStartedAt = now;
      return { kind: "keepWatching" };
    case "watchOpenFailed":
      if (event.failure.kind === "connectionLost") {
        return onWatchListClosed(state, false, now, random, options);
      }
      return onWatchListFailure(state, event.failure, now, random, options);
    case "watchError":
      return onWatchListFailure(
        state,
        {
          kind: "status",
          status: event.status,
          tooLargeResourceVersion: event.tooLargeResourceVersion,
        },
        now,
        random,
        options,
      );
    case "watchClosed":
      // Events before the bookmark fill a temporary store; the revision is not kept.
      return onWatchListClosed(state, event.receivedEvents, now, random, options);
    default:
      return unexpected(state, event);
  }
}

function onWatchListFailure(
  state: ReflectorState,
  failure: RequestFailure,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  if (isRetriableWatchFailure(failure)) {
    return backOff(state, now, random, options, ReflectorPhase.BackoffThenWatchList);
  }
  const expiredOrTooLarge =
    failure.kind === "status" &&
    (failure.status === 410 || failure.tooLargeResourceVersion === true);
  if (expiredOrTooLarge) {
    state.resourceVersionUnavailable = 1;
    return openWatchList(state, now, random, options);
  }
  // ListAndWatch falls back to LIST at once, without a backoff.
  return startList(state, options);
}

function onWatchListClosed(
  state: ReflectorState,
  receivedEvents: boolean,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  if (isVeryShortWatch(state, now, receivedEvents)) return startList(state, options);
  // Closed before the initial-events-end bookmark: ask again.
  return openWatchList(state, now, random, options);
}

// ---- Backoff -----------------------------------------------------------------------------------

function backOff(
  state: ReflectorState,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
  then: ReflectorPhase,
): ReflectorAction {
  const backoff = { duration: state.backoffDuration, lastBackoffStart: state.backoffLastStart };
  const seconds = nextBackoff(backoff, now, random, options.backoff ?? REFLECTOR_BACKOFF);
  state.backoffDuration = backoff.duration;
  state.backoffLastStart = backoff.lastBackoffStart;
  state.phase = then;
  return { kind: "wait", seconds };
}

/** Convenience wrapper for tests and one-off clients. */
export class Reflector {
  readonly state: ReflectorState;

  constructor(
    now: number,
    private readonly random: UniformSource,
    readonly options: Readonly<ReflectorOptions> = {},
  ) {
    this.state = newReflectorState(now, options);
  }

  start(now: number): ReflectorAction {
    return startReflector(this.state, now, this.random, this.options);
  }

  handle(event: ReflectorEvent, now: number): ReflectorAction {
    return reflectorStep(this.state, event, now, this.random, this.options);
  }
}
