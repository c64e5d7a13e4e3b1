/**
 * The APF work estimator: how many seats a request occupies, and for how long after it ends.
 * Port of NewWorkEstimator / workEstimator.estimate in
 * k8s.io/apiserver/pkg/util/flowcontrol/request/width.go. Inputs are counts (stored objects,
 * average size, watchers), never the objects themselves.
 */
import { defaultFeatureGates, type FeatureGates } from "../features.js";
import type { KubernetesVersion } from "../version.js";
import { defaultWorkEstimatorConfig, type WorkEstimatorConfig } from "./request/config.js";
import type { ListOptions, StorageCapabilities } from "./request/list-options.js";
import { estimateListWork, type ObjectStatsLookup } from "./request/list-work-estimator.js";
import { estimateMutatingWork } from "./request/mutating-work-estimator.js";
import type { WorkEstimate } from "./request/work-estimate.js";

export interface WorkEstimatorContext {
  version: KubernetesVersion;
  featureGates: FeatureGates;
  storage: StorageCapabilities;
  config: WorkEstimatorConfig;
}

export interface WorkEstimatorContextOptions {
  /** Overrides of the version's feature-gate defaults, as with --feature-gates. */
  featureGates?: Partial<FeatureGates>;
  /** Defaults to true: a current etcd (≥ 3.4.31 / 3.5.13). */
  etcdSupportsRequestWatchProgress?: boolean;
}

/** The estimator of an apiserver of `version` with default flags unless overridden. */
export function createWorkEstimatorContext(
  version: KubernetesVersion,
  options: WorkEstimatorContextOptions = {},
): WorkEstimatorContext {
  const featureGates = { ...defaultFeatureGates(version), ...options.featureGates };
  return {
    version,
    featureGates,
    storage: { etcdSupportsRequestWatchProgress: options.etcdSupportsRequestWatchProgress ?? true },
    config: defaultWorkEstimatorConfig(featureGates),
  };
}

/** One request as the estimator sees it. */
export interface WorkRequest {
  /** Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection, …). */
  verb: string;
  resource?: string;
  subresource?: string;
  /** LIST/WATCH options; absent means none. */
  options?: ListOptions;
  /** The request names one object (path, or fieldSelector=metadata.name=…). */
  matchesSingle?: boolean;
  /** Object-count tracker answer for the resource; required when the request is priced as a LIST. */
  stats?: ObjectStatsLookup;
  /** Override of the estimator's cache-or-etcd guess for LISTs. */
  listFromCache?: boolean;
  /** Watchers that will receive this change; required for create/update/patch/delete. */
  watchCount?: number;
}

/**
 * @param levelMaxSeats the priority level's per-request cap from computeConcurrencyLimits
 *   (0 for levels without queues: the global caps apply).
 */
export function estimateWork(
  request: WorkRequest,
  levelMaxSeats: number,
  context: WorkEstimatorContext,
): WorkEstimate {
  switch (request.verb) {
    case "list":
      return estimateAsList(request, "list", levelMaxSeats, context);
    case "watch":
      // A watch holds seats only while it initialises; with WatchList on, one that opens with
      // the current state (sendInitialEvents=true) is priced like the LIST it replaces.
      if (context.featureGates.WatchList) {
        return estimateAsList(request, "watch", levelMaxSeats, context);
      }
      break;
    case "create":
    case "update":
    case "patch":
    case "delete": {
      if (request.watchCount === undefined) {
        throw new Error(`watchCount is required to estimate a ${request.verb} request`);
      }
      return estimateMutatingWork(
        {
          resource: request.resource,
          subresource: request.subresource,
          watchCount: request.watchCount,
        },
        levelMaxSeats,
        context.config,
      );
    }
  }
  return { initialSeats: context.config.minimumSeats, finalSeats: 0, additionalLatencyNanos: 0 };
}

function estimateAsList(
  request: WorkRequest,
  verb: "list" | "watch",
  levelMaxSeats: number,
  context: WorkEstimatorContext,
): WorkEstimate {
  const options = request.options ?? {};
  const pricedAsList = verb === "list" || options.sendInitialEvents === true;
  if (request.stats === undefined && pricedAsList) {
    throw new Error(`stats are required to estimate a ${verb} request`);
  }
  return estimateListWork(
    {
      verb,
      options,
      matchesSingle: request.matchesSingle,
      stats: request.stats ?? "not-found",
      listFromCache: request.listFromCache,
    },
    levelMaxSeats,
    context,
  );
}
