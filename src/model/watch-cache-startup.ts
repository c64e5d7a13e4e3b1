/**
 * What an apiserver does with a request while its watch cache initialises after a (re)start,
 * by version (staging/src/k8s.io/apiserver/pkg/storage/cacher, KEP-4568):
 *
 * - /readyz waits for the cache only with `WatchCacheInitializationPostStartHook` (beta, off by
 *   default in 1.31–1.34; absent before): otherwise the replica takes traffic as soon as its
 *   process has started, while the cache fills from etcd;
 * - with `ResilientWatchCacheInitialization` (beta on 1.31, GA 1.34) a watch, or a LIST or GET
 *   the cache would serve, is answered 429 with Retry-After 1 s; consistent reads go to etcd;
 * - before it (1.29, 1.30) such a request waits inside the handler, holding its seats, until the
 *   cache is ready or the client gives up.
 */
import type { FeatureGates } from "../k8s/index.js";
import type { ApiRequest } from "./request.js";

/** Serve as usual, answer 429 "storage is (re)initializing", or wait for the cache. */
export type CacheStartupTreatment = "serve" | "reject" | "wait";

/** Retry-After of the 429 while the cache initialises (cacher.go: `NewTooManyRequests(..., 1)`). */
export const CACHE_INITIALIZING_RETRY_AFTER_SECONDS = 1;

/** Whether the request needs the watch cache: a watch, or a read priced as served from it. */
export function needsWatchCache(request: ApiRequest): boolean {
  if (request.template.verb === "watch") return true;
  return request.readCost?.servedFrom === "cache";
}

export function cacheStartupTreatment(
  request: ApiRequest,
  cacheReady: boolean,
  gates: FeatureGates,
): CacheStartupTreatment {
  if (cacheReady || !needsWatchCache(request)) return "serve";
  return gates.ResilientWatchCacheInitialization ? "reject" : "wait";
}

/**
 * The gates the cost model prices a request with on a replica whose cache is not ready: with
 * resilient initialisation, consistent LISTs are delegated to etcd.
 */
export function gatesWhileInitializing(gates: FeatureGates): FeatureGates {
  return gates.ResilientWatchCacheInitialization
    ? { ...gates, ConsistentListFromCache: false }
    : gates;
}
