import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  SUPPORTED_KUBERNETES_VERSIONS,
  defaultFeatureGates,
  featureGateDefault,
  isAtLeast,
  parseKubernetesVersion,
  type FeatureGates,
  type KubernetesVersion,
} from "../../src/k8s/index.js";

describe("parseKubernetesVersion", () => {
  it("accepts minor, patch and vendor forms", () => {
    assert.equal(parseKubernetesVersion("1.29"), "1.29");
    assert.equal(parseKubernetesVersion("v1.31.4"), "1.31");
    assert.equal(parseKubernetesVersion("1.34.1-eks.2"), "1.34");
    assert.equal(parseKubernetesVersion(" v1.30 "), "1.30");
  });

  it("names the supported versions when refusing one", () => {
    assert.throws(() => parseKubernetesVersion("1.28"), /supported: 1\.29, .*1\.34/);
    assert.throws(() => parseKubernetesVersion("latest"), RangeError);
  });

  it("orders versions", () => {
    assert.ok(isAtLeast("1.34", "1.29"));
    assert.ok(!isAtLeast("1.33", "1.34"));
  });
});

describe("defaultFeatureGates", () => {
  // From k8s.io/apiserver/pkg/features/kube_features.go at each release tag.
  const expected: Record<KubernetesVersion, FeatureGates> = {
    "1.29": gates(false, false, false, false),
    "1.30": gates(false, false, false, false),
    "1.31": gates(false, true, false, false),
    "1.32": gates(false, true, true, false),
    "1.33": gates(false, true, false, true),
    "1.34": gates(true, true, true, true),
  };
  for (const version of SUPPORTED_KUBERNETES_VERSIONS) {
    it(`matches upstream defaults in ${version}`, () => {
      assert.deepEqual(defaultFeatureGates(version), expected[version]);
    });
  }

  it("reports maturity", () => {
    assert.deepEqual(featureGateDefault("1.29", "SizeBasedListCostEstimate"), {
      enabled: false,
      stage: "absent",
    });
    assert.deepEqual(featureGateDefault("1.30", "ConsistentListFromCache"), {
      enabled: false,
      stage: "alpha",
    });
    assert.deepEqual(featureGateDefault("1.34", "ConsistentListFromCache"), {
      enabled: true,
      stage: "ga",
    });
    assert.deepEqual(featureGateDefault("1.33", "WatchList"), { enabled: false, stage: "beta" });
    // KEP-4568: beta on in 1.31, GA in 1.34; absent before.
    assert.equal(featureGateDefault("1.30", "ResilientWatchCacheInitialization").stage, "absent");
    assert.deepEqual(featureGateDefault("1.31", "ResilientWatchCacheInitialization"), {
      enabled: true,
      stage: "beta",
    });
    assert.deepEqual(featureGateDefault("1.34", "WatchCacheInitializationPostStartHook"), {
      enabled: false,
      stage: "beta",
    });
  });
});

function gates(
  sizeBased: boolean,
  consistentList: boolean,
  watchList: boolean,
  streaming: boolean,
): FeatureGates {
  return {
    SizeBasedListCostEstimate: sizeBased,
    ConsistentListFromCache: consistentList,
    WatchList: watchList,
    StreamingCollectionEncodingToJSON: streaming,
    StreamingCollectionEncodingToProtobuf: streaming,
    ResilientWatchCacheInitialization: consistentList,
    WatchCacheInitializationPostStartHook: false,
  };
}
