import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import {
  admitWhileApiAvailable,
  ClusterWorkloads,
  type PodCreationAdmission,
  type WorkloadsConfig,
} from "../../src/model/workloads/index.js";
import { FakeDataPlane } from "./fakes.js";

const SEED = 3;
const OUTAGE_START = 100;
const OUTAGE_END = 1000;

const CONFIG: WorkloadsConfig = {
  cluster: "prod-2",
  services: [
    {
      name: "frontend",
      replicas: 40,
      requestsPerSecondPerPod: 10,
      crashesPerPodPerDay: 0,
      startupSeconds: 5,
    },
  ],
  products: [{ name: "chat", entryServices: ["frontend"], requestsPerSecond: 400 }],
};

function build(admission: PodCreationAdmission, config = CONFIG, seed = SEED) {
  const sim = new Simulation(seed);
  const workloads = new ClusterWorkloads(sim, config, {
    dataPlane: new FakeDataPlane(),
    admission,
  });
  workloads.start();
  return { sim, workloads };
}

test(`pods evicted while the API is down come back only after it returns (seed ${SEED})`, () => {
  let apiUp = true;
  const { sim, workloads } = build(admitWhileApiAvailable(() => apiUp));
  sim.schedule(OUTAGE_START, () => {
    apiUp = false;
    workloads.podsLost("frontend", 10, "eviction");
  });
  sim.schedule(OUTAGE_END, () => (apiUp = true));

  sim.run({ until: OUTAGE_END - 1 });
  const during = workloads.serviceStatus("frontend");
  assert.equal(during.ready, 30, `seed ${SEED}: ${JSON.stringify(during)}`);
  assert.equal(during.pendingCreation, 10, `seed ${SEED}`);
  assert.ok(Number.isNaN(during.fullyReadySince), `seed ${SEED}`);
  // 300 of 400 req/s of capacity.
  assert.ok(Math.abs(workloads.productSuccess("chat") - 0.75) < 1e-9, `seed ${SEED}`);

  sim.run({ until: OUTAGE_END + 200 });
  const after = workloads.serviceStatus("frontend");
  assert.equal(after.ready, 40, `seed ${SEED}: ${JSON.stringify(after)}`);
  assert.ok(after.fullyReadySince >= OUTAGE_END, `seed ${SEED}: ${after.fullyReadySince}`);
  // Retries back off to at most a minute, then creation, then start-up.
  assert.ok(after.fullyReadySince <= OUTAGE_END + 60 + 5 + 1, `seed ${SEED}`);
  assert.equal(workloads.productSuccess("chat"), 1, `seed ${SEED}`);
});

test(`crashed containers restart on their node without the API (seed ${SEED})`, () => {
  const { sim, workloads } = build(admitWhileApiAvailable(() => false));
  sim.schedule(OUTAGE_START, () => workloads.podsLost("frontend", 10, "crash"));
  sim.run({ until: OUTAGE_START + 60 });
  const status = workloads.serviceStatus("frontend");
  assert.equal(status.ready, 40, `seed ${SEED}: ${JSON.stringify(status)}`);
  assert.ok(status.fullyReadySince >= OUTAGE_START + 10 + 5, `seed ${SEED}`);
});

test(`creations go out in slow-start batches of at most burstReplicas per sync (seed ${SEED})`, () => {
  const requested: number[] = [];
  const admission: PodCreationAdmission = {
    createPods(_service, count, done) {
      requested.push(count);
      done(count);
    },
  };
  const { sim, workloads } = build(admission);
  workloads.setReplicas("frontend", 1040);
  sim.run({ until: 10 });
  // 1,000 new pods: two syncs of 500, each 1, 2, 4, ..., 128, then the 245 left.
  const perSync = [500, 500];
  let i = 0;
  for (const total of perSync) {
    let sent = 0;
    let expected = 1;
    while (sent < total) {
      assert.equal(requested[i], Math.min(expected, total - sent), `seed ${SEED}: ${requested}`);
      sent += requested[i++];
      expected *= 2;
    }
  }
  assert.equal(i, requested.length, `seed ${SEED}: ${requested}`);
  assert.equal(workloads.serviceStatus("frontend").ready, 1040, `seed ${SEED}`);
});

test(`a batch answered later, and partly refused, keeps the pod counts whole (seed ${SEED})`, () => {
  // The API answers after 2 s and creates only half of each batch (rounded up).
  const late: { sim?: Simulation } = {};
  const admission: PodCreationAdmission = {
    createPods(_service, count, done) {
      late.sim!.schedule(2, () => done(Math.ceil(count / 2)));
    },
  };
  const built = build(admission);
  const sim = built.sim;
  late.sim = sim;
  built.workloads.podsLost("frontend", 16, "eviction");
  for (let t = 1; t <= 400; t += 7) {
    sim.run({ until: t });
    const s = built.workloads.serviceStatus("frontend");
    const total = s.ready + s.starting + s.downloading + s.pendingCreation + s.creating;
    assert.equal(total, 40, `seed ${SEED} at ${t}: ${JSON.stringify(s)}`);
  }
  assert.equal(built.workloads.serviceStatus("frontend").ready, 40, `seed ${SEED}`);
});

test("background crashes are seeded: the same seed repeats, another seed differs", () => {
  const crashy: WorkloadsConfig = {
    ...CONFIG,
    // About 40 crashes an hour over 40 pods.
    services: [{ ...CONFIG.services[0], crashesPerPodPerDay: 24 }],
  };
  const run = (seed: number) => {
    const { sim, workloads } = build(
      admitWhileApiAvailable(() => true),
      crashy,
      seed,
    );
    sim.run({ until: 3600 });
    return workloads.productSuccessWindows("chat").map((w) => w.successRate);
  };
  const first = run(SEED);
  assert.deepEqual(run(SEED), first, `seed ${SEED}`);
  assert.ok(
    first.some((rate) => rate < 1),
    `seed ${SEED}: crashes reduce capacity at times`,
  );
  assert.notDeepEqual(run(SEED + 1), first, `seeds ${SEED} and ${SEED + 1}`);
});

test(`scaling down drops pods not yet created first, then running ones (seed ${SEED})`, () => {
  let apiUp = false;
  const { sim, workloads } = build(admitWhileApiAvailable(() => apiUp));
  workloads.setReplicas("frontend", 100);
  sim.run({ until: 10 });
  assert.equal(workloads.serviceStatus("frontend").pendingCreation, 60, `seed ${SEED}`);
  workloads.setReplicas("frontend", 30);
  const status = workloads.serviceStatus("frontend");
  assert.equal(status.pendingCreation, 0, `seed ${SEED}: ${JSON.stringify(status)}`);
  assert.equal(status.ready, 30, `seed ${SEED}: ${JSON.stringify(status)}`);
  apiUp = true;
  sim.run({ until: 200 });
  assert.equal(workloads.serviceStatus("frontend").ready, 30, `seed ${SEED}`);
});
