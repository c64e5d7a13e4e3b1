/**
 * The cost of one request to the apiserver, computed from counts: objects, bytes, seats, CPU
 * seconds, etcd time and memory. The simulator charges these costs and preflight reports them;
 * a LIST of 150,000 pods is one call here, never 150,000 objects.
 */
import type { FeatureGates } from "../features.js";
import { minorOf, type KubernetesVersion } from "../version.js";
import {
  shouldListFromStorage,
  type ListOptions,
  type StorageCapabilities,
} from "../apf/request/list-options.js";
import { DEFAULT_COST_COEFFICIENTS, type CostCoefficients } from "./coefficients.js";

export type Encoding = "json" | "protobuf";

/** What the apiserver knows of a resource in the scope a request reads. */
export interface ResourceScope {
  /** Objects stored in the scope read (the whole resource for cluster scope, or a namespace). */
  storedObjects: number;
  /** Objects the request returns after selectors. */
  matchingObjects: number;
  averageObjectBytes: number;
  /**
   * The watch cache has an index for the request's selector (pods by spec.nodeName), so a
   * cached read touches only matching objects.
   */
  indexedSelector: boolean;
}

export interface ServerProfile {
  version: KubernetesVersion;
  featureGates: FeatureGates;
  storage: StorageCapabilities;
  coefficients?: CostCoefficients;
}

export interface ReadCost {
  servedFrom: "cache" | "etcd";
  objectsReturned: number;
  /** The limit cut the response short: more objects match, a continue token follows. */
  truncated: boolean;
  responseBytes: number;
  /** Bytes etcd reads and sends to the apiserver (0 from the cache). */
  etcdBytes: number;
  /** etcd service time (s), 0 from the cache. */
  etcdSeconds: number;
  /** apiserver CPU (s). */
  cpuSeconds: number;
  /** Memory held while the request executes (bytes). */
  memoryBytes: number;
}

function encodeCost(bytes: number, encoding: Encoding, c: CostCoefficients): number {
  return (
    bytes *
    (encoding === "json" ? c.encodeJsonCpuSecondsPerByte : c.encodeProtobufCpuSecondsPerByte)
  );
}

/**
 * Whether the watch cache honours a LIST's `limit`. Up to 1.30 the cacher's GetList returns every
 * matching object whatever the limit; from 1.31 it stops at the limit (`computeListLimit` in
 * staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go), except at resourceVersion "0",
 * which is always answered whole (API concepts, "resourceVersion semantics"). etcd always
 * honours it.
 */
export function watchCacheHonoursLimit(version: KubernetesVersion, options: ListOptions): boolean {
  const limit = options.limit ?? 0;
  if (limit <= 0) return false;
  return minorOf(version) >= 31 && options.resourceVersion !== "0";
}

/**
 * A LIST (or one page of it). From etcd the whole scope is read and decoded, then filtered:
 * a selector saves encoding but not reading (why node-scoped LISTs with RV="" still hurt).
 */
export function listCost(
  scope: ResourceScope,
  options: ListOptions,
  encoding: Encoding,
  server: ServerProfile,
): ReadCost {
  const c = server.coefficients ?? DEFAULT_COST_COEFFICIENTS;
  const fromEtcd = shouldListFromStorage(
    server.version,
    options,
    server.featureGates,
    server.storage,
  );
  const requested = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity;
  const limit = fromEtcd || watchCacheHonoursLimit(server.version, options) ? requested : Infinity;
  const returned = Math.min(scope.matchingObjects, limit);
  const responseBytes = returned * scope.averageObjectBytes;
  const streaming =
    encoding === "json"
      ? server.featureGates.StreamingCollectionEncodingToJSON
      : server.featureGates.StreamingCollectionEncodingToProtobuf;
  // The response buffer is the same whichever store the objects come from.
  const encodeMemory =
    responseBytes *
    (streaming ? c.streamingListMemoryPerResponseByte : c.listEncodeMemoryPerResponseByte);
  const truncated = returned < scope.matchingObjects;
  if (fromEtcd) {
    // With a limit etcd stops after enough matches; without a selector that is `limit` objects.
    const scanned =
      limit === Infinity
        ? scope.storedObjects
        : Math.min(
            scope.storedObjects,
            Math.ceil(limit * (scope.storedObjects / Math.max(1, scope.matchingObjects))),
          );
    const etcdBytes = scanned * scope.averageObjectBytes;
    return {
      servedFrom: "etcd",
      objectsReturned: returned,
      truncated,
      responseBytes,
      etcdBytes,
      etcdSeconds: c.etcdRangeBaseSeconds + etcdBytes * c.etcdRangeSecondsPerByte,
      cpuSeconds:
        c.requestOverheadCpuSeconds +
        etcdBytes * c.decodeCpuSecondsPerByte +
        encodeCost(responseBytes, encoding, c),
      // The etcd response and its decoded objects live until the response is built, whatever
      // the encoder does.
      memoryBytes: etcdBytes * c.etcdListMemoryPerEtcdByte + encodeMemory,
    };
  }
  const scanned = scope.indexedSelector ? returned : scope.storedObjects;
  return {
    servedFrom: "cache",
    objectsReturned: returned,
    truncated,
    responseBytes,
    etcdBytes: 0,
    etcdSeconds: 0,
    cpuSeconds:
      c.requestOverheadCpuSeconds +
      scanned * c.filterCpuSecondsPerObject +
      encodeCost(responseBytes, encoding, c),
    // The cache shares its decoded objects with the response: only the encoding costs memory.
    memoryBytes: encodeMemory,
  };
}

/** A GET of one object: from the cache with RV="0", otherwise a quorum read from etcd. */
export function getCost(
  averageObjectBytes: number,
  options: ListOptions,
  encoding: Encoding,
  server: ServerProfile,
): ReadCost {
  const c = server.coefficients ?? DEFAULT_COST_COEFFICIENTS;
  const fromCache = options.resourceVersion === "0";
  const etcdBytes = fromCache ? 0 : averageObjectBytes;
  return {
    servedFrom: fromCache ? "cache" : "etcd",
    objectsReturned: 1,
    truncated: false,
    responseBytes: averageObjectBytes,
    etcdBytes,
    etcdSeconds: fromCache ? 0 : c.etcdRangeBaseSeconds + etcdBytes * c.etcdRangeSecondsPerByte,
    cpuSeconds:
      c.requestOverheadCpuSeconds +
      etcdBytes * c.decodeCpuSecondsPerByte +
      encodeCost(averageObjectBytes, encoding, c),
    memoryBytes: averageObjectBytes * 2,
  };
}

export interface WriteCost {
  /** Bytes the write adds to etcd's database (a new revision of the object). */
  objectBytes: number;
  etcdSeconds: number;
  cpuSeconds: number;
  /** apiserver CPU to fan the change out to its watchers (s), spread over the replicas. */
  fanOutCpuSeconds: number;
  /** Bytes the watch events put on the apiservers' network: one object per recipient. */
  fanOutBytes: number;
  memoryBytes: number;
}

/**
 * A create, update, patch or delete of one object, and the watch events it causes. Every open
 * watch on the resource costs CPU (the cacher tests each watcher's selector), but only the
 * `recipients` whose selector matches get the event on the wire: a watcher scoped to one node's
 * pods hears of that node's pods only.
 */
export function writeCost(
  objectBytes: number,
  watchers: number,
  server: ServerProfile,
  recipients = watchers,
): WriteCost {
  const c = server.coefficients ?? DEFAULT_COST_COEFFICIENTS;
  return {
    objectBytes,
    etcdSeconds: c.etcdWriteSeconds + objectBytes * c.etcdRangeSecondsPerByte,
    cpuSeconds: c.requestOverheadCpuSeconds + c.writeCpuSeconds,
    fanOutCpuSeconds: watchers * c.watchEventCpuSeconds,
    fanOutBytes: recipients * objectBytes,
    memoryBytes: objectBytes * 4,
  };
}
