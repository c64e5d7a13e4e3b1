import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CONTROL_PLANE_DEFAULTS } from "../../src/fleet/build-cluster.js";
import { analyse, findingIds, fixture, workloadNamed } from "./helpers.js";
import { estimateWorkload, DEFAULT_CONTROL_PLANE } from "../../src/preflight/index.js";

const incident = fixture("incident-telemetry.yaml");

test("the incident's telemetry DaemonSet at 7,500 nodes: terabytes at rollout, LIST/s, seats over the level", () => {
  const nodes = 7_500;
  const podsPerNode = 30;
  const result = analyse([incident], { nodes, podsPerNode, version: "1.29" });
  const report = workloadNamed(result, "control-plane-telemetry");
  const e = report.estimate;
  const podBytes = CONTROL_PLANE_DEFAULTS.objectBytes.pods;
  // Every node LISTs every pod once as it starts.
  assert.equal(e.rolloutBytes, nodes * nodes * podsPerNode * podBytes);
  assert.equal(e.listsPerSecond, nodes / 60);
  assert.equal(e.scaling, "O(N^2)");
  assert.equal(e.calls[0].servedFrom, "etcd", 'RV="" is a quorum read on 1.29');
  assert.equal(e.calls[0].level.priorityLevel, "workload-low");
  const seats = e.seatDemandByLevel.get("workload-low");
  assert.ok(seats !== undefined && seats.demand > seats.level.reachableSeats);
  const ids = findingIds(report);
  for (const id of ["KS001", "KS002", "KS003", "KS006"])
    assert.ok(ids.includes(id), `${id} in ${ids.join(",")}`);
  const ks001 = report.findings.find((f) => f.id === "KS001");
  assert.equal(ks001?.severity, "error");
  assert.match(
    ks001?.message ?? "",
    /16875\.0 GB of LIST responses during rollout, 125\.0 LIST\/s/,
  );
  assert.ok(report.breaksAt !== undefined && report.breaksAt.nodes < 7_500);
});

test("served from etcd on 1.29 and from the watch cache on 1.34 (ConsistentListFromCache)", () => {
  const old = workloadNamed(analyse([incident], { version: "1.29" }), "control-plane-telemetry");
  const current = workloadNamed(
    analyse([incident], { version: "1.34" }),
    "control-plane-telemetry",
  );
  assert.equal(old.estimate.calls[0].servedFrom, "etcd");
  assert.equal(current.estimate.calls[0].servedFrom, "cache");
  assert.ok(old.estimate.etcdCores > 0);
  assert.equal(current.estimate.etcdCores, 0);
});

test("its own bounded priority level contains it: classification follows the input's FlowSchema", () => {
  const report = workloadNamed(
    analyse([fixture("own-priority-level.yaml")]),
    "control-plane-telemetry",
  );
  assert.equal(report.estimate.calls[0].level.flowSchema, "telemetry");
  assert.equal(report.estimate.calls[0].level.priorityLevel, "telemetry");
  const ids = findingIds(report);
  assert.ok(!ids.includes("KS002"), "ignored through kubestorm.dev/ignore");
  assert.deepEqual(report.ignored, ["KS002"]);
  assert.ok(!ids.includes("KS006"), "its level is not shared");
  // A small level of its own is overwhelmed sooner, and nothing else shares it.
  assert.ok(ids.includes("KS003"));
  assert.ok(ids.includes("KS001"));
});

test("property: more nodes never lower the load of a workload", () => {
  const report = workloadNamed(analyse([incident]), "control-plane-telemetry");
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20_000 }),
      fc.integer({ min: 1, max: 5_000 }),
      (nodes, extra) => {
        const plane = { ...DEFAULT_CONTROL_PLANE, nodes };
        const small = estimateWorkload(report.workload, report.pattern.calls, plane);
        const large = estimateWorkload(report.workload, report.pattern.calls, {
          ...plane,
          nodes: nodes + extra,
        });
        return (
          large.rolloutBytes >= small.rolloutBytes &&
          large.listsPerSecond >= small.listsPerSecond &&
          large.cpuCores >= small.cpuCores
        );
      },
    ),
  );
});

test("a node-scoped watch grows linearly, a cluster-wide one from every node quadratically", () => {
  const result = analyse([fixture("node-scoped-args.yaml")]);
  const ratio = (name: string): number => {
    const r = workloadNamed(result, name);
    const at = (nodes: number) =>
      estimateWorkload(r.workload, r.pattern.calls, { ...DEFAULT_CONTROL_PLANE, nodes })
        .rolloutBytes;
    return at(2_000) / at(1_000);
  };
  assert.ok(Math.abs(ratio("node-agent") - 2) < 0.01);
  assert.ok(Math.abs(ratio("identity-only") - 4) < 0.01);
});
