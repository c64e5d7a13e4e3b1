/**
 * Whole, valid scenarios drawn from a seed, for swarm testing: cluster sizes, versions, APF
 * settings, apiserver memory, agents and their calls, a deploy pipeline, workloads with DNS and
 * operators, and a random set of the built-in mitigations. Small enough that hundreds run in
 * minutes; varied enough to reach OOM kills, restarts, rejections, node loss and recovery.
 * The document goes through the same parser and validation as a user's file.
 */
import { stringify } from "yaml";
import { RandomStream } from "../sim/index.js";
import { parseScenario, type Scenario } from "./load.js";
import { KUBERNETES_VERSIONS } from "./schema.js";
import { applyMitigations, MITIGATIONS } from "./mitigations.js";

export interface SwarmScenario {
  seed: number;
  /** The scenario file, as a user could save and `kubestorm run` it. */
  yaml: string;
  /** Mitigations applied on top of the file (`kubestorm run --compare` would apply the same). */
  mitigations: string[];
  scenario: Scenario;
}

type Json = Record<string, unknown>;

function pick<T>(random: RandomStream, items: readonly T[]): T {
  return items[random.integer(0, items.length - 1)];
}

function agentCall(random: RandomStream): Json {
  const verb = pick(random, ["list", "list", "watch", "get"] as const);
  const call: Json = {
    verb,
    resource: pick(random, ["pods", "pods", "nodes", "leases"] as const),
    scope: pick(random, ["cluster", "node", "namespace"] as const),
    resourceVersion: pick(random, ["", "0"] as const),
    encoding: pick(random, ["json", "protobuf"] as const),
    retry: pick(random, ["client-go", "tight-loop", "backoff", "none"] as const),
  };
  if (verb !== "watch") call.every = `${pick(random, [15, 30, 60, 300])}s`;
  if (verb === "list" && random.bernoulli(0.3)) call.limit = pick(random, [100, 500]);
  if (random.bernoulli(0.3)) {
    call.qps = pick(random, [1, 5, 50]);
    call.burst = pick(random, [1, 10, 100]);
  }
  return call;
}

function agent(random: RandomStream, name: string, byPipeline: boolean): Json {
  const calls = Array.from({ length: random.integer(1, 3) }, () => agentCall(random));
  const perNode = byPipeline || random.bernoulli(0.7);
  return {
    name,
    serviceAccount: { namespace: pick(random, ["telemetry", "kube-system", "monitoring"]), name },
    perNode,
    ...(perNode ? {} : { replicas: random.integer(1, 50) }),
    ...(byPipeline
      ? { deployedBy: "pipeline" }
      : { start: `${random.integer(0, 300)}s`, rollout: `${random.integer(0, 600)}s` }),
    calls,
  };
}

function clusterClass(random: RandomStream, index: number, change: Json | undefined): Json {
  const agents: Json[] = [];
  if (change !== undefined) agents.push(change);
  if (random.bernoulli(0.6)) agents.push(agent(random, `agent-${index}`, false));
  return {
    name: `class-${index}`,
    count: random.integer(1, 3),
    nodes: pick(random, [10, 50, 100, 300, 800]),
    podsPerNode: pick(random, [5, 20, 40, 60]),
    kubernetesVersion: pick(random, KUBERNETES_VERSIONS),
    apiserver: {
      replicas: random.integer(1, 3),
      cpu: pick(random, [4, 16, 32]),
      memory: pick(random, ["2Gi", "4Gi", "8Gi", "64Gi"]),
      apf: random.bernoulli(0.8),
      ...(random.bernoulli(0.2) ? { requestTimeout: "30s" } : {}),
    },
    ...(random.bernoulli(0.3) ? { etcd: { quota: pick(random, ["512Mi", "2Gi", "8Gi"]) } } : {}),
    nodeLeases: random.bernoulli(0.8),
    zones: random.integer(1, 3),
    breakGlass: random.bernoulli(0.3),
    agents,
  };
}

function workloads(random: RandomStream): Json {
  return {
    services: [
      { name: "frontend", replicasPerNode: 0.05, dependsOn: ["backend"] },
      {
        name: "backend",
        replicasPerNode: pick(random, [0.2, 1]),
        dependsOn: ["auth"],
        ...(random.bernoulli(0.5) ? { downloads: [{ source: "store", size: "1Gi" }] } : {}),
      },
      { name: "auth", replicasPerNode: 0.02 },
    ],
    products: [{ name: "app", entryServices: ["frontend"], requestsPerSecondPerNode: 1 }],
    sources: [{ name: "store", bandwidth: pick(random, ["500M", "2G"]) }],
  };
}

/** The scenario document of a seed: the same seed, the same document. */
export function swarmDocument(seed: number): { document: Json; mitigations: string[] } {
  const random = new RandomStream(seed, "swarm/scenario");
  const withPipeline = random.bernoulli(0.5);
  const change = withPipeline ? agent(random, "change", true) : undefined;
  const classes = Array.from({ length: random.integer(1, 3) }, (_, i) =>
    clusterClass(random, i, change),
  );
  const spec: Json = {
    seed,
    duration: `${pick(random, [5, 10, 20, 30])}m`,
    limits: { maxEvents: 20_000_000 },
    clusters: classes,
  };
  if (withPipeline) {
    spec.pipeline = {
      change: "change",
      start: `${random.integer(0, 120)}s`,
      bake: `${pick(random, [60, 300])}s`,
      waves: classes.map((c) => ({ clusters: { [c.name as string]: "all" } })),
      ...(random.bernoulli(0.3)
        ? { gates: [{ kind: "control-plane", maxApiserverP99: "1s" }] }
        : {}),
    };
  }
  if (random.bernoulli(0.5)) {
    spec.workloads = workloads(random);
    if (random.bernoulli(0.5)) spec.dns = { restartsPerReplicaPerHour: pick(random, [0.5, 4]) };
    spec.operators = { enabled: random.bernoulli(0.7) };
  }
  const mitigations = MITIGATIONS.map((m) => m.id).filter(() => random.bernoulli(0.15));
  const document = {
    apiVersion: "kubestorm.dev/v1alpha1",
    kind: "Scenario",
    metadata: { name: `swarm-${seed}`, description: `Drawn by kubestorm swarm from seed ${seed}.` },
    spec,
  };
  return { document, mitigations };
}

/** A whole valid scenario drawn from `seed`, parsed and validated like a user's file. */
export function swarmScenario(seed: number): SwarmScenario {
  const { document, mitigations } = swarmDocument(seed);
  const yaml = stringify(document);
  const parsed = parseScenario(yaml, `swarm-${seed}.yaml`);
  return { seed, yaml, mitigations, scenario: applyMitigations(parsed, mitigations) };
}
