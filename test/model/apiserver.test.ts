import { test } from "node:test";
import assert from "node:assert/strict";
import { serviceAccountUser, SYSTEM_PRIVILEGED_GROUP } from "../../src/k8s/index.js";
import { join } from "node:path";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { runScenario } from "../../src/fleet/index.js";
import { FIXTURES } from "../paths.js";
import { clusterOf, GET_NODES, LIST_PODS, probe } from "./probe.js";

const SEED = 1;
const AGENT = serviceAccountUser("telemetry", "agent");

test(`without APF, read-only requests beyond --max-requests-inflight get 429 with Retry-After 1 (seed ${SEED})`, () => {
  const built = clusterOf("max-inflight.yaml", SEED);
  // 30,000 pods from etcd: each LIST takes seconds of CPU, so 100 of them exceed the 20 slots.
  const lists = probe(built, LIST_PODS, AGENT, 10, 100);
  const admin = probe(
    built,
    GET_NODES,
    { name: "admin", groups: [SYSTEM_PRIVILEGED_GROUP] },
    11,
    10,
  );
  built.sim.run({ until: 600 });
  const rejected = lists.filter((a) => a.status === 429);
  const served = lists.filter((a) => a.status === 200);
  assert.equal(served.length + rejected.length + lists.filter((a) => a.status === 504).length, 100);
  assert.ok(rejected.length >= 60, `${rejected.length} rejected`);
  assert.ok(rejected.every((a) => a.retryAfter === 1));
  assert.ok(served.length + lists.filter((a) => a.status === 504).length <= 20);
  // system:masters skips the limit.
  assert.ok(admin.every((a) => a.status === 200));
});

test(`the client gives up after the 60 s request timeout while the apiserver's work goes on (seed ${SEED})`, () => {
  const built = clusterOf("request-timeout.yaml", SEED);
  // 150,000 pods from etcd: ~25 CPU-s per LIST; 20 of them sharing 8 cores need ~62 s each.
  const lists = probe(built, LIST_PODS, AGENT, 10, 20);
  const [replica] = built.cluster.replicas;
  let memoryAfterTimeouts = 0;
  built.sim.scheduleAt(72, () => (memoryAfterTimeouts = replica.memoryBytes));
  built.sim.run({ until: 600 });
  const timedOut = lists.filter((a) => a.status === 504);
  assert.ok(timedOut.length > 0, JSON.stringify(lists.map((a) => a.status)));
  assert.ok(
    timedOut.every((a) => Math.abs(a.latency - 60) < 1e-9),
    "answered 504 at exactly 60 s",
  );
  // At 72 s every client has given up, but the LISTs still hold their memory on the replica.
  const idle = replica.peakMemoryBytes - 20 * lists.length; // lower bound of work in flight
  assert.ok(
    memoryAfterTimeouts > 10 * 2 ** 30,
    `memory at 72 s: ${memoryAfterTimeouts} (idle ~${idle})`,
  );
});

test(`etcd refuses writes once its database passes the quota (seed ${SEED})`, () => {
  const scenario = loadScenarioFile(
    join(FIXTURES, "scenarios", "control-plane", "etcd-quota.yaml"),
  );
  const [cluster] = runScenario(scenario, { check: true }).clusters;
  assert.equal(cluster.etcd.noSpaceAlarm, true);
  assert.ok(cluster.etcd.dbSizeBytes > 310 * 2 ** 20);
  const leases = cluster.requests.find((r) => r.client === "kubelet update lease");
  assert.ok(
    leases !== undefined && leases.ok > 0 && leases.ok < leases.total / 2,
    JSON.stringify(leases),
  );
  assert.equal(cluster.oomKills, 0);
});
