/**
 * A cluster's components on their own: each added to a world with the ports it needs, real
 * where the behaviour lives in the model and fake where a port only carries an answer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { World, type Component } from "../../src/world/index.js";
import { ControlPlaneObserver } from "../../src/fleet/control-plane-observer.js";
import {
  CLUSTER_SPEC,
  CONTROL_PLANE,
  CONTROLLER_API,
  DNS,
  OPERATOR_ACCESS,
  type ClusterSpec,
  type DnsPort,
} from "../../src/fleet/cluster/index.js";
import { ApiserversComponent } from "../../src/fleet/cluster/control-plane.js";
import { LeaderElectionComponent } from "../../src/fleet/cluster/leader-election.js";
import { OperatorAccessComponent } from "../../src/fleet/cluster/operator-access.js";
import { CoreDnsRestartsComponent } from "../../src/fleet/cluster/coredns-restarts.js";
import { ApiRequest, STATUS_CONNECTION_REFUSED, STATUS_OK } from "../../src/model/request.js";
import type { DnsModel } from "../../src/model/dns/index.js";
import { FIXTURES } from "../paths.js";

function clusterSpec(): ClusterSpec {
  const scenario = loadScenarioFile(join(FIXTURES, "scenarios", "control-plane", "small.yaml"));
  return {
    name: "c",
    spec: scenario.clusters[0],
    workloads: undefined,
    operators: scenario.operators,
    change: undefined,
  };
}

function worldWithApiservers(seed: number, spec = clusterSpec()): World {
  const world = new World({ seed, check: true });
  world.add(new ApiserversComponent(spec, new ControlPlaneObserver(3600, 60)), "c");
  return world;
}

for (const seed of [1, 2]) {
  test(`leader election: controllers stop with the process 10 s after the last renewal and resume under a new leader (seed ${seed})`, () => {
    const world = worldWithApiservers(seed);
    world.add(new LeaderElectionComponent(), "c");
    const controllers = world.find(CONTROLLER_API, "c")!;
    const cluster = world.find(CONTROL_PLANE, "c")!.cluster;
    const seen: [number, boolean][] = [];
    for (const t of [30, 65, 75, 90, 240])
      world.sim.scheduleAt(t, () => seen.push([t, controllers.reachable()]));
    // Every replica dies at 60 s and restarts after its back-off and start-up.
    world.sim.scheduleAt(60, () => cluster.replicas.forEach((replica) => replica.oomKill()));
    world.run({ until: 240 });
    // Exited by 70 s; a restarted process must first read the lease for 15 s, so not yet at 90.
    assert.deepEqual(seen, [
      [30, true],
      [65, true],
      [75, false],
      [90, false],
      [240, true],
    ]);
  });

  test(`operator access: the admin API block refuses agents but not kubelets or operators (seed ${seed})`, () => {
    const world = worldWithApiservers(seed);
    world.add(new OperatorAccessComponent(), "c");
    const cluster = world.find(CONTROL_PLANE, "c")!.cluster;
    const statuses = new Map<string, number>();
    const send = (user: string) =>
      cluster.send(
        new ApiRequest(
          {
            name: `get nodes by ${user}`,
            verb: "get",
            resource: "nodes",
            apiGroup: "",
            scope: "cluster",
            options: {},
            encoding: "protobuf",
            mutating: false,
          },
          0,
          { name: user, groups: ["system:authenticated"] },
          { onResponse: (_request, status) => statuses.set(user, status) },
          world.sim.now,
          0,
        ),
      );
    world.sim.scheduleAt(1, () => world.find(OPERATOR_ACCESS, "c")!.blockAdminApi(true));
    world.sim.scheduleAt(2, () => {
      send("system:serviceaccount:telemetry:agent");
      send("system:node:node-1");
      send("kubernetes-admin");
    });
    world.run({ until: 10 });
    assert.equal(statuses.get("system:serviceaccount:telemetry:agent"), STATUS_CONNECTION_REFUSED);
    assert.equal(statuses.get("system:node:node-1"), STATUS_OK);
    assert.equal(statuses.get("kubernetes-admin"), STATUS_OK);
  });

  test(`CoreDNS restarts: a Poisson process at the configured rate over every replica (seed ${seed})`, () => {
    const spec = clusterSpec();
    spec.spec = { ...spec.spec, dns: { ...spec.spec.dns, restartsPerReplicaPerHour: 3 } };
    const world = new World({ seed, check: true });
    const restarted: number[] = [];
    const fakeDns: Component = {
      name: "fake-dns",
      provides: [CLUSTER_SPEC, DNS],
      attach: (context) => {
        context.provide(CLUSTER_SPEC, spec);
        const port: DnsPort = {
          // Only restartReplica is used by the component under test.
          model: { restartReplica: (r: number) => restarted.push(r) } as unknown as DnsModel,
          replicas: 4,
          success: () => 1,
        };
        context.provide(DNS, port);
      },
    };
    world.add(fakeDns, "c").add(new CoreDnsRestartsComponent(), "c");
    world.run({ until: 100 * 3600 });
    // 3 per replica per hour × 4 replicas × 100 h = 1,200 expected; Poisson sd ≈ 35.
    assert.ok(Math.abs(restarted.length - 1200) < 150, `${restarted.length} restarts`);
    for (let r = 0; r < 4; r++) assert.ok(restarted.filter((x) => x === r).length > 200);
  });
}
