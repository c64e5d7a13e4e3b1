/**
 * Seats for a LIST, or for a WATCH that starts by sending the current state
 * (sendInitialEvents=true). Port of k8s.io/apiserver/pkg/util/flowcontrol/request/
 * list_work_estimator.go as of v0.34.0; with SizeBasedListCostEstimate off it gives the same
 * seats as the v0.29–v0.33 code (see docs/k8s-apf.md).
 */
import type { FeatureGates } from "../../features.js";
import type { KubernetesVersion } from "../../version.js";
import {
  CACHE_WITH_STREAMING_MAX_MEMORY_BYTES,
  INFINITE_OBJECT_COUNT,
  MAX_OBJECT_SIZE_BYTES,
  type WorkEstimatorConfig,
} from "./config.js";
import {
  shouldListFromStorage,
  type ListOptions,
  type StorageCapabilities,
} from "./list-options.js";
import type { WorkEstimate } from "./work-estimate.js";

/** What the apiserver's object-count tracker knows about a resource (storage.Stats). */
export interface ObjectStats {
  objectCount: number;
  /** Average serialized size in etcd (integer bytes); 0 when unknown. Only 1.34 tracks it. */
  averageObjectSizeBytes: number;
}

/**
 * The tracker's answer: stats, "stale" (not refreshed for a while: a sign of trouble, priced at
 * the cap), or "not-found" (unknown resource, e.g. aggregated APIs: priced at the minimum).
 */
export type ObjectStatsLookup = ObjectStats | "stale" | "not-found";

export interface ListWorkRequest {
  verb: "list" | "watch";
  options: ListOptions;
  /** The request names one object (in the path or fieldSelector=metadata.name=…). */
  matchesSingle?: boolean;
  stats: ObjectStatsLookup;
  /**
   * Override of the estimator's own cache-or-etcd guess (shouldListFromStorage). Upstream never
   * overrides it; useful to price what a particular cache state would cost.
   */
  listFromCache?: boolean;
}

export interface ListWorkEstimatorContext {
  version: KubernetesVersion;
  featureGates: Pick<FeatureGates, "SizeBasedListCostEstimate" | "ConsistentListFromCache">;
  storage: StorageCapabilities;
  config: WorkEstimatorConfig;
}

/**
 * @param levelMaxSeats the priority level's per-request cap (0 = none; see maxSeatsForLevel).
 */
export function estimateListWork(
  request: ListWorkRequest,
  levelMaxSeats: number,
  context: ListWorkEstimatorContext,
): WorkEstimate {
  const { config } = context;
  const minSeats = config.minimumSeats;
  const maxSeats =
    levelMaxSeats === 0 || levelMaxSeats > config.maximumListSeatsLimit
      ? config.maximumListSeatsLimit
      : levelMaxSeats;

  // A WATCH costs one seat unless it opens with the full state like a LIST.
  if (request.verb === "watch" && request.options.sendInitialEvents !== true) {
    return seatsOnly(minSeats);
  }
  const isListFromCache =
    request.verb === "watch" ||
    (request.listFromCache ??
      !shouldListFromStorage(
        context.version,
        request.options,
        context.featureGates,
        context.storage,
      ));

  let stats: ObjectStats;
  if (request.stats === "not-found") {
    // Most likely an aggregated API served elsewhere: cheap for this server.
    return seatsOnly(minSeats);
  } else if (request.stats === "stale") {
    stats = { objectCount: INFINITE_OBJECT_COUNT, averageObjectSizeBytes: MAX_OBJECT_SIZE_BYTES };
  } else {
    stats = request.stats;
  }

  const matchesSingle = request.matchesSingle === true;
  const seats = context.featureGates.SizeBasedListCostEstimate
    ? seatsBasedOnObjectSize(stats, request.options, isListFromCache, matchesSingle, config)
    : seatsBasedOnObjectCount(stats, request.options, isListFromCache, matchesSingle, config);
  return seatsOnly(Math.min(Math.max(seats, minSeats), maxSeats));
}

/**
 * Seats by objects processed, before clamping: one named object → 1; from the cache → every
 * stored object; from etcd with a selector → stored + returned; otherwise 2 × returned.
 */
export function seatsBasedOnObjectCount(
  stats: ObjectStats,
  options: ListOptions,
  isListFromCache: boolean,
  matchesSingle: boolean,
  config: Pick<WorkEstimatorConfig, "objectsPerSeat">,
): number {
  const numStored = stats.objectCount;
  const returned = limitedCount(numStored, options.limit);
  let objectsProcessed: number;
  if (matchesSingle) objectsProcessed = 1;
  else if (isListFromCache) objectsProcessed = numStored;
  else if (options.hasSelector === true) objectsProcessed = numStored + returned;
  else objectsProcessed = 2 * returned;
  return Math.ceil(objectsProcessed / config.objectsPerSeat);
}

/**
 * Seats by bytes held in memory at once, before clamping (1.34, SizeBasedListCostEstimate).
 * From etcd with a selector, at least half the stored objects are assumed fetched; from the
 * cache, streaming encoding bounds the memory at 1 MB.
 */
export function seatsBasedOnObjectSize(
  stats: ObjectStats,
  options: ListOptions,
  isListFromCache: boolean,
  matchesSingle: boolean,
  config: Pick<WorkEstimatorConfig, "bytesPerSeat">,
): number {
  const averageSize =
    stats.averageObjectSizeBytes <= 0 && stats.objectCount !== 0
      ? MAX_OBJECT_SIZE_BYTES
      : stats.averageObjectSizeBytes;
  const returned = limitedCount(stats.objectCount, options.limit);
  let objectsInMemory: number;
  if (matchesSingle) objectsInMemory = 1;
  else if (isListFromCache) objectsInMemory = returned;
  else if (options.hasSelector === true) {
    objectsInMemory = Math.max(returned, Math.trunc(stats.objectCount / 2));
  } else objectsInMemory = returned;

  let memoryBytes = objectsInMemory * averageSize;
  if (isListFromCache) memoryBytes = Math.min(memoryBytes, CACHE_WITH_STREAMING_MAX_MEMORY_BYTES);
  return Math.ceil(memoryBytes / config.bytesPerSeat);
}

function limitedCount(objectCount: number, limit: number | undefined): number {
  return limit !== undefined && limit > 0 && limit < objectCount ? limit : objectCount;
}

function seatsOnly(seats: number): WorkEstimate {
  return { initialSeats: seats, finalSeats: 0, additionalLatencyNanos: 0 };
}
