/**
 * An apiserver OOM-killed by a request dispatched while a batch of requests finishes at the
 * same instant: the rest of the batch belongs to the dead process and must not finish, hand
 * back seats or answer again. The state checker stops the run at the first event that does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import { defaultFeatureGates } from "../../src/k8s/index.js";
import { StateChecker } from "../../src/world/index.js";
import { Etcd } from "../../src/model/etcd.js";
import {
  ApiserverReplica,
  type Admission,
  type AdmitDecision,
  type ReplicaHost,
} from "../../src/model/apiserver.js";
import { ApiRequest, type RequestTemplate } from "../../src/model/request.js";

const GiB = 2 ** 30;
const LIST: RequestTemplate = {
  name: "agent list pods",
  verb: "list",
  resource: "pods",
  apiGroup: "",
  scope: "cluster",
  options: { resourceVersion: "0" },
  encoding: "json",
  mutating: false,
};

/** Two requests execute at once; the third waits and starts when the first finishes. */
class TwoAtATime implements Admission {
  readonly queueWaitLimitSeconds = 60;
  private executing = 0;
  private readonly waiting: ApiRequest[] = [];
  admit(request: ApiRequest): AdmitDecision {
    if (this.executing < 2) {
      this.executing++;
      return "execute";
    }
    this.waiting.push(request);
    return "queued";
  }
  release(): ApiRequest[] {
    this.executing--;
    const next = this.waiting.shift();
    if (next === undefined) return [];
    this.executing++;
    return [next];
  }
  expire(): boolean {
    return false;
  }
  retryAfterSeconds(): number {
    return 1;
  }
  reset(): void {
    this.executing = 0;
    this.waiting.length = 0;
  }
}

for (const seed of [1]) {
  test(`a batch finishing together after an OOM kill runs nothing for the dead process (seed ${seed})`, () => {
    const sim = new Simulation(seed);
    const checker = new StateChecker(seed, () => sim.now);
    const answers: number[] = [];
    const host: ReplicaHost = {
      storedBytes: () => 0,
      watchCacheInitCost: () => ({ etcdSeconds: 0, cpuSeconds: 0 }),
      respond: (request, status) => {
        checker.requestAnswered(request, request.template.name);
        answers.push(status);
      },
      replicaDown: () => {},
      replicaReady: () => {},
      observeEtcd: () => {},
      observeRejection: () => {},
      checker,
      featureGates: defaultFeatureGates("1.31"),
    };
    const etcd = new Etcd(
      sim,
      { serviceUnits: 1, quotaBytes: 8 * GiB, compactionIntervalSeconds: 300, baseMemoryBytes: 0 },
      0,
    );
    const replica = new ApiserverReplica(
      0,
      sim,
      {
        cpuCores: 4,
        memoryLimitBytes: 10 * GiB,
        baseMemoryBytes: GiB,
        watchCacheMemoryPerStoredByte: 0,
        restartBackoffInitialSeconds: 10,
        restartBackoffMaxSeconds: 300,
        restartBackoffResetSeconds: 600,
        startupSeconds: 20,
      },
      etcd,
      new TwoAtATime(),
      host,
    );
    const sink = { onResponse: () => {} };
    const send = (memoryBytes: number) => {
      const request = new ApiRequest(LIST, 0, { name: "agent", groups: [] }, sink, sim.now, 0);
      request.readCost = {
        servedFrom: "cache",
        objectsReturned: 1,
        truncated: false,
        responseBytes: 1,
        etcdBytes: 0,
        etcdSeconds: 0,
        cpuSeconds: 1,
        memoryBytes,
      };
      checker.requestSent(request, LIST.name);
      replica.receive(request);
    };
    // Two identical requests finish at t=1 together; the first one's release dispatches the
    // third, whose memory passes the limit: the replica dies with the second still in the batch.
    sim.scheduleAt(0, () => {
      send(GiB);
      send(GiB);
      send(20 * GiB);
    });
    sim.run({ until: 5 });
    assert.equal(replica.oomKills, 1);
    // One served, then the dead process's two reset: each answered once.
    assert.deepEqual(answers, [200, 0, 0]);
    assert.equal(checker.inFlight, 0);
  });
}
