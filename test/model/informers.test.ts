import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { runScenario } from "../../src/fleet/index.js";
import { FIXTURES } from "../paths.js";

function informersOf(name: string) {
  const scenario = loadScenarioFile(join(FIXTURES, "scenarios", "control-plane", `${name}.yaml`));
  const result = runScenario(scenario, { check: true });
  const [cluster] = result.clusters;
  const [informers] = cluster.informers;
  assert.ok(informers, "the scenario declares one informer population");
  return { cluster, informers, members: scenario.clusters[0].nodes };
}

test("steady informers list once, then re-watch at each server timeout of 5-10 min (seed 1)", () => {
  const { cluster, informers, members } = informersOf("informers-steady");
  assert.equal(informers.lists, members, "one LIST per member, no relist");
  assert.equal(informers.listFailures, 0);
  assert.equal(informers.watchesBroken, 0);
  assert.equal(informers.tooOld, 0);
  // 30 minutes of watches lasting 300-600 s: between 3 and 6 watches per member.
  const perMember = informers.watchesOpened / members;
  assert.ok(perMember > 3 && perMember < 6.1, `${perMember} watches per member`);
  assert.equal(cluster.withinSlo, true);
});

test("apiserver crashes break every watch on them (seed 1)", () => {
  const { cluster, informers } = informersOf("overload-informers");
  assert.ok(cluster.oomKills > 0);
  assert.ok(informers.watchesBroken > 0, "watches on a dead replica end");
});

test("re-watches past a restarted replica's cache history get 410 and relist (seed 1)", () => {
  // Replicas restart and fill their caches while 2,000 informers list and watch.
  const { cluster, informers } = informersOf("informer-herd");
  assert.ok(cluster.oomKills > 0);
  assert.ok(
    informers.tooOld > 0,
    "a restarted replica answers 410 for revisions older than its cache",
  );
  assert.ok(informers.lists > informers.watchesOpened / 10, "reflectors relist after failures");
  assert.ok(informers.listFailures > 0);
});
