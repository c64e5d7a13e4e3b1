import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../src/sim/index.js";
import {
  admitWhileApiAvailable,
  ClusterWorkloads,
  DependencyGraph,
  evaluateDataPlane,
  USER_CLIENT,
  type WorkloadsConfig,
} from "../../src/model/workloads/index.js";
import { FakeDataPlane } from "./fakes.js";

const SEED = 7;

// chat: frontend -> inference -> auth; api: api-gateway -> completions (no auth).
const CONFIG: WorkloadsConfig = {
  cluster: "prod-1",
  services: [
    { name: "frontend", replicas: 20, dependsOn: ["inference"], crashesPerPodPerDay: 0 },
    {
      name: "inference",
      replicas: 10,
      dependsOn: ["auth"],
      requestsPerSecondPerPod: 100,
      crashesPerPodPerDay: 0,
    },
    { name: "auth", replicas: 5, crashesPerPodPerDay: 0 },
    { name: "api-gateway", replicas: 5, dependsOn: ["completions"], crashesPerPodPerDay: 0 },
    { name: "completions", replicas: 5, crashesPerPodPerDay: 0 },
  ],
  products: [
    { name: "chat", entryServices: ["frontend"], requestsPerSecond: 800 },
    { name: "api", entryServices: ["api-gateway"], requestsPerSecond: 300 },
  ],
};

function build(dataPlane = new FakeDataPlane()) {
  const sim = new Simulation(SEED);
  const workloads = new ClusterWorkloads(sim, CONFIG, {
    dataPlane,
    admission: admitWhileApiAvailable(() => true),
  });
  workloads.start();
  return { sim, workloads, dataPlane };
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) < 1e-9,
    `${what}: expected ${expected}, got ${actual} (seed ${SEED})`,
  );

test(`DNS failing for auth breaks chat through its chain while api keeps working (seed ${SEED})`, () => {
  const { sim, workloads, dataPlane } = build();
  sim.run({ until: 0 });
  close(workloads.productSuccess("chat"), 1, "chat before");
  close(workloads.productSuccess("api"), 1, "api before");

  dataPlane.resolve.set("auth", 0);
  sim.run({ until: 1 });
  close(workloads.productSuccess("chat"), 0, "chat with auth unresolvable");
  close(workloads.serviceSuccess("frontend"), 0, "frontend");
  close(workloads.serviceSuccess("inference"), 0, "inference");
  close(workloads.serviceSuccess("auth"), 1, "auth itself still works");
  close(workloads.productSuccess("api"), 1, "api does not depend on auth");

  // Only the inference pods' lookups of auth fail, for 40 %: the chain multiplies.
  dataPlane.resolve.clear();
  dataPlane.resolve.set("inference->auth", 0.6);
  dataPlane.endpoints.set("inference", 0.5);
  sim.run({ until: 2 });
  close(workloads.productSuccess("chat"), 0.5 * 0.6, "chat with partial failures");
  close(workloads.productSuccess("api"), 1, "api unaffected");
});

test(`fewer ready inference pods than the load needs fail the excess (seed ${SEED})`, () => {
  const { sim, workloads } = build();
  sim.run({ until: 10 });
  close(workloads.serviceLoad("inference"), 800, "inference load");
  close(workloads.productSuccess("chat"), 1, "chat with 1,000 req/s of capacity");

  // 5 of 10 pods crash: 500 req/s of capacity for 800 offered, until they restart.
  workloads.podsLost("inference", 5, "crash");
  sim.run({ until: 11 });
  assert.equal(workloads.serviceStatus("inference").ready, 5);
  close(workloads.productSuccess("chat"), 500 / 800, "chat at half capacity");
  close(workloads.serviceLoad("auth"), 500, "auth sees only what inference could serve");
  const lookups = workloads.callRates().find((c) => c.client === "inference");
  assert.deepEqual(lookups, { client: "inference", service: "auth", perSecond: 500 });
  close(workloads.productSuccess("api"), 1, "api unaffected");

  // The crashed containers restart on their nodes after the back-off and start-up.
  sim.run({ until: 60 });
  assert.equal(workloads.serviceStatus("inference").ready, 10);
  close(workloads.productSuccess("chat"), 1, "chat after the restarts");
});

test(`traffic weight moves load onto or off the cluster (seed ${SEED})`, () => {
  const { sim, workloads } = build();
  workloads.setTrafficWeight("chat", 0.5);
  sim.run({ until: 0 });
  close(workloads.serviceLoad("inference"), 400, "half the traffic");
  close(workloads.productSuccess("chat"), 1, "chat at half traffic");

  // Traffic moved here from another cluster: 2x the base load meets 1,000 req/s of capacity.
  workloads.setTrafficWeight("chat", 2);
  sim.run({ until: 1 });
  close(workloads.serviceLoad("inference"), 1600, "double traffic");
  close(workloads.productSuccess("chat"), 1000 / 1600, "chat beyond capacity");
  close(workloads.productSuccess("api"), 1, "api's weight unchanged");
});

test(`per-minute windows weigh each tick's success by its requests (seed ${SEED})`, () => {
  const { sim, workloads, dataPlane } = build();
  // Auth unresolvable during [30, 60): half of minute 0 fails; minute 1 recovers.
  sim.schedule(30, () => dataPlane.resolve.set("auth", 0));
  sim.schedule(60, () => dataPlane.resolve.delete("auth"));
  sim.run({ until: 119.5 });
  const [first, second] = workloads.productSuccessWindows("chat");
  close(first.start, 0, "first window start");
  close(first.offeredRequests, 800 * 60, "requests in the first minute");
  close(first.successRate, 0.5, "first minute");
  close(second.successRate, 1, "second minute");
  assert.ok(workloads.productSuccessWindows("api").every((w) => w.successRate === 1));
});

test("product success is the product of resolve x endpoints along the chain (property)", () => {
  const graph = new DependencyGraph(CONFIG.services, CONFIG.products);
  const fraction = fc.double({ min: 0, max: 1, noNaN: true });
  fc.assert(
    fc.property(fc.array(fraction, { minLength: 10, maxLength: 10 }), (f) => {
      const dataPlane = new FakeDataPlane();
      // Entry resolution is by users; the rest by the caller's pods.
      dataPlane.resolve.set(`${USER_CLIENT}->frontend`, f[0]);
      dataPlane.resolve.set("frontend->inference", f[1]);
      dataPlane.resolve.set("inference->auth", f[2]);
      dataPlane.endpoints.set("frontend", f[3]);
      dataPlane.endpoints.set("inference", f[4]);
      dataPlane.endpoints.set("auth", f[5]);
      dataPlane.resolve.set(`${USER_CLIENT}->api-gateway`, f[6]);
      dataPlane.resolve.set("api-gateway->completions", f[7]);
      dataPlane.endpoints.set("api-gateway", f[8]);
      dataPlane.endpoints.set("completions", f[9]);
      const snapshot = evaluateDataPlane(graph, dataPlane, {
        readyPods: [100, 100, 100, 100, 100],
        requestsPerSecondPerPod: [Infinity, Infinity, Infinity, Infinity, Infinity],
        trafficWeights: [1, 1],
      });
      const chat = f[0] * f[1] * f[2] * f[3] * f[4] * f[5];
      const api = f[6] * f[7] * f[8] * f[9];
      return (
        Math.abs(snapshot.productSuccess[0] - chat) < 1e-12 &&
        Math.abs(snapshot.productSuccess[1] - api) < 1e-12 &&
        // Load reaching auth is what got through frontend and inference.
        Math.abs(snapshot.offeredPerSecond[2] - 800 * chat) < 1e-9
      );
    }),
  );
});
