/**
 * The scenario's agents in one cluster: for each of its calls a population of identical
 * clients (periodic callers, or informers for watches), and for an agent the pipeline rolls out
 * its DaemonSet, whose pods start and stop the populations' members.
 */
import type { Simulation } from "../sim/index.js";
import type { KubernetesVersion } from "../k8s/index.js";
import type { Agent, AgentCall, ClusterClass } from "../scenario/index.js";
import type { Cluster } from "../model/cluster.js";
import { PeriodicCallers, type RetryPolicy } from "../model/clients/periodic-callers.js";
import { Informers } from "../model/clients/informers.js";
import type { RequestTemplate } from "../model/request.js";
import { DaemonSetRollout } from "../model/daemonset.js";
import { CONTROL_PLANE_DEFAULTS } from "./control-plane-defaults.js";

export interface BuiltAgents {
  agents: PeriodicCallers[];
  informers: Informers[];
  /** Agents the deploy pipeline rolls out, by agent name: their DaemonSet in this cluster. */
  rollouts: Map<string, DaemonSetRollout>;
}

export function buildAgents(
  sim: Simulation,
  spec: ClusterClass,
  instanceName: string,
  cluster: Cluster,
): BuiltAgents {
  const built: BuiltAgents = { agents: [], informers: [], rollouts: new Map() };
  for (const agent of spec.agents) {
    const members = agent.perNode ? spec.nodes : agent.replicas;
    const byPipeline = agent.deployedBy === "pipeline";
    // A timed rollout starts members evenly over its duration; the pipeline's waits for pods.
    const startOf = byPipeline
      ? () => Infinity
      : (member: number) =>
          agent.startSeconds + (members > 1 ? (agent.rolloutSeconds * member) / members : 0);
    const populations = agent.calls.map((call, index) =>
      population(sim, spec, cluster, agent, call, {
        name: `${instanceName}/${agent.name}/${index}`,
        members,
        startOf,
        built,
      }),
    );
    if (byPipeline) {
      built.rollouts.set(
        agent.name,
        daemonSet(sim, spec, cluster, `${instanceName}/${agent.name}`, agent, members, populations),
      );
    }
  }
  return built;
}

function population(
  sim: Simulation,
  spec: ClusterClass,
  cluster: Cluster,
  agent: Agent,
  call: AgentCall,
  at: { name: string; members: number; startOf: (member: number) => number; built: BuiltAgents },
): PeriodicCallers | Informers {
  const { name, members, startOf, built } = at;
  if (call.verb === "watch") {
    const list = callTemplate(agent.name, { ...call, verb: "list" });
    const informers = new Informers(sim, cluster, {
      name,
      members,
      list: { ...list, name: `${list.name} (informer)` },
      watch: callTemplate(agent.name, call),
      userOf: () => agent.user,
      startOf,
      qps: call.qps,
      burst: call.burst,
      version: spec.kubernetesVersion,
      maxRetries: call.retry === "none" ? 0 : CONTROL_PLANE_DEFAULTS.clientGoMaxRetries,
    });
    built.informers.push(informers);
    return informers;
  }
  const callers = new PeriodicCallers(
    sim,
    {
      name,
      members,
      template: callTemplate(agent.name, call),
      userOf: () => agent.user,
      periodSeconds: call.everySeconds,
      startOf,
      qps: call.qps,
      burst: call.burst,
      retry: retryPolicy(call, spec.kubernetesVersion),
    },
    cluster,
  );
  built.agents.push(callers);
  return callers;
}

function daemonSet(
  sim: Simulation,
  spec: ClusterClass,
  cluster: Cluster,
  name: string,
  agent: Agent,
  nodes: number,
  populations: (PeriodicCallers | Informers)[],
): DaemonSetRollout {
  const d = CONTROL_PLANE_DEFAULTS;
  const rollout = new DaemonSetRollout(
    sim,
    {
      name,
      namespace: agent.user.name.split(":")[2] ?? "default",
      nodes,
      version: spec.kubernetesVersion,
      timing: d.daemonSet,
      maxRetries: d.clientGoMaxRetries,
    },
    cluster,
  );
  // A node added beyond the starting size has a member past the populations' end.
  rollout.onPodStarted.push((member) =>
    populations.forEach((p) => {
      p.ensureMembers(member + 1);
      p.startMember(member);
    }),
  );
  rollout.onPodStopped.push((member) => populations.forEach((p) => p.stopMember(member)));
  return rollout;
}

function callTemplate(agentName: string, call: AgentCall): RequestTemplate {
  const mutating = call.verb !== "get" && call.verb !== "list" && call.verb !== "watch";
  return {
    name: `${agentName} ${call.verb} ${call.resource}${call.scope === "node" ? " (node)" : ""}`,
    verb: call.verb,
    resource: call.resource,
    apiGroup: call.resource === "leases" ? "coordination.k8s.io" : "",
    scope: call.scope,
    options: {
      resourceVersion: call.resourceVersion,
      limit: call.limit,
      hasSelector: call.scope === "node",
    },
    encoding: call.encoding,
    mutating,
  };
}

function retryPolicy(call: AgentCall, version: KubernetesVersion): RetryPolicy {
  const d = CONTROL_PLANE_DEFAULTS;
  switch (call.retry) {
    case "client-go":
      return { kind: "client-go", maxRetries: d.clientGoMaxRetries, version };
    case "tight-loop":
      return { kind: "tight-loop", delaySeconds: d.tightLoopRetrySeconds };
    case "backoff":
      return { kind: "backoff", ...d.agentBackoff };
    case "none":
      return { kind: "client-go", maxRetries: 0, version };
  }
}
