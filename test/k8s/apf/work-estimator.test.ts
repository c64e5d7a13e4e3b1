import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bootstrapConfiguration,
  computeConcurrencyLimits,
  createWorkEstimatorContext,
  defaultWorkEstimatorConfig,
  estimateWork,
  maxSeatsOfEstimate,
  seatsBasedOnObjectCount,
  seatsBasedOnObjectSize,
  type ListOptions,
  type ObjectStatsLookup,
  type WorkEstimate,
  type WorkRequest,
} from "../../../src/k8s/apf/index.js";
import type { KubernetesVersion } from "../../../src/k8s/index.js";

const MS = 1_000_000;

function seats(estimate: WorkEstimate): number {
  assert.equal(estimate.finalSeats, 0);
  assert.equal(estimate.additionalLatencyNanos, 0);
  return estimate.initialSeats;
}

function list(options: ListOptions, stats: ObjectStatsLookup, matchesSingle = false): WorkRequest {
  return { verb: "list", resource: "events", options, stats, matchesSingle };
}

function stats(objectCount: number, averageObjectSizeBytes = 0): ObjectStatsLookup {
  return { objectCount, averageObjectSizeBytes };
}

describe("LIST seats before clamping (upstream TestListWorkEstimator expectations)", () => {
  // [total bytes, objects, from cache, options, one named object, seats by count, seats by size]
  const rows: Array<[number, number, boolean, ListOptions, boolean, number, number]> = [
    [99_999, 99, false, {}, false, 2, 1],
    [99_999, 10, false, {}, false, 1, 1],
    [99_999, 99, true, {}, false, 1, 1],
    [99_999, 10, true, {}, false, 1, 1],
    [999_999, 1000, false, {}, false, 20, 10],
    [999_999, 1000, false, { limit: 100 }, false, 2, 1],
    [999_999, 1000, false, { limit: 100, hasSelector: true }, false, 11, 5],
    [999_999, 1000, true, {}, false, 10, 10],
    [999_999, 1000, true, { limit: 100 }, false, 10, 1],
    [999_999, 1000, true, { limit: 100, hasSelector: true }, false, 10, 1],
    [999_999, 99, false, {}, false, 2, 10],
    [999_999, 99, false, { limit: 10 }, false, 1, 2],
    [999_999, 99, false, { limit: 10, hasSelector: true }, false, 2, 5],
    [999_999, 99, true, {}, false, 1, 10],
    [9_999_999, 1000, false, {}, false, 20, 100],
    [9_999_999, 1000, false, { limit: 100 }, false, 2, 10],
    [9_999_999, 1000, false, { limit: 100, hasSelector: true }, false, 11, 50],
    [9_999_999, 1000, true, {}, false, 10, 10],
    [9_999_999, 1000, true, { limit: 100 }, false, 10, 10],
    [9_999_999, 1000, true, { limit: 100, hasSelector: true }, false, 10, 10],
    [9_999_999, 99, false, {}, false, 2, 100],
    [9_999_999, 99, false, { limit: 10 }, false, 1, 11],
    [9_999_999, 99, false, { limit: 10, hasSelector: true }, false, 2, 50],
    [9_999_999, 99, true, {}, false, 1, 10],
    [9_999_999, 99, true, { limit: 10 }, false, 1, 10],
    [9_999_999, 99, true, { limit: 10, hasSelector: true }, false, 1, 10],
    [999_999_999, 1000, false, {}, true, 1, 10],
    [999_999_999, 1000, true, {}, true, 1, 10],
  ];
  const config = defaultWorkEstimatorConfig({ SizeBasedListCostEstimate: true });
  rows.forEach(([total, count, fromCache, options, single, byCount, bySize]) => {
    const title = `${total} B in ${count} objects, ${fromCache ? "cache" : "etcd"}, ${JSON.stringify(options)}${single ? ", one name" : ""}`;
    it(title, () => {
      // Upstream derives the average by integer division of the total.
      const objectStats = { objectCount: count, averageObjectSizeBytes: Math.trunc(total / count) };
      assert.equal(
        seatsBasedOnObjectCount(objectStats, options, fromCache, single, config),
        byCount,
      );
      assert.equal(seatsBasedOnObjectSize(objectStats, options, fromCache, single, config), bySize);
    });
  });
});

describe("1.34 estimator, etcd without RequestWatchProgress (upstream TestWorkEstimator conditions)", () => {
  const context = createWorkEstimatorContext("1.34", { etcdSupportsRequestWatchProgress: false });
  const events = (count: number) => stats(count, 10_000);
  const rows: Array<[string, WorkRequest, number, number]> = [
    ["get", { verb: "get" }, 10, 1],
    [
      "limit 399 at revision 1: legacy exact, etcd",
      list({ limit: 399, resourceVersion: "1" }, events(699)),
      100,
      40,
    ],
    ["revision 1: cache, capped at 1 MB", list({ resourceVersion: "1" }, events(699)), 100, 10],
    [
      "revision 1, 69 objects: 690 KB from cache",
      list({ resourceVersion: "1" }, events(69)),
      100,
      7,
    ],
    ["limit 399, consistent read from etcd", list({ limit: 399 }, events(699)), 100, 40],
    ["no options: 4 MB from etcd", list({}, events(399)), 100, 40],
    ["unknown resource", list({}, "not-found"), 100, 1],
    ["continue token: etcd", list({ hasContinue: true, limit: 399 }, events(699)), 100, 40],
    [
      "revision 0, limit 299: cache, capped",
      list({ limit: 299, resourceVersion: "0" }, events(399)),
      100,
      10,
    ],
    [
      "revision 0, limit 20: 200 KB from cache",
      list({ limit: 20, resourceVersion: "0" }, events(399)),
      100,
      2,
    ],
    ["revision 0: cache, capped", list({ resourceVersion: "0" }, events(799)), 100, 10],
    ["revision 0, 79 objects", list({ resourceVersion: "0" }, events(79)), 100, 8],
    [
      "Exact match, limit 399: etcd",
      list({ resourceVersion: "1", resourceVersionMatch: "Exact", limit: 399 }, events(699)),
      100,
      40,
    ],
    [
      "NotOlderThan: cache, capped",
      list({ resourceVersion: "1", resourceVersionMatch: "NotOlderThan" }, events(799)),
      100,
      10,
    ],
    [
      "NotOlderThan, 79 objects",
      list({ resourceVersion: "1", resourceVersionMatch: "NotOlderThan" }, events(79)),
      100,
      8,
    ],
    [
      "Exact, 5000 objects, level cap 20",
      list({ resourceVersion: "1", resourceVersionMatch: "Exact" }, events(5000)),
      20,
      20,
    ],
    ["unknown match value: etcd", list({ resourceVersionMatch: "foo" }, events(200)), 100, 20],
    ["stale count: the cap", list({}, "stale"), 100, 100],
    ["size unknown: 1.5 MB assumed", list({}, stats(1)), 100, 15],
    ["stale count, limit 1: one max-size object", list({ limit: 1 }, "stale"), 100, 15],
    ["stale count, limit 499", list({ limit: 499 }, "stale"), 100, 100],
    [
      "size unknown, revision 0, limit 499: cache cap",
      list({ resourceVersion: "0", limit: 499 }, stats(1)),
      100,
      10,
    ],
    ["one named object of 200 KB", list({ hasSelector: true }, stats(799, 200_000), true), 100, 2],
    [
      "one named object of 1.5 MB",
      list({ hasSelector: true }, stats(799, 1_500_000), true),
      100,
      15,
    ],
    [
      "one named 1.5 MB object from cache",
      list({ hasSelector: true, limit: 500, resourceVersion: "0" }, stats(799, 1_500_000), true),
      100,
      10,
    ],
    ["label selector: all 8 MB from etcd", list({ hasSelector: true }, events(799)), 100, 80],
    [
      "label selector, limit 49: half the objects",
      list({ hasSelector: true, limit: 49 }, events(799)),
      100,
      40,
    ],
    ["label selector, limit 699", list({ hasSelector: true, limit: 699 }, events(799)), 100, 70],
    [
      "label selector at revision 0: cache",
      list({ hasSelector: true, resourceVersion: "0" }, events(799)),
      100,
      10,
    ],
    [
      "label selector at revision 0, limit 29",
      list({ hasSelector: true, resourceVersion: "0", limit: 29 }, events(799)),
      100,
      3,
    ],
    ["watch", { verb: "watch", options: {}, stats: events(799) }, 0, 1],
    [
      "watch, sendInitialEvents=false",
      { verb: "watch", options: { sendInitialEvents: false }, stats: events(799) },
      100,
      1,
    ],
    [
      "watch, sendInitialEvents=true: 799 KB from cache",
      { verb: "watch", options: { sendInitialEvents: true }, stats: stats(799, 1_000) },
      100,
      8,
    ],
  ];
  for (const [title, request, levelMaxSeats, expected] of rows) {
    it(`${title} → ${expected}`, () => {
      assert.equal(seats(estimateWork(request, levelMaxSeats, context)), expected);
    });
  }
});

describe("1.29 estimator (upstream v0.29 TestWorkEstimator expectations)", () => {
  const context = createWorkEstimatorContext("1.29");
  const rows: Array<[string, WorkRequest, number, number]> = [
    [
      "limit 399 at revision 1: 2 × 399 objects",
      list({ limit: 399, resourceVersion: "1" }, stats(699)),
      10,
      8,
    ],
    ["revision 1: cache", list({ resourceVersion: "1" }, stats(699)), 10, 7],
    ["limit 399: etcd", list({ limit: 399 }, stats(699)), 10, 8],
    ["no options: consistent read from etcd", list({}, stats(399)), 10, 8],
    ["unknown resource", list({}, "not-found"), 10, 1],
    ["continue token", list({ hasContinue: true, limit: 399 }, stats(699)), 10, 8],
    [
      "revision 0, limit 299: cache counts all",
      list({ limit: 299, resourceVersion: "0" }, stats(399)),
      10,
      4,
    ],
    ["revision 0", list({ resourceVersion: "0" }, stats(799)), 0, 8],
    [
      "Exact, limit 399",
      list({ resourceVersion: "foo", resourceVersionMatch: "Exact", limit: 399 }, stats(699)),
      10,
      8,
    ],
    [
      "NotOlderThan",
      list({ resourceVersion: "foo", resourceVersionMatch: "NotOlderThan" }, stats(799)),
      10,
      8,
    ],
    ["capped at 10", list({ resourceVersion: "foo" }, stats(1999)), 10, 10],
    ["capped at the level's 5", list({ resourceVersion: "foo" }, stats(1999)), 5, 5],
    ["stale count", list({ limit: 499 }, "stale"), 10, 10],
    ["one named object", list({ hasSelector: true }, stats(1999), true), 10, 1],
    [
      "watch, sendInitialEvents=true but WatchList off",
      { verb: "watch", options: { sendInitialEvents: true }, stats: stats(799) },
      10,
      1,
    ],
  ];
  for (const [title, request, levelMaxSeats, expected] of rows) {
    it(`${title} → ${expected}`, () => {
      assert.equal(seats(estimateWork(request, levelMaxSeats, context)), expected);
    });
  }
});

describe("LIST of all pods, 10 KB each, by version and level", () => {
  // Average pod size assumed 10,000 B serialized in etcd (kubernetes-facts.md §2, weak source).
  const POD_BYTES = 10_000;
  const levelMaxSeats = (version: KubernetesVersion, level: string): number => {
    const limits = computeConcurrencyLimits(
      bootstrapConfiguration(version).priorityLevelConfigurations,
    );
    return limits.get(level)?.maxSeats ?? assert.fail(level);
  };
  const estimate = (
    version: KubernetesVersion,
    level: string,
    pods: number,
    options: ListOptions,
    etcdSupportsRequestWatchProgress = true,
  ): number =>
    seats(
      estimateWork(
        { verb: "list", resource: "pods", options, stats: stats(pods, POD_BYTES) },
        levelMaxSeats(version, level),
        createWorkEstimatorContext(version, { etcdSupportsRequestWatchProgress }),
      ),
    );

  it("per-level caps at 600 seats are 37 (workload-low) and 8 (global-default)", () => {
    assert.equal(levelMaxSeats("1.34", "workload-low"), 37);
    assert.equal(levelMaxSeats("1.34", "global-default"), 8);
  });

  // [pods, 1.29 cache, 1.29 etcd, 1.34 cache, 1.34 etcd], level workload-low.
  const table: Array<[number, number, number, number, number]> = [
    [50, 1, 1, 5, 5],
    [5_000, 10, 10, 10, 37],
    [150_000, 10, 10, 10, 37],
  ];
  for (const [pods, cache129, etcd129, cache134, etcd134] of table) {
    it(`${pods} pods: 1.29 → ${cache129}/${etcd129}, 1.34 → ${cache134}/${etcd134} (cache/etcd)`, () => {
      // resourceVersion=0: the informer's first LIST, from the watch cache.
      assert.equal(estimate("1.29", "workload-low", pods, { resourceVersion: "0" }), cache129);
      assert.equal(estimate("1.34", "workload-low", pods, { resourceVersion: "0" }), cache134);
      // A consistent LIST: etcd in 1.29; the cache in 1.34 unless etcd lacks watch progress.
      assert.equal(estimate("1.29", "workload-low", pods, {}), etcd129);
      assert.equal(estimate("1.34", "workload-low", pods, {}), cache134);
      assert.equal(estimate("1.34", "workload-low", pods, {}, false), etcd134);
    });
  }

  it("the level's cap binds before the 100-seat LIST cap in 1.34", () => {
    // 150k pods from etcd need 15,000 seats by size.
    const fromEtcd: ListOptions = { hasContinue: true, limit: 500 };
    assert.equal(estimate("1.34", "workload-low", 150_000, fromEtcd), 37);
    assert.equal(estimate("1.34", "global-default", 150_000, fromEtcd), 8);
    assert.equal(estimate("1.34", "leader-election", 150_000, fromEtcd), 4);
    // catch-all has no queues, so no level cap: the LIST cap applies.
    assert.equal(estimate("1.34", "catch-all", 150_000, fromEtcd), 50);
    assert.equal(estimate("1.34", "catch-all", 150_000, {}, false), 100);
    assert.equal(estimate("1.29", "catch-all", 150_000, {}), 10);
  });

  it("a node-scoped LIST from etcd (spec.nodeName selector) still reads half the pods in 1.34", () => {
    const scoped: ListOptions = { hasSelector: true, limit: 500, hasContinue: true };
    // max(500, 150,000 / 2) × 10 KB = 750 MB → 7,500 seats before the cap.
    assert.equal(estimate("1.34", "workload-low", 150_000, scoped), 37);
    // From the cache the same LIST is bounded by the 1 MB streaming allowance.
    assert.equal(
      estimate("1.34", "workload-low", 150_000, { hasSelector: true, resourceVersion: "0" }),
      10,
    );
  });
});

describe("WATCH", () => {
  const watch = (sendInitialEvents?: boolean): WorkRequest => ({
    verb: "watch",
    options: { sendInitialEvents },
    stats: stats(150_000, 10_000),
  });

  it("takes one seat while it initialises", () => {
    for (const version of ["1.29", "1.33", "1.34"] as const) {
      assert.equal(seats(estimateWork(watch(), 37, createWorkEstimatorContext(version))), 1);
    }
  });

  it("is priced like a LIST from the cache when streaming the initial state with WatchList on", () => {
    assert.equal(seats(estimateWork(watch(true), 37, createWorkEstimatorContext("1.34"))), 10);
    assert.equal(seats(estimateWork(watch(true), 37, createWorkEstimatorContext("1.32"))), 10);
    // 1.33 turned WatchList off by default.
    assert.equal(seats(estimateWork(watch(true), 37, createWorkEstimatorContext("1.33"))), 1);
    const forced = createWorkEstimatorContext("1.33", { featureGates: { WatchList: true } });
    assert.equal(seats(estimateWork(watch(true), 37, forced)), 10);
  });
});

describe("mutating requests", () => {
  const context = createWorkEstimatorContext("1.34");
  const write = (verb: string, watchCount: number, resource = "foos", subresource?: string) =>
    estimateWork({ verb, resource, subresource, watchCount }, 10, context);

  it("take one seat when fewer than 10 watchers", () => {
    for (const watchers of [0, 5, 9]) {
      assert.deepEqual(write("create", watchers), {
        initialSeats: 1,
        finalSeats: 0,
        additionalLatencyNanos: 0,
      });
    }
  });

  it("hold ceil(watchers / 10) seats for 5 ms after the response", () => {
    for (const verb of ["create", "update", "patch", "delete"]) {
      assert.deepEqual(write(verb, 29), {
        initialSeats: 1,
        finalSeats: 3,
        additionalLatencyNanos: 5 * MS,
      });
    }
    assert.deepEqual(write("create", 10), {
      initialSeats: 1,
      finalSeats: 1,
      additionalLatencyNanos: 5 * MS,
    });
  });

  it("keep the seat-time area when capped", () => {
    // 199 watchers: 20 seats × 5 ms reshaped to 10 seats × 10 ms.
    assert.deepEqual(write("create", 199), {
      initialSeats: 1,
      finalSeats: 10,
      additionalLatencyNanos: 10 * MS,
    });
    // 1000 watchers under a level cap of 20: the global mutating cap of 10 wins; 100 × 5 ms.
    const estimate = estimateWork(
      { verb: "create", resource: "serviceaccounts", watchCount: 1000 },
      20,
      context,
    );
    assert.deepEqual(estimate, {
      initialSeats: 1,
      finalSeats: 10,
      additionalLatencyNanos: 50 * MS,
    });
    assert.equal(maxSeatsOfEstimate(estimate), 10);
    // A level cap below 10 (leader-election has 4 at 600 seats).
    assert.deepEqual(estimateWork({ verb: "patch", watchCount: 100 }, 5, context), {
      initialSeats: 1,
      finalSeats: 5,
      additionalLatencyNanos: 10 * MS,
    });
  });

  it("charge nothing for service-account tokens, which send no event", () => {
    assert.deepEqual(write("create", 5777, "serviceaccounts", "token"), {
      initialSeats: 1,
      finalSeats: 0,
      additionalLatencyNanos: 0,
    });
  });

  it("behave the same in 1.29", () => {
    const old = createWorkEstimatorContext("1.29");
    assert.deepEqual(estimateWork({ verb: "update", watchCount: 199 }, 15, old), {
      initialSeats: 1,
      finalSeats: 10,
      additionalLatencyNanos: 10 * MS,
    });
  });

  it("need a watcher count", () => {
    assert.throws(() => estimateWork({ verb: "create" }, 10, context), /watchCount is required/);
  });
});

describe("other verbs and inputs", () => {
  const context = createWorkEstimatorContext("1.34");

  it("get and deletecollection take the minimum seat", () => {
    assert.equal(seats(estimateWork({ verb: "get" }, 10, context)), 1);
    assert.equal(
      seats(estimateWork({ verb: "deletecollection", watchCount: 500 }, 10, context)),
      1,
    );
  });

  it("a LIST needs object stats", () => {
    assert.throws(() => estimateWork({ verb: "list" }, 10, context), /stats are required/);
  });

  it("listFromCache overrides the estimator's guess", () => {
    const request = list({}, stats(5_000, 10_000));
    assert.equal(seats(estimateWork({ ...request, listFromCache: false }, 100, context)), 100);
    assert.equal(seats(estimateWork({ ...request, listFromCache: true }, 100, context)), 10);
  });
});
