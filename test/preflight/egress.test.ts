import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_CONTROL_PLANE,
  estimateWorkload,
  type ApiCall,
} from "../../src/preflight/index.js";
import { resourceProfile } from "../../src/preflight/inventory.js";
import { analyse, fixture, workloadNamed } from "./helpers.js";

const daemonSet = workloadNamed(
  analyse([fixture("incident-telemetry.yaml")]),
  "control-plane-telemetry",
).workload;

const clusterWideWatch = (resource: string): ApiCall => ({
  verb: "watch",
  resource,
  apiGroup: "",
  scope: "cluster",
  resourceVersion: "0",
  limit: 500,
  encoding: "protobuf",
});
const WATCHES = ["pods", "nodes", "services", "endpoints"].map(clusterWideWatch);

test("a DaemonSet watching pods, nodes, services and endpoints cluster-wide is judged on the bytes of its watch events", () => {
  const plane = { ...DEFAULT_CONTROL_PLANE, nodes: 7_500, version: "1.34" as const };
  const e = estimateWorkload(daemonSet, WATCHES, plane);
  // Every event goes to every node's watcher, each carrying the whole object.
  let expected = 0;
  for (const call of e.calls) {
    expected += call.watchEventsPerSecond * resourceProfile(call.call.resource).averageObjectBytes;
  }
  assert.ok(Math.abs(e.egressBytesPerSecond - expected) < 1e-6 * expected);
  const capacity = plane.apiserverEgressBytesPerSecond * plane.apiserverReplicas;
  assert.ok(e.egressBytesPerSecond > capacity, `${e.egressBytesPerSecond} B/s of ${capacity}`);
  assert.ok(
    e.cpuCores < plane.apiserverCpuCores * plane.apiserverReplicas,
    "the CPU alone would pass",
  );
  const network = e.overloads.filter((o) => o.kind === "network");
  assert.equal(network.length, 1, JSON.stringify(e.overloads));
  assert.equal(network[0].phase, "steady");
});

test("preflight does not call that DaemonSet ok at 7,500 nodes on 1.34: KS005 names the network", () => {
  const report = workloadNamed(
    analyse([fixture("cluster-wide-watchers.yaml")], { nodes: 7_500, version: "1.34" }),
    "cluster-watcher",
  );
  assert.deepEqual(
    report.pattern.calls.map((c) => `${c.verb} ${c.resource} ${c.scope}`),
    [
      "watch pods cluster",
      "watch nodes cluster",
      "watch services cluster",
      "watch endpoints cluster",
    ],
  );
  const ks005 = report.findings.find((f) => f.id === "KS005");
  assert.ok(ks005 !== undefined, report.findings.map((f) => f.id).join(","));
  assert.match(ks005.message, /network/);
  assert.ok(report.breaksAt !== undefined && report.breaksAt.nodes < 7_500);
});

test("the same watches scoped to the node's own objects stay within the network", () => {
  const plane = { ...DEFAULT_CONTROL_PLANE, nodes: 7_500, version: "1.34" as const };
  const scoped = WATCHES.map((c) =>
    c.resource === "pods" || c.resource === "nodes" ? { ...c, scope: "node" as const } : c,
  ).filter((c) => c.resource !== "services" && c.resource !== "endpoints");
  const e = estimateWorkload(daemonSet, scoped, plane);
  assert.ok(
    e.egressBytesPerSecond < plane.apiserverEgressBytesPerSecond,
    `${e.egressBytesPerSecond} B/s`,
  );
  assert.deepEqual(
    e.overloads.map((o) => o.kind),
    [],
  );
});

test("a paginated consistent LIST from the 1.31+ cache counts every page; at resourceVersion 0 one whole response", () => {
  const plane = {
    ...DEFAULT_CONTROL_PLANE,
    nodes: 1_000,
    podsPerNode: 30,
    version: "1.31" as const,
  };
  const list = (resourceVersion: string): ApiCall => ({
    verb: "list",
    resource: "pods",
    apiGroup: "",
    scope: "cluster",
    everySeconds: 300,
    resourceVersion,
    limit: 500,
    encoding: "json",
  });
  const [paged] = estimateWorkload(daemonSet, [list("")], plane).calls;
  const [whole] = estimateWorkload(daemonSet, [list("0")], plane).calls;
  assert.equal(paged.servedFrom, "cache");
  assert.equal(paged.objectsPerResponse, 500);
  assert.equal(paged.pagesPerRead, 60);
  assert.equal(whole.objectsPerResponse, 30_000);
  assert.equal(whole.pagesPerRead, 1);
  // The same bytes cross the network either way.
  assert.equal(paged.rolloutBytes, whole.rolloutBytes);
  assert.ok(Math.abs(paged.egressBytesPerSecond - whole.egressBytesPerSecond) < 1);
});
