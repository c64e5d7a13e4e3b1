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
