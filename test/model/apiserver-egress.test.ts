import { test } from "node:test";
import assert from "node:assert/strict";
import { serviceAccountUser } from "../../src/k8s/index.js";
import { DEFAULT_EGRESS_BYTES_PER_SECOND } from "../../src/model/apiserver.js";
import { clusterOf, LIST_PODS, probe } from "./probe.js";

const SEEDS = [1, 2, 3];
const AGENT = serviceAccountUser("telemetry", "agent");
// A cached protobuf LIST of every pod: 150,000 pods of 10 KB, 1.5 GB on the wire.
const CACHED_LIST = {
  ...LIST_PODS,
  encoding: "protobuf" as const,
  options: { resourceVersion: "0" },
};

for (const seed of SEEDS) {
  test(`LIST responses share the replica's network: ten at once wait for each other's bytes (seed ${seed})`, () => {
    const alone = clusterOf("request-timeout.yaml", seed);
    const loneAnswers = probe(alone, CACHED_LIST, AGENT, 10, 1);
    alone.sim.run({ until: 600 });
    const [lone] = loneAnswers;
    const crowd = clusterOf("request-timeout.yaml", seed);
    const answers = probe(crowd, CACHED_LIST, AGENT, 10, 10);
    crowd.sim.run({ until: 600 });

    const bytes = crowd.cluster.replicas[0].egressBytesOffered / answers.length;
    const wire = bytes / DEFAULT_EGRESS_BYTES_PER_SECOND;
    assert.ok(bytes >= 1.5e9, `${bytes} B per LIST`);
    assert.equal(lone.status, 200);
    // Alone, the response takes its CPU time plus its own time on the wire.
    assert.ok(lone.latency >= wire, `lone LIST ${lone.latency} s, wire ${wire} s`);
    // Together the ten responses need ten times the wire time: the last one waits for all.
    assert.ok(answers.every((a) => a.status === 200));
    const slowest = Math.max(...answers.map((a) => a.latency));
    assert.ok(slowest >= 10 * wire, `slowest ${slowest} s < ${10 * wire} s`);
    assert.ok(slowest > lone.latency + 8 * wire, `slowest ${slowest} s, lone ${lone.latency} s`);
    const replica = crowd.cluster.replicas[0];
    assert.equal(replica.egressBytesSent, replica.egressBytesOffered);
  });
}

for (const seed of SEEDS) {
  test(`a pod write's watch events go to every cluster-wide watcher and to its node's own (seed ${seed})`, () => {
    const built = clusterOf("small.yaml", seed);
    const { cluster, sim } = built;
    const pods = cluster.resources.get("pods");
    assert.ok(pods !== undefined);
    pods.watchers = 140;
    pods.nodeScopedWatchers = 100; // one per node of the 100
    const create = {
      ...LIST_PODS,
      name: "probe create pod",
      verb: "create" as const,
      mutating: true,
    };
    const answers = probe(built, create, AGENT, 10, 1);
    let offered = 0;
    sim.scheduleAt(10.5, () => {
      offered = cluster.replicas.reduce((t, r) => t + r.egressBytesOffered, 0);
    });
    sim.run({ until: 11 });
    assert.equal(answers[0]?.status, 200, `seed ${seed}`);
    // 40 cluster-wide watchers and one node-scoped one, each sent the whole pod; the agents'
    // own LISTs have not started yet.
    const expected = (40 + 1) * pods.averageBytes;
    assert.ok(
      Math.abs(offered - expected) < 1e-6,
      `seed ${seed}: ${offered} B, expected ${expected}`,
    );
  });
}
