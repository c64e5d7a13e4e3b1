import { test } from "node:test";
import assert from "node:assert/strict";
import { serviceAccountUser, SYSTEM_PRIVILEGED_GROUP } from "../../src/k8s/index.js";
import { clusterOf, GET_NODES, LIST_PODS, probe } from "./probe.js";

// A flood of 2,000 clients of one service account saturates workload-low.
const SEED = 1;
const saturated = () => clusterOf("apf-saturation.yaml", SEED);
const ADMIN = { name: "admin", groups: [SYSTEM_PRIVILEGED_GROUP] };
const FLOOD = serviceAccountUser("telemetry", "agent");

test(`a system:masters request is served at once while workload-low is saturated (seed ${SEED})`, () => {
  const built = saturated();
  const admin = probe(built, GET_NODES, ADMIN, 300, 50);
  const flood = probe(built, LIST_PODS, FLOOD, 300, 200);
  built.sim.run({ until: 400 });
  assert.equal(admin.length, 50);
  assert.ok(
    admin.every((a) => a.status === 200),
    JSON.stringify(admin.filter((a) => a.status !== 200)),
  );
  assert.ok(
    Math.max(...admin.map((a) => a.latency)) < 0.1,
    `admin latencies ${admin.map((a) => a.latency)}`,
  );
  // Meanwhile the flood's own flow is being turned away.
  assert.ok(
    flood.some((a) => a.status === 429),
    "the saturated level rejects the flood's flow",
  );
});

test(`queue-full answers 429 with Retry-After from the level's tracker (seed ${SEED})`, () => {
  const built = saturated();
  const flood = probe(built, LIST_PODS, FLOOD, 300, 200);
  built.sim.run({ until: 400 });
  const rejected = flood.filter((a) => a.status === 429);
  assert.ok(rejected.length > 0);
  for (const answer of rejected) {
    assert.ok(
      Number.isInteger(answer.retryAfter) && answer.retryAfter >= 1 && answer.retryAfter <= 32,
      `Retry-After ${answer.retryAfter}`,
    );
  }
  // Many drops per second make the tracker raise Retry-After above its initial 1 s.
  assert.ok(
    Math.max(...rejected.map((a) => a.retryAfter)) > 1,
    "Retry-After grows under sustained drops",
  );
});
