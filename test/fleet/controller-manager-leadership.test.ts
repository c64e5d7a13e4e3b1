/**
 * kube-controller-manager's leadership as upstream: a leader that cannot renew within the renew
 * deadline exits, a restarted process takes the lease only a lease duration after first reading
 * it, and its node lifecycle controller starts without node health, so an apiserver outage
 * shorter than the restart and the grace period marks no node NotReady. Only a leader whose
 * lease informer is stale does that (kubernetes issue #85221).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { runScenario } from "../../src/fleet/index.js";
import { FLEET } from "../../src/fleet/fleet-components.js";
import { World, type Component } from "../../src/world/index.js";
import { ControlPlaneObserver } from "../../src/fleet/control-plane-observer.js";
import {
  CLUSTER_SPEC,
  CONTROL_PLANE,
  CONTROLLER_API,
  NODES,
  type ClusterSpec,
  type ControllerApiPort,
} from "../../src/fleet/cluster/index.js";
import {
  ApiserversComponent,
  KubeletLeasesComponent,
  AgentsComponent,
} from "../../src/fleet/cluster/control-plane.js";
import { LeaderElectionComponent } from "../../src/fleet/cluster/leader-election.js";
import { NodesComponent } from "../../src/fleet/cluster/nodes.js";
import { FIXTURES } from "../paths.js";

const scenario = () =>
  loadScenarioFile(join(FIXTURES, "scenarios", "data-plane", "quiet-cluster.yaml"));

/** Refuses every connection to the cluster's apiservers from `at` for `seconds`. */
function outage(at: number, seconds: number): Component {
  return {
    name: "apiserver-outage",
    needs: [FLEET],
    attach: (context) => {
      const [cluster] = context.get(FLEET).clusters;
      const apiservers = cluster.built.cluster;
      context.sim.scheduleAt(at, () => apiservers.blockUsers(() => true));
      context.sim.scheduleAt(at + seconds, () => apiservers.blockUsers(undefined));
    },
  };
}

function clusterSpec(): ClusterSpec {
  const s = scenario();
  return {
    name: "c",
    spec: s.clusters[0],
    workloads: s.workloads,
    operators: s.operators,
    change: undefined,
  };
}

for (const seed of [1, 2, 3]) {
  test(`a 60 s apiserver outage marks no node NotReady after it ends (seed ${seed})`, () => {
    let election: LeaderElectionComponent | undefined;
    const result = runScenario(scenario(), {
      seed,
      check: true,
      fleetComponents: [outage(300, 60)],
      onWorld: (world) => {
        election = world
          .components("c")
          .find((c): c is LeaderElectionComponent => c instanceof LeaderElectionComponent);
      },
    });
    const [cluster] = result.clusters;
    for (const minute of cluster.minutes) {
      assert.equal(minute.nodesReady, 200, `seed ${seed}: ready nodes at ${minute.t} s`);
    }
    assert.ok(election !== undefined);
    assert.equal(election.stats.leadershipLost, 1, `seed ${seed}: the leader exits once`);
    assert.equal(election.stats.leadershipAcquired, 1, `seed ${seed}: a new process leads again`);
  });

  test(`the restarted controller manager leads again a lease duration after first reading the lease (seed ${seed})`, () => {
    const world = new World({ seed, check: true });
    world.add(new ApiserversComponent(clusterSpec(), new ControlPlaneObserver(3600, 60)), "c");
    const election = new LeaderElectionComponent();
    world.add(election, "c");
    const api = world.find(CONTROLLER_API, "c")!;
    const changes: [number, boolean][] = [];
    api.onLeadershipChange((leading) => changes.push([world.sim.now, leading]));
    const cluster = world.find(CONTROL_PLANE, "c")!.cluster;
    world.sim.scheduleAt(100, () => cluster.blockUsers(() => true));
    world.sim.scheduleAt(130, () => cluster.blockUsers(undefined));
    world.run({ until: 400 });
    assert.equal(changes.length, 2, JSON.stringify(changes));
    const [[lostAt, lost], [wonAt, won]] = changes;
    assert.equal(lost, false);
    assert.equal(won, true);
    // The last renewal came before 100 s: the deadline passes within 10 s of it.
    assert.ok(lostAt > 100 && lostAt <= 110.001, `lost at ${lostAt}`);
    // CrashLoopBackOff (10 s), start-up (5 s), then a lease duration (15 s) of reading.
    assert.ok(wonAt >= Math.max(lostAt + 10 + 5, 130) + 15, `won at ${wonAt}`);
    assert.ok(wonAt < 175, `won at ${wonAt}`);
  });

  test(`a leader whose lease informer is stale marks nodes NotReady (seed ${seed})`, () => {
    const world = new World({ seed, check: true });
    const spec = clusterSpec();
    world.add(new ApiserversComponent(spec, new ControlPlaneObserver(3600, 60)), "c");
    world.add(new KubeletLeasesComponent(), "c").add(new AgentsComponent(), "c");
    // The controllers lead throughout, but their lease informer stopped at 200 s.
    const staleLeader: Component = {
      name: "stale-leader",
      needs: [CLUSTER_SPEC],
      provides: [CONTROLLER_API],
      attach: (context) => {
        const port: ControllerApiPort = {
          reachable: () => true,
          leasesSeenUntil: (now) => Math.min(now, 200),
          onLeadershipChange: () => {},
        };
        context.provide(CONTROLLER_API, port);
      },
    };
    world.add(staleLeader, "c");
    const nodes = new NodesComponent();
    world.add(nodes, "c");
    const readyAt = (t: number) => {
      let ready = -1;
      world.sim.scheduleAt(t, () => (ready = world.find(NODES, "c")!.pool.readyCount));
      return () => ready;
    };
    const before = readyAt(190);
    const after = readyAt(300);
    world.run({ until: 300 });
    assert.equal(before(), 200, `seed ${seed}: every node Ready while the informer is current`);
    // Grace period (50 s from 1.32, 40 s before) past 200 s: every node looks stale.
    assert.equal(after(), 0, `seed ${seed}: the stale informer makes every node Unknown`);
  });
}
