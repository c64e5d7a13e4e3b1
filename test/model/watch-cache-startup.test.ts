/**
 * An apiserver restarted by an OOM kill takes traffic before its watch cache is filled (its
 * /readyz does not wait, 1.29–1.34 by default); what a request needing the cache gets then
 * depends on the version: 429 with Retry-After 1 s from 1.31 (ResilientWatchCacheInitialization),
 * a wait inside the handler before.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseScenario } from "../../src/scenario/index.js";
import { Simulation } from "../../src/sim/index.js";
import { StateChecker } from "../../src/world/index.js";
import { buildCluster } from "../../src/fleet/build-cluster.js";
import { ControlPlaneObserver } from "../../src/fleet/control-plane-observer.js";
import { serviceAccountUser } from "../../src/k8s/index.js";
import type { RequestTemplate } from "../../src/model/request.js";
import { LIST_PODS, probe } from "./probe.js";

const AGENT = serviceAccountUser("monitoring", "agent");
const WATCH_PODS: RequestTemplate = {
  ...LIST_PODS,
  name: "probe watch pods",
  verb: "watch",
  options: { resourceVersion: "0" },
};
const CONSISTENT_LIST: RequestTemplate = {
  ...LIST_PODS,
  name: "probe consistent list pods",
  options: { resourceVersion: "" },
};

function restartedCluster(version: string, seed: number, gates = "") {
  const scenario = parseScenario(
    `apiVersion: kubestorm.dev/v1alpha1
kind: Scenario
metadata: { name: restart }
spec:
  duration: 10m
  clusters:
    - name: c
      nodes: 2000
      podsPerNode: 30
      kubernetesVersion: "${version}"
      nodeLeases: false
      apiserver:
        replicas: 1
${gates}`,
    "restart.yaml",
  );
  const sim = new Simulation(seed);
  const checker = new StateChecker(seed, () => sim.now);
  const observer = new ControlPlaneObserver(600, 60);
  const built = { sim, ...buildCluster(sim, scenario.clusters[0], "c", observer, {}, checker) };
  const [replica] = built.cluster.replicas;
  const readyAt: number[] = [];
  const cacheReadyAt: number[] = [];
  sim.scheduleAt(10, () => replica.oomKill());
  for (let t = 10; t < 200; t += 0.5) {
    sim.scheduleAt(t, () => {
      if (replica.ready && readyAt.length === 0) readyAt.push(t);
      if (replica.cacheReady && t > 10 && cacheReadyAt.length === 0) cacheReadyAt.push(t);
    });
  }
  return { built, replica, readyAt, cacheReadyAt };
}

for (const seed of [1, 2]) {
  test(`1.31: the restarted replica takes traffic before its cache is filled; watches get 429, consistent LISTs go to etcd (seed ${seed})`, () => {
    const { built, readyAt, cacheReadyAt } = restartedCluster("1.31", seed);
    // The replica restarts 10 s after the kill and starts taking traffic 20 s later (t = 40 s).
    const watches = probe(built, WATCH_PODS, AGENT, 40.5, 5);
    const lists = probe(built, CONSISTENT_LIST, AGENT, 40.5, 1);
    built.sim.run({ until: 200 });
    // Sampled every 0.5 s: ready within the sample after 40 s.
    assert.ok(readyAt[0] >= 40 && readyAt[0] <= 40.5, `ready at ${readyAt[0]}`);
    assert.ok(cacheReadyAt[0] > readyAt[0], `cache ready at ${cacheReadyAt[0]}`);
    assert.ok(
      watches.every((a) => a.status === 429 && a.retryAfter === 1),
      JSON.stringify(watches),
    );
    assert.equal(lists[0].status, 200);
  });

  test(`1.29: a watch waits in its handler until the cache is filled (seed ${seed})`, () => {
    const { built, readyAt, cacheReadyAt } = restartedCluster("1.29", seed);
    const watches = probe(built, WATCH_PODS, AGENT, 40.5, 3);
    built.sim.run({ until: 200 });
    assert.ok(readyAt[0] >= 40 && readyAt[0] <= 40.5, `ready at ${readyAt[0]}`);
    assert.ok(
      watches.every((a) => a.status === 200),
      JSON.stringify(watches),
    );
    for (const answer of watches) {
      assert.ok(
        40.5 + answer.latency >= cacheReadyAt[0] - 0.5,
        `answered at ${40.5 + answer.latency}`,
      );
    }
  });

  test(`with WatchCacheInitializationPostStartHook, /readyz waits for the cache (seed ${seed})`, () => {
    const { built, readyAt, cacheReadyAt } = restartedCluster(
      "1.31",
      seed,
      "        featureGates: { WatchCacheInitializationPostStartHook: true }\n",
    );
    built.sim.run({ until: 200 });
    assert.ok(readyAt[0] > 41, `ready at ${readyAt[0]}`);
    assert.ok(
      Math.abs(readyAt[0] - cacheReadyAt[0]) <= 0.5,
      `ready at ${readyAt[0]}, cache at ${cacheReadyAt[0]}`,
    );
  });
}
