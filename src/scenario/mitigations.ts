/**
 * Mitigations as overlays on a scenario: each returns a changed copy, so a comparison runs the
 * as-happened scenario beside variants that differ in one thing (or in all of them together).
 * They act on the change the pipeline rolls out (spec.pipeline.change).
 */
import type { FlowControlObject } from "./flowcontrol-schema.js";
import type { Scenario } from "./load.js";
import type { Agent, ClusterClass } from "./resolve-cluster.js";

export interface Mitigation {
  id: string;
  title: string;
  /** What it changes, and which remedy or public question it answers. */
  description: string;
  /** False for variants that ask a question rather than fix something (left out of all-combined). */
  remedy: boolean;
  apply(scenario: Scenario): Scenario;
}

function copy(scenario: Scenario): Scenario {
  return structuredClone(scenario);
}

function changedAgents(
  scenario: Scenario,
  each: (agent: Agent, cluster: ClusterClass) => void,
): void {
  for (const cluster of scenario.clusters) {
    for (const agent of cluster.agents) {
      if (agent.name === scenario.pipeline?.change || agent.deployedBy === "pipeline") {
        each(agent, cluster);
      }
    }
  }
}

/** A priority level of its own for the agent's service account: 1 share, nothing borrowed. */
function boundedLevel(agent: Agent): FlowControlObject[] {
  const [, , namespace, name] = agent.user.name.split(":");
  return [
    {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1",
      kind: "PriorityLevelConfiguration",
      metadata: { name: `${agent.name}-bounded` },
      spec: {
        type: "Limited",
        limited: {
          nominalConcurrencyShares: 1,
          lendablePercent: 0,
          borrowingLimitPercent: 0,
          limitResponse: {
            type: "Queue",
            queuing: { queues: 16, handSize: 4, queueLengthLimit: 50 },
          },
        },
      },
    },
    {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1",
      kind: "FlowSchema",
      metadata: { name: `${agent.name}-bounded` },
      spec: {
        priorityLevelConfiguration: { name: `${agent.name}-bounded` },
        matchingPrecedence: 1000,
        distinguisherMethod: { type: "ByUser" },
        rules: [
          {
            subjects: [{ kind: "ServiceAccount", serviceAccount: { namespace, name } }],
            resourceRules: [
              {
                verbs: ["*"],
                apiGroups: ["*"],
                resources: ["*"],
                clusterScope: true,
                namespaces: ["*"],
              },
            ],
          },
        ],
      },
    },
  ] as FlowControlObject[];
}

export const MITIGATIONS: readonly Mitigation[] = [
  {
    id: "max-inflight-only",
    title: "APF off: --max-requests-inflight only",
    description:
      "Not a remedy but the public question: would the older max-inflight limits (400 read-only, 200 mutating per apiserver) have protected the apiservers?",
    remedy: false,
    apply: (scenario) => {
      const next = copy(scenario);
      for (const cluster of next.clusters) cluster.apiserver.apf = false;
      return next;
    },
  },
  {
    id: "apf-bounded-level",
    title: "APF: agent in its own bounded priority level",
    description:
      "A FlowSchema puts the agent's service account in a PriorityLevelConfiguration of 1 share that lends and borrows nothing (the public question: why did APF not protect the apiservers?).",
    remedy: true,
    apply: (scenario) => {
      const next = copy(scenario);
      changedAgents(next, (agent, cluster) => cluster.flowControl.push(...boundedLevel(agent)));
      return next;
    },
  },
  {
    id: "k8s-1.34",
    title: "Kubernetes 1.34 defaults",
    description:
      "Every cluster on 1.34: LIST cost estimated by size, consistent reads served from the watch cache, streaming list encoding.",
    remedy: true,
    apply: (scenario) => {
      const next = copy(scenario);
      for (const cluster of next.clusters) cluster.kubernetesVersion = "1.34";
      return next;
    },
  },
  {
    id: "node-scoped-cache",
    title: "Agent lists its own node's pods from the watch cache",
    description:
      'The agent\'s LIST gets fieldSelector spec.nodeName=$(NODE_NAME) and resourceVersion "0": O(1) per node, served from the watch cache.',
    remedy: true,
    apply: (scenario) => {
      const next = copy(scenario);
      changedAgents(next, (agent) => {
        for (const call of agent.calls) {
          if (call.resource === "pods" && (call.verb === "list" || call.verb === "watch")) {
            call.scope = "node";
            call.resourceVersion = "0";
          }
        }
      });
      return next;
    },
  },
  {
    id: "serve-stale-dns",
    title: "DNS: serve_stale and NodeLocal DNSCache",
    description:
      "CoreDNS's cache answers expired entries for up to 1 h when upstream fails, and every node runs NodeLocal DNSCache with serve_stale (remedy 4: decouple the data plane from the control plane).",
    remedy: true,
    apply: (scenario) => {
      const next = copy(scenario);
      const serveStale = { mode: "immediate" as const, durationSeconds: 3600 };
      for (const cluster of next.clusters) {
        cluster.dns = {
          ...cluster.dns,
          cache: { ...cluster.dns.cache, serveStale },
          nodeLocal: { enabled: true, cache: { serveStale } },
        };
      }
      return next;
    },
  },
  {
    id: "gated-rollout",
    title: "Phased rollout gated on control-plane health",
    description:
      "The pipeline checks every changed cluster's apiserver p99 (≤ 1 s), 429s and /readyz at the end of each bake, halts on a failure and rolls back (remedy 1).",
    remedy: true,
    apply: (scenario) => {
      const next = copy(scenario);
      if (next.pipeline !== undefined) {
        next.pipeline.gates = [
          {
            kind: "control-plane",
            maxApiserverP99Seconds: 1,
            max429PerSecond: 1,
            requireReadyz: true,
          },
        ];
        next.pipeline.rollbackOnGateFailure = true;
      }
      return next;
    },
  },
  {
    id: "break-glass",
    title: "Break-glass access",
    description:
      "Every cluster keeps a reserved apiserver replica outside the load balancer for operators (remedy 3; the public question: is break-glass just APF's exempt level?).",
    remedy: true,
    apply: (scenario) => {
      const next = copy(scenario);
      for (const cluster of next.clusters) cluster.breakGlass = true;
      return next;
    },
  },
  {
    id: "client-backoff",
    title: "Agent backs off exponentially",
    description:
      "The agent retries failures after an exponential backoff (1 s doubling to 5 min) instead of client-go's immediate Retry-After retries.",
    remedy: true,
    apply: (scenario) => {
      const next = copy(scenario);
      changedAgents(next, (agent) => {
        for (const call of agent.calls) call.retry = "backoff";
      });
      return next;
    },
  },
  {
    id: "cached-recovery",
    title: "Recovery with caching and rate limits",
    description:
      "Downloads at start-up go through a node-local cache (90% hits) and an adaptive rate limiter (remedy 5).",
    remedy: true,
    apply: (scenario) => {
      const next = copy(scenario);
      for (const source of next.workloads?.sources ?? []) {
        source.limiter = { adaptive: true };
        source.cache = { hitRatio: 0.9, bytesPerSecond: undefined };
      }
      return next;
    },
  },
];

export const ALL_COMBINED = "all-combined";

export function mitigationById(id: string): Mitigation | undefined {
  return MITIGATIONS.find((m) => m.id === id);
}

/** Applies mitigations in order; "all-combined" applies every one. */
export function applyMitigations(scenario: Scenario, ids: readonly string[]): Scenario {
  const chosen = ids.includes(ALL_COMBINED)
    ? MITIGATIONS.filter((m) => m.remedy).map((m) => m.id)
    : ids;
  return chosen.reduce((next, id) => {
    const mitigation = mitigationById(id);
    if (mitigation === undefined) {
      throw new RangeError(
        `unknown mitigation ${JSON.stringify(id)}; known: ${[...MITIGATIONS.map((m) => m.id), ALL_COMBINED].join(", ")}`,
      );
    }
    return mitigation.apply(next);
  }, scenario);
}
