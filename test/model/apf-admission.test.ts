import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Simulation } from "../../src/sim/index.js";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { buildCluster } from "../../src/fleet/build-cluster.js";
import { ControlPlaneObserver } from "../../src/fleet/control-plane-observer.js";
import { ApiRequest, type RequestTemplate, type ResponseSink } from "../../src/model/request.js";
import { serviceAccountUser, SYSTEM_PRIVILEGED_GROUP } from "../../src/k8s/index.js";
import { FIXTURES } from "../paths.js";

// A flood of 2,000 clients of one service account saturates workload-low (seed 1).
const SEED = 1;

interface Answer {
  status: number;
  retryAfter: number;
  latency: number;
}

function saturatedCluster() {
  const scenario = loadScenarioFile(
    join(FIXTURES, "scenarios", "control-plane", "apf-saturation.yaml"),
  );
  const sim = new Simulation(SEED);
  const observer = new ControlPlaneObserver(scenario.durationSeconds, 60);
  const built = buildCluster(sim, scenario.clusters[0], "c", observer);
  return { sim, cluster: built.cluster };
}

function probe(
  sim: Simulation,
  send: (request: ApiRequest) => void,
  template: RequestTemplate,
  user: { name: string; groups: readonly string[] },
  at: number,
  count: number,
): Answer[] {
  const answers: Answer[] = [];
  const sink: ResponseSink = {
    onResponse: (request, status, retryAfter) =>
      answers.push({ status, retryAfter, latency: sim.now - request.sentAt }),
  };
  for (let i = 0; i < count; i++) {
    sim.scheduleAt(at + i * 0.01, () => send(new ApiRequest(template, i, user, sink, sim.now, 0)));
  }
  return answers;
}

const getNodes: RequestTemplate = {
  name: "probe get nodes",
  verb: "get",
  resource: "nodes",
  apiGroup: "",
  scope: "cluster",
  options: {},
  encoding: "protobuf",
  mutating: false,
};

const listPods: RequestTemplate = {
  ...getNodes,
  name: "probe list pods",
  verb: "list",
  resource: "pods",
  encoding: "json",
};

test(`a system:masters request is served at once while workload-low is saturated (seed ${SEED})`, () => {
  const { sim, cluster } = saturatedCluster();
  const admin = probe(
    sim,
    (r) => cluster.send(r),
    getNodes,
    { name: "admin", groups: [SYSTEM_PRIVILEGED_GROUP] },
    300,
    50,
  );
  const flood = probe(
    sim,
    (r) => cluster.send(r),
    listPods,
    serviceAccountUser("telemetry", "agent"),
    300,
    200,
  );
  sim.run({ until: 400 });
  assert.equal(admin.length, 50);
  assert.ok(
    admin.every((a) => a.status === 200),
    JSON.stringify(admin.filter((a) => a.status !== 200)),
  );
  assert.ok(
    Math.max(...admin.map((a) => a.latency)) < 0.1,
    `admin latencies ${admin.map((a) => a.latency)}`,
  );
  // Meanwhile the flood's own flow is being turned away.
  assert.ok(
    flood.some((a) => a.status === 429),
    "the saturated level rejects the flood's flow",
  );
});

test(`queue-full answers 429 with Retry-After from the level's tracker (seed ${SEED})`, () => {
  const { sim, cluster } = saturatedCluster();
  const flood = probe(
    sim,
    (r) => cluster.send(r),
    listPods,
    serviceAccountUser("telemetry", "agent"),
    300,
    200,
  );
  sim.run({ until: 400 });
  const rejected = flood.filter((a) => a.status === 429);
  assert.ok(rejected.length > 0);
  for (const answer of rejected) {
    assert.ok(
      Number.isInteger(answer.retryAfter) && answer.retryAfter >= 1 && answer.retryAfter <= 32,
      `Retry-After ${answer.retryAfter}`,
    );
  }
  // Many drops per second make the tracker raise Retry-After above its initial 1 s.
  assert.ok(
    Math.max(...rejected.map((a) => a.retryAfter)) > 1,
    "Retry-After grows under sustained drops",
  );
});
