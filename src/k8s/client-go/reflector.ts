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
import type { UniformSource } from "./backoff.js";
import {
  backOff,
  listAction,
  listAndWatch,
  openWatch,
  openWatchList,
  startList,
  startPagerCall,
} from "./reflector-requests.js";
import {
  newReflectorState,
  observeResourceVersion,
  ListStage,
  ReflectorPhase,
  relistResourceVersion,
  VERY_SHORT_WATCH_SECONDS,
  type ReflectorAction,
  type ReflectorEvent,
  type ReflectorOptions,
  type ReflectorState,
  type RequestFailure,
} from "./reflector-state.js";

// The state, options, events and actions are part of the reflector's interface.
export {
  ListStage,
  MIN_WATCH_TIMEOUT_SECONDS,
  newReflectorState,
  observeResourceVersion,
  REFLECTOR_STATE_FIELDS,
  ReflectorPhase,
  relistResourceVersion,
  rewatchResourceVersion,
  VERY_SHORT_WATCH_SECONDS,
  watchTimeoutSeconds,
  type ReflectorAction,
  type ReflectorEvent,
  type ReflectorOptions,
  type ReflectorState,
  type RequestFailure,
} from "./reflector-state.js";

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

function unexpected(state: ReflectorState, event: ReflectorEvent): never {
  const phase = Object.keys(ReflectorPhase).find(
    (name) => ReflectorPhase[name as keyof typeof ReflectorPhase] === state.phase,
  );
  throw new Error(
    `reflector: event "${event.kind}" cannot happen in phase ${phase ?? state.phase}`,
  );
}

// ---- LIST (Reflector.list and the pager) -------------------------------------------------------

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
