/**
 * The LIST/WATCH query options the work estimator reads (a slice of metav1.ListOptions), and the
 * estimator's guess of whether the watch cache or etcd will serve the LIST.
 */
import type { FeatureGates } from "../../features.js";
import { minorOf, type KubernetesVersion } from "../../version.js";

export type ResourceVersionMatch = "" | "Exact" | "NotOlderThan";

export interface ListOptions {
  /** "" (the default): a consistent read; "0": any cached state; otherwise a revision. */
  resourceVersion?: string;
  /**
   * "", "Exact" or "NotOlderThan" (see ResourceVersionMatch); any other value is sent to etcd,
   * where validation rejects it.
   */
  resourceVersionMatch?: string;
  /** Page size; 0 or absent means no limit. */
  limit?: number;
  /** True when the request carries a continue token (a later page). */
  hasContinue?: boolean;
  /** True when a labelSelector or fieldSelector is set. */
  hasSelector?: boolean;
  /** WATCH only: sendInitialEvents=true (the WatchList streaming mode). */
  sendInitialEvents?: boolean;
}

export interface StorageCapabilities {
  /**
   * etcd answers RequestProgress on watches (etcd ≥ 3.4.31 / 3.5.13), which consistent reads
   * from the cache need; checked from 1.31 on. Upstream unit tests run without etcd, i.e. false.
   */
  etcdSupportsRequestWatchProgress: boolean;
}

/**
 * Whether the work estimator expects a LIST to be served by etcd rather than the watch cache.
 * Ports three generations: shouldListFromStorage in request/list_work_estimator.go (1.29–1.30,
 * 1.31–1.32) and delegator.ShouldDelegateListMeta with CacheWithoutSnapshots (1.33–1.34).
 */
export function shouldListFromStorage(
  version: KubernetesVersion,
  options: ListOptions,
  gates: Pick<FeatureGates, "ConsistentListFromCache">,
  storage: StorageCapabilities,
): boolean {
  const resourceVersion = options.resourceVersion ?? "";
  const match = options.resourceVersionMatch ?? "";
  const limit = options.limit ?? 0;
  const hasContinue = options.hasContinue === true;
  const minor = minorOf(version);

  if (minor <= 30) {
    const consistentReadFromStorage = resourceVersion === "" && !gates.ConsistentListFromCache;
    // Paginated requests at revision "0" stay in the cache to spare etcd.
    const hasLimit = limit > 0 && resourceVersion !== "0";
    const unsupportedMatch = match !== "" && match !== "NotOlderThan";
    return consistentReadFromStorage || hasContinue || hasLimit || unsupportedMatch;
  }

  const consistentReadFromCache =
    gates.ConsistentListFromCache && storage.etcdSupportsRequestWatchProgress;
  // limit with a specific revision and no match: the legacy "exact" semantics.
  const isLegacyExactMatch =
    limit > 0 && match === "" && resourceVersion !== "" && resourceVersion !== "0";

  if (minor <= 32) {
    const consistentReadFromStorage = resourceVersion === "" && !consistentReadFromCache;
    const unsupportedMatch = (match !== "" && match !== "NotOlderThan") || isLegacyExactMatch;
    return consistentReadFromStorage || hasContinue || unsupportedMatch;
  }

  switch (match) {
    case "Exact":
      return true;
    case "NotOlderThan":
      return false;
    case "":
      if (hasContinue || isLegacyExactMatch) return true;
      if (resourceVersion === "") return !consistentReadFromCache;
      return false;
    default:
      return true;
  }
}
