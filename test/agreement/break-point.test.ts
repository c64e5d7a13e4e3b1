/**
 * Preflight and the simulator share one cost model, so they must agree on when the 2024-12-11
 * telemetry agent breaks a cluster: the simulator's break-point (the smallest cluster where an
 * apiserver is OOM-killed in a short run) lies between preflight's size for a synchronised start
 * (every instance LISTs at once) and its size in steady state (LISTs spread over the period).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runScenario } from "../../src/fleet/index.js";
import { DEFAULT_REPLAY, loadBuiltinScenario, type Scenario } from "../../src/scenario/index.js";
import {
  breakingNodeCount,
  DEFAULT_CONTROL_PLANE,
  type ApiCall,
  type Workload,
} from "../../src/preflight/index.js";
import { analyse, fixture, workloadNamed } from "../preflight/helpers.js";

const SEEDS = [1, 2, 3];
/** Long enough for every agent to have LISTed once (period 5 min, random phases). */
const RUN_SECONDS = 330;

const replay = loadBuiltinScenario(DEFAULT_REPLAY);
const largest = replay.clusters.reduce((a, b) => (b.nodes > a.nodes ? b : a));
const agent = largest.agents.find((a) => a.name === "telemetry");

/** One cluster of the replay's largest class, the agent running from the start, nothing else. */
function scenarioAt(nodes: number, podsPerNode: number, seed: number): Scenario {
  if (agent === undefined) throw new Error("the replay has no telemetry agent");
  return {
    ...replay,
    seed,
    durationSeconds: RUN_SECONDS,
    workloads: undefined,
    pipeline: undefined,
    calibration: [],
    clusters: [
      {
        ...largest,
        count: 1,
        nodes,
        podsPerNode,
        // Preflight judges the workload alone on an idle control plane.
        nodeLeases: false,
        agents: [{ ...agent, deployedBy: "start", startSeconds: 0, rolloutSeconds: 0 }],
      },
    ],
  };
}

function breaksInSimulator(nodes: number, podsPerNode: number, seed: number): boolean {
  const [cluster] = runScenario(scenarioAt(nodes, podsPerNode, seed)).clusters;
  return cluster.oomKills > 0;
}

/** The replay's agent as preflight sees it: the same calls, the same service account. */
function preflightAgent(): { workload: Workload; calls: ApiCall[] } {
  if (agent === undefined) throw new Error("the replay has no telemetry agent");
  const [, , namespace, serviceAccount] = agent.user.name.split(":");
  const base = workloadNamed(
    analyse([fixture("incident-telemetry.yaml")]),
    "control-plane-telemetry",
  );
  return {
    workload: { ...base.workload, namespace, serviceAccount, perNode: true },
    calls: agent.calls.map((c) => ({
      verb: c.verb === "watch" ? "watch" : c.verb === "get" ? "get" : "list",
      resource: c.resource,
      apiGroup: "",
      scope: c.scope,
      everySeconds: c.everySeconds,
      resourceVersion: c.resourceVersion,
      limit: c.limit,
      encoding: c.encoding,
    })),
  };
}

for (const podsPerNode of [10, 30]) {
  test(`the simulator's break-point for the 2024-12-11 agent at ${podsPerNode} pods/node lies between preflight's synchronised and steady sizes (seeds ${SEEDS.join(", ")})`, () => {
    const { workload, calls } = preflightAgent();
    const plane = {
      ...DEFAULT_CONTROL_PLANE,
      version: largest.kubernetesVersion,
      apiserverReplicas: largest.apiserver.replicas,
      podsPerNode,
    };
    const synchronised = breakingNodeCount(workload, calls, plane, "synchronised")?.nodes;
    const steady = breakingNodeCount(workload, calls, plane, "steady")?.nodes;
    assert.ok(synchronised !== undefined && steady !== undefined, `${synchronised}, ${steady}`);
    assert.ok(synchronised < steady, `synchronised ${synchronised} < steady ${steady}`);
    // Both ends on several seeds, then a bisection of the simulator between them on the first.
    for (const seed of SEEDS) {
      const context: string = `seed ${seed}, ${podsPerNode} pods/node, preflight ${synchronised}–${steady}`;
      assert.equal(
        breaksInSimulator(synchronised - 1, podsPerNode, seed),
        false,
        `${context}: the simulator broke at ${synchronised - 1}`,
      );
      assert.equal(
        breaksInSimulator(steady, podsPerNode, seed),
        true,
        `${context}: the simulator held at ${steady}`,
      );
    }
    const firstSeed = SEEDS[0];
    let holds = synchronised - 1;
    let breaks = steady;
    while (breaks - holds > Math.max(50, 0.05 * holds)) {
      const middle = Math.round((holds + breaks) / 2);
      if (breaksInSimulator(middle, podsPerNode, firstSeed)) breaks = middle;
      else holds = middle;
    }
    assert.ok(
      synchronised <= breaks && breaks <= steady,
      `seed ${firstSeed}, ${podsPerNode} pods/node: simulator breaks between ${holds} and ${breaks}, preflight ${synchronised}–${steady}`,
    );
  });
}
