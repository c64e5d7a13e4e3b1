/**
 * The reflector's requests and waits: each starts one (a LIST page, a WATCH, a WatchList
 * WATCH, a backoff), records it in the state and returns it as the action for the caller.
 * Reflector.list, Reflector.watch and Reflector.watchList issue these; reflector.ts decides
 * which comes next.
 */
import type { ListOptions } from "../apf/request/list-options.js";
import { nextBackoff, REFLECTOR_BACKOFF, type UniformSource } from "./backoff.js";
import { reflectorListPageSize } from "./pager.js";
import {
  lastSyncResourceVersionText,
  ListStage,
  ReflectorPhase,
  relistResourceVersion,
  rewatchResourceVersion,
  watchTimeoutSeconds,
  type ReflectorAction,
  type ReflectorOptions,
  type ReflectorState,
} from "./reflector-state.js";

/** ListAndWatch: WatchList first when enabled, else LIST. */
export function listAndWatch(
  state: ReflectorState,
  now: number,
  random: UniformSource,
  options: ReflectorOptions,
): ReflectorAction {
  return options.useWatchList
    ? openWatchList(state, now, random, options)
    : startList(state, options);
}

/** Reflector.list: the first page at the relist revision, paginated as the pager decides. */
export function startList(state: ReflectorState, options: ReflectorOptions): ReflectorAction {
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

/** ListPager.List: a new LIST in flight from its first page. */
export function startPagerCall(state: ReflectorState, resourceVersion: string): ReflectorAction {
  state.phase = ReflectorPhase.Listing;
  state.listStage = ListStage.FirstPage;
  state.listPaginated = 0;
  state.listResourceVersion = 0;
  return listAction(resourceVersion, state.listPageSize, false);
}

export function listAction(
  resourceVersion: string,
  limit: number,
  hasContinue: boolean,
): ReflectorAction {
  const options: ListOptions = { resourceVersion };
  if (limit !== 0) options.limit = limit;
  if (hasContinue) options.hasContinue = true;
  return { kind: "list", options };
}

/** Reflector.watch: a WATCH from the last synced revision. */
export function openWatch(
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

/** Reflector.watchList: a sendInitialEvents WATCH streaming the state from the revision. */
export function openWatchList(
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

/** The backoff manager's next wait, after which the reflector goes on in phase `then`. */
export function backOff(
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
