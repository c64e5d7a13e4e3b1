import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { shouldListFromStorage, type ListOptions } from "../../../src/k8s/apf/index.js";
import { defaultFeatureGates, type KubernetesVersion } from "../../../src/k8s/index.js";

function fromStorage(
  version: KubernetesVersion,
  options: ListOptions,
  etcdSupportsRequestWatchProgress = true,
): boolean {
  return shouldListFromStorage(version, options, defaultFeatureGates(version), {
    etcdSupportsRequestWatchProgress,
  });
}

describe("shouldListFromStorage: the estimator's cache-or-etcd guess", () => {
  it("1.29–1.30: consistent reads and any paginated LIST not at revision 0 go to etcd", () => {
    for (const version of ["1.29", "1.30"] as const) {
      assert.equal(fromStorage(version, {}), true);
      assert.equal(fromStorage(version, { resourceVersion: "0" }), false);
      assert.equal(fromStorage(version, { resourceVersion: "0", limit: 500 }), false);
      assert.equal(fromStorage(version, { resourceVersion: "123" }), false);
      assert.equal(fromStorage(version, { resourceVersion: "123", limit: 500 }), true);
      assert.equal(fromStorage(version, { resourceVersion: "0", hasContinue: true }), true);
      assert.equal(
        fromStorage(version, {
          resourceVersion: "5",
          resourceVersionMatch: "NotOlderThan",
          limit: 9,
        }),
        true,
      );
      assert.equal(
        fromStorage(version, { resourceVersion: "5", resourceVersionMatch: "Exact" }),
        true,
      );
    }
    // Turning ConsistentListFromCache on moves consistent reads to the cache.
    const gates = { ...defaultFeatureGates("1.30"), ConsistentListFromCache: true };
    const storage = { etcdSupportsRequestWatchProgress: false };
    assert.equal(shouldListFromStorage("1.30", {}, gates, storage), false);
  });

  it("1.31–1.32: consistent reads from cache when etcd supports watch progress", () => {
    for (const version of ["1.31", "1.32"] as const) {
      assert.equal(fromStorage(version, {}), false);
      assert.equal(fromStorage(version, {}, false), true);
      assert.equal(fromStorage(version, { limit: 500 }), false);
      assert.equal(fromStorage(version, { resourceVersion: "123", limit: 500 }), true);
      assert.equal(
        fromStorage(version, {
          resourceVersion: "5",
          resourceVersionMatch: "NotOlderThan",
          limit: 9,
        }),
        false,
      );
      assert.equal(fromStorage(version, { resourceVersion: "0", hasContinue: true }), true);
      assert.equal(
        fromStorage(version, { resourceVersion: "5", resourceVersionMatch: "Exact" }),
        true,
      );
    }
  });

  it("1.33–1.34: the delegator's rules", () => {
    for (const version of ["1.33", "1.34"] as const) {
      assert.equal(fromStorage(version, {}), false);
      assert.equal(fromStorage(version, {}, false), true);
      assert.equal(fromStorage(version, { resourceVersion: "0", limit: 500 }), false);
      assert.equal(fromStorage(version, { resourceVersion: "123", limit: 500 }), true);
      assert.equal(fromStorage(version, { resourceVersion: "123" }), false);
      assert.equal(fromStorage(version, { hasContinue: true }), true);
      // NotOlderThan is always served from the cache, even with a continue token.
      assert.equal(
        fromStorage(version, {
          resourceVersion: "5",
          resourceVersionMatch: "NotOlderThan",
          hasContinue: true,
        }),
        false,
      );
      assert.equal(
        fromStorage(version, { resourceVersion: "5", resourceVersionMatch: "Exact" }),
        true,
      );
      assert.equal(fromStorage(version, { resourceVersionMatch: "Bogus" }), true);
    }
  });
});
