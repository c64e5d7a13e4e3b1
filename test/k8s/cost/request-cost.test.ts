import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultFeatureGates, type KubernetesVersion } from "../../../src/k8s/index.js";
import {
  DEFAULT_COST_COEFFICIENTS as C,
  getCost,
  listCost,
  writeCost,
  type ResourceScope,
  type ServerProfile,
} from "../../../src/k8s/cost/index.js";

const server = (
  version: KubernetesVersion,
  gates: Partial<ReturnType<typeof defaultFeatureGates>> = {},
): ServerProfile => ({
  version,
  featureGates: { ...defaultFeatureGates(version), ...gates },
  storage: { etcdSupportsRequestWatchProgress: true },
});

// 5,000 nodes x 30 pods of 10 KB.
const allPods: ResourceScope = {
  storedObjects: 150_000,
  matchingObjects: 150_000,
  averageObjectBytes: 10_000,
  indexedSelector: false,
};
const nodePods: ResourceScope = { ...allPods, matchingObjects: 30, indexedSelector: true };

test('a consistent LIST (RV="") is read from etcd on 1.29, from the watch cache on 1.31+', () => {
  assert.equal(
    listCost(allPods, { resourceVersion: "" }, "json", server("1.29")).servedFrom,
    "etcd",
  );
  assert.equal(
    listCost(allPods, { resourceVersion: "" }, "json", server("1.31")).servedFrom,
    "cache",
  );
  assert.equal(
    listCost(
      allPods,
      { resourceVersion: "" },
      "json",
      server("1.34", { ConsistentListFromCache: false }),
    ).servedFrom,
    "etcd",
  );
  assert.equal(
    listCost(allPods, { resourceVersion: "0" }, "json", server("1.29")).servedFrom,
    "cache",
  );
});

test("from etcd the whole range is read and decoded, whatever the selector returns", () => {
  const full = listCost(allPods, { resourceVersion: "" }, "json", server("1.29"));
  const scoped = listCost(
    { ...nodePods, indexedSelector: false },
    { resourceVersion: "", hasSelector: true },
    "json",
    server("1.29"),
  );
  assert.equal(full.etcdBytes, 1.5e9);
  assert.equal(scoped.etcdBytes, 1.5e9, "etcd cannot filter by field selector");
  assert.equal(scoped.responseBytes, 300_000);
  assert.ok(scoped.cpuSeconds > 9, `decoding 1.5 GB costs ${scoped.cpuSeconds} CPU-s`);
  // Decode 1.5 GB and encode 1.5 GB as JSON, plus the fixed overhead.
  assert.ok(
    Math.abs(
      full.cpuSeconds -
        (C.requestOverheadCpuSeconds +
          1.5e9 * (C.decodeCpuSecondsPerByte + C.encodeJsonCpuSecondsPerByte)),
    ) < 1e-9,
  );
  assert.equal(
    full.memoryBytes,
    1.5e9 * C.etcdListMemoryPerEtcdByte + 1.5e9 * C.listEncodeMemoryPerResponseByte,
  );
});

test("a node-scoped LIST from the watch cache touches only the node's pods", () => {
  const cost = listCost(
    nodePods,
    { resourceVersion: "0", hasSelector: true },
    "json",
    server("1.29"),
  );
  assert.equal(cost.servedFrom, "cache");
  assert.equal(cost.etcdSeconds, 0);
  assert.equal(cost.objectsReturned, 30);
  assert.ok(cost.cpuSeconds < 0.01, `${cost.cpuSeconds} CPU-s`);
});

test("streaming encoding (1.33+) cuts the memory a LIST holds", () => {
  const built = listCost(allPods, { resourceVersion: "0" }, "json", server("1.32"));
  const streamed = listCost(allPods, { resourceVersion: "0" }, "json", server("1.34"));
  assert.equal(built.memoryBytes, 1.5e9 * C.listEncodeMemoryPerResponseByte);
  assert.equal(streamed.memoryBytes, 1.5e9 * C.streamingListMemoryPerResponseByte);
  assert.ok(streamed.memoryBytes < built.memoryBytes / 5);
});

test('the watch cache ignores limit at resourceVersion "0" and returns every pod (cacher.go)', () => {
  // 1,000 nodes x 30 pods of 10 KB: 300 MB, not one 500-object page of 5 MB.
  const pods: ResourceScope = { ...allPods, storedObjects: 30_000, matchingObjects: 30_000 };
  for (const version of ["1.29", "1.30", "1.31", "1.33", "1.34"] as const) {
    const cost = listCost(pods, { resourceVersion: "0", limit: 500 }, "json", server(version));
    assert.equal(cost.servedFrom, "cache", version);
    assert.equal(cost.objectsReturned, 30_000, version);
    assert.equal(cost.responseBytes, 300e6, version);
    assert.equal(cost.truncated, false, version);
  }
});

test("from 1.31 the watch cache honours limit on a consistent read; etcd always does", () => {
  const consistentPage = { resourceVersion: "", limit: 500 };
  const cached = listCost(allPods, consistentPage, "json", server("1.31"));
  assert.equal(cached.servedFrom, "cache");
  assert.equal(cached.objectsReturned, 500);
  assert.equal(cached.truncated, true);
  const fromEtcd = listCost(allPods, consistentPage, "json", server("1.30"));
  assert.equal(fromEtcd.servedFrom, "etcd");
  assert.equal(fromEtcd.objectsReturned, 500);
  assert.equal(fromEtcd.truncated, true);
  // A page that holds everything is not cut short.
  const small = { ...allPods, storedObjects: 200, matchingObjects: 200 };
  assert.equal(listCost(small, consistentPage, "json", server("1.31")).truncated, false);
});

test("a LIST from etcd holds the range response and decoded objects besides the encoding", () => {
  const fromCache = listCost(allPods, { resourceVersion: "0" }, "json", server("1.29"));
  const fromEtcd = listCost(allPods, { resourceVersion: "" }, "json", server("1.29"));
  assert.equal(fromCache.memoryBytes, 1.5e9 * C.listEncodeMemoryPerResponseByte);
  assert.equal(fromEtcd.memoryBytes - fromCache.memoryBytes, 1.5e9 * C.etcdListMemoryPerEtcdByte);
  // Streaming shrinks the encoding, not what etcd returned.
  const streamedEtcd = listCost(
    allPods,
    { resourceVersion: "" },
    "json",
    server("1.34", { ConsistentListFromCache: false }),
  );
  const expected = 1.5e9 * (C.etcdListMemoryPerEtcdByte + C.streamingListMemoryPerResponseByte);
  assert.ok(Math.abs(streamedEtcd.memoryBytes - expected) < 1, `${streamedEtcd.memoryBytes}`);
});

test("protobuf encodes cheaper than JSON; a page of 500 costs a page", () => {
  const json = listCost(allPods, { resourceVersion: "0" }, "json", server("1.29"));
  const proto = listCost(allPods, { resourceVersion: "0" }, "protobuf", server("1.29"));
  assert.ok(proto.cpuSeconds < json.cpuSeconds);
  const page = listCost(allPods, { resourceVersion: "", limit: 500 }, "json", server("1.29"));
  assert.equal(page.servedFrom, "etcd");
  assert.equal(page.objectsReturned, 500);
  assert.equal(page.etcdBytes, 500 * 10_000);
});

test("single reads and writes", () => {
  const quorum = getCost(10_000, {}, "protobuf", server("1.29"));
  const cached = getCost(10_000, { resourceVersion: "0" }, "protobuf", server("1.29"));
  assert.equal(quorum.servedFrom, "etcd");
  assert.ok(quorum.etcdSeconds > 0);
  assert.equal(cached.etcdSeconds, 0);
  const write = writeCost(500, 1000, server("1.29"));
  assert.ok(write.etcdSeconds > 0);
  assert.equal(write.fanOutCpuSeconds, 1000 * C.watchEventCpuSeconds);
});
