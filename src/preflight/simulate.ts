/**
 * `--simulate`: one workload as an agent in a cluster of the given size, run by the simulator for
 * a short while, so its dynamic behaviour (queueing, 429s, OOM kills, relists) can be read beside
 * the static estimate. The simulator models pods, nodes and leases only; other calls are left
 * out and listed.
 */
import { stringify } from "yaml";
import { runScenario, type RunResult } from "../fleet/index.js";
import { formatDuration, parseScenario } from "../scenario/index.js";
import type { ControlPlane } from "./estimate.js";
import type { ApiCall, Workload } from "./types.js";

/** Resources the simulator's agents can call (src/scenario/schema.ts AgentCallSchema). */
export const SIMULATED_RESOURCES: ReadonlySet<string> = new Set(["pods", "nodes", "leases"]);

export interface SimulationSettings {
  /** Simulated time after the rollout starts. */
  durationSeconds: number;
  /** A DaemonSet's pods start spread evenly over this time. */
  rolloutSeconds: number;
  seed: number;
}

/** Assumed: long enough for a rollout and a few polling periods, short enough to run quickly. */
export const DEFAULT_SIMULATION: SimulationSettings = {
  durationSeconds: 600,
  rolloutSeconds: 120,
  seed: 1,
};

export interface SimulationPlan {
  /** The scenario as YAML, as `kubestorm run` would read it. */
  scenarioText: string;
  simulatedCalls: ApiCall[];
  skippedCalls: ApiCall[];
}

function dnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return label === "" ? "workload" : label;
}

export function planSimulation(
  workload: Workload,
  calls: readonly ApiCall[],
  plane: ControlPlane,
  settings: SimulationSettings = DEFAULT_SIMULATION,
  /** FlowSchemas and PriorityLevelConfigurations to add (a --fix-out fix). */
  flowControl: readonly unknown[] = [],
): SimulationPlan | undefined {
  const simulatedCalls = calls.filter((c) => SIMULATED_RESOURCES.has(c.resource)).slice(0, 20);
  const skippedCalls = calls.filter((c) => !simulatedCalls.includes(c));
  if (simulatedCalls.length === 0) return undefined;
  const agent = {
    name: dnsLabel(workload.name),
    serviceAccount: {
      namespace: dnsLabel(workload.namespace),
      name: dnsLabel(workload.serviceAccount),
    },
    perNode: workload.perNode,
    ...(workload.perNode ? {} : { replicas: Math.max(1, workload.replicas) }),
    start: "0s",
    rollout: formatDuration(settings.rolloutSeconds),
    calls: simulatedCalls.map((c) => ({
      verb: c.verb,
      resource: c.resource,
      // The simulator's "node" scope reads the caller's own objects: one Node, its pods.
      scope: c.scope === "named" ? "node" : c.scope,
      resourceVersion: c.resourceVersion,
      limit: c.limit,
      encoding: c.encoding,
      ...(c.verb === "watch" ? {} : { every: formatDuration(c.everySeconds ?? 60) }),
    })),
  };
  const scenario = {
    apiVersion: "kubestorm.dev/v1alpha1",
    kind: "Scenario",
    metadata: { name: dnsLabel(`preflight-${workload.name}`) },
    spec: {
      seed: settings.seed,
      duration: formatDuration(settings.durationSeconds),
      clusters: [
        {
          name: "preflight",
          nodes: plane.nodes,
          podsPerNode: plane.podsPerNode,
          kubernetesVersion: plane.version,
          apiserver: { replicas: plane.apiserverReplicas },
          ...(flowControl.length > 0 ? { flowControl } : {}),
          agents: [agent],
        },
      ],
    },
  };
  return { scenarioText: stringify(scenario), simulatedCalls, skippedCalls };
}

export function runSimulation(plan: SimulationPlan): RunResult {
  return runScenario(parseScenario(plan.scenarioText, "<preflight --simulate>"));
}
