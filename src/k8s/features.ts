/**
 * Default values of the apiserver feature gates the load model depends on, per minor version.
 * Port of the `defaultVersionedKubernetesFeatureGates` entries in
 * k8s.io/apiserver/pkg/features/kube_features.go (v0.29.0 … v0.34.0).
 */
import { minorOf, type KubernetesVersion } from "./version.js";

export type FeatureStage = "absent" | "alpha" | "beta" | "ga";

export interface FeatureGateDefault {
  enabled: boolean;
  stage: FeatureStage;
}

export interface FeatureGates {
  /** LIST seats by bytes held in memory instead of by object count (beta, on, from 1.34). */
  SizeBasedListCostEstimate: boolean;
  /** Consistent (resourceVersion="") LISTs served from the watch cache (beta on 1.31, GA 1.34). */
  ConsistentListFromCache: boolean;
  /** WATCH with sendInitialEvents=true; also makes the work estimator price such watches as LISTs. */
  WatchList: boolean;
  /** LIST responses encoded as a stream instead of one buffer (beta on 1.33, GA 1.34). */
  StreamingCollectionEncodingToJSON: boolean;
  StreamingCollectionEncodingToProtobuf: boolean;
  /**
   * While a watch cache initialises, watches and the LISTs it would serve get 429 and GETs and
   * consistent LISTs go to etcd, instead of waiting for it (KEP-4568; beta on 1.31, GA 1.34).
   */
  ResilientWatchCacheInitialization: boolean;
  /** /readyz waits for the watch caches to initialise (beta, off, 1.31–1.34). */
  WatchCacheInitializationPostStartHook: boolean;
}

export type FeatureName = keyof FeatureGates;

type Timeline = ReadonlyArray<readonly [sinceMinor: number, enabled: boolean, stage: FeatureStage]>;

// Each entry is (first minor, default, stage), as in the upstream versioned specs; a minor before
// the first entry has no such gate.
const TIMELINES: Readonly<Record<FeatureName, Timeline>> = {
  SizeBasedListCostEstimate: [[34, true, "beta"]],
  ConsistentListFromCache: [
    [28, false, "alpha"],
    [31, true, "beta"],
    [34, true, "ga"],
  ],
  WatchList: [
    [27, false, "alpha"],
    [32, true, "beta"],
    // Upstream turned it back off in 1.33 because streaming encoders did the job better.
    [33, false, "beta"],
    [34, true, "beta"],
  ],
  StreamingCollectionEncodingToJSON: [
    [33, true, "beta"],
    [34, true, "ga"],
  ],
  StreamingCollectionEncodingToProtobuf: [
    [33, true, "beta"],
    [34, true, "ga"],
  ],
  ResilientWatchCacheInitialization: [
    [31, true, "beta"],
    [34, true, "ga"],
  ],
  WatchCacheInitializationPostStartHook: [[31, false, "beta"]],
};

export const FEATURE_NAMES = Object.keys(TIMELINES) as FeatureName[];

/** The default of one gate in one version, with its maturity. */
export function featureGateDefault(
  version: KubernetesVersion,
  feature: FeatureName,
): FeatureGateDefault {
  const minor = minorOf(version);
  let result: FeatureGateDefault = { enabled: false, stage: "absent" };
  for (const [since, enabled, stage] of TIMELINES[feature]) {
    if (minor >= since) result = { enabled, stage };
  }
  return result;
}

/** All gate defaults of one version; spread and override to model `--feature-gates`. */
export function defaultFeatureGates(version: KubernetesVersion): FeatureGates {
  const gates = {} as FeatureGates;
  for (const feature of FEATURE_NAMES) {
    gates[feature] = featureGateDefault(version, feature).enabled;
  }
  return gates;
}
