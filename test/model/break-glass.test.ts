import { test } from "node:test";
import { StateChecker } from "../../src/world/index.js";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Simulation } from "../../src/sim/index.js";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { buildCluster } from "../../src/fleet/build-cluster.js";
import { ControlPlaneObserver } from "../../src/fleet/control-plane-observer.js";
import { ApiClient } from "../../src/model/clients/api-client.js";
import { STATUS_OK, type RequestTemplate } from "../../src/model/request.js";
import { FIXTURES } from "../paths.js";

const DELETE_DAEMONSET: RequestTemplate = {
  name: "operator delete daemonset",
  verb: "delete",
  resource: "daemonsets",
  apiGroup: "apps",
  scope: "namespace",
  options: {},
  encoding: "json",
  mutating: true,
};

/** kubeadm's admin.conf identity: system:masters, exempt from APF. */
const ADMIN = { name: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };

test("a rollback through the API fails while the apiservers are overloaded and succeeds through break-glass", () => {
  const seed = 11;
  const scenario = loadScenarioFile(join(FIXTURES, "scenarios", "data-plane", "locked-out.yaml"));
  const sim = new Simulation(seed);
  const observer = new ControlPlaneObserver(scenario.durationSeconds, 60);
  const checker = new StateChecker(seed, () => sim.now);
  const { cluster } = buildCluster(sim, scenario.clusters[0], "c", observer, {}, checker);
  const client = () =>
    new ApiClient(
      sim,
      { name: "kubectl", user: ADMIN, qps: 5, burst: 10, maxRetries: 10, version: "1.29" },
      cluster,
    );
  const outcomes: { path: string; status: number; at: number; sent: number }[] = [];
  const tryDelete = (path: "normal" | "break-glass", at: number) =>
    sim.scheduleAt(at, () => {
      const kubectl = client();
      if (path === "break-glass") kubectl.useTransport(cluster.breakGlass);
      kubectl.call(
        DELETE_DAEMONSET,
        (status) => outcomes.push({ path, status, at: sim.now, sent: at }),
        null,
      );
    });
  // Every 30 s from minute 12 to 20, while the replicas crash in turn.
  for (let at = 720; at < 1200; at += 30) tryDelete("normal", at);
  tryDelete("break-glass", 900);
  sim.run({ until: 1800 });

  const normal = outcomes.filter((o) => o.path === "normal");
  const failed = normal.filter((o) => o.status !== STATUS_OK || o.at - o.sent > 30);
  assert.ok(
    failed.length >= normal.length / 2,
    `seed ${seed}: most normal-path attempts fail or take over 30 s: ${JSON.stringify(normal)}`,
  );
  const breakGlass = outcomes.find((o) => o.path === "break-glass");
  assert.ok(breakGlass, `seed ${seed}: the break-glass call was answered`);
  assert.equal(breakGlass.status, STATUS_OK, `seed ${seed}`);
  assert.ok(
    breakGlass.at - breakGlass.sent < 5,
    `seed ${seed}: answered in ${breakGlass.at - 900} s`,
  );
  assert.ok(
    cluster.replicas.some((r) => r.oomKills > 0),
    `seed ${seed}: the replicas did crash`,
  );
});
