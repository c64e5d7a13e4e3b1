/**
 * Builds one simulated cluster from a scenario's cluster class: the control plane with the
 * model's defaults (docs/model.md), APF configured from the version's bootstrap objects plus
 * the scenario's, kubelets renewing their leases, and the agents the scenario declares.
 */
import type { Simulation } from "../sim/index.js";
import {
  apf,
  defaultFeatureGates,
  NODES_GROUP,
  type FeatureGates,
  type KubernetesVersion,
} from "../k8s/index.js";
import { DEFAULT_COST_COEFFICIENTS } from "../k8s/cost/index.js";
import type { ClusterClass, AgentCall } from "../scenario/index.js";
import { OBJECT_BYTES } from "../scenario/cluster-sizing.js";
import { Cluster, type ClusterObserver } from "../model/cluster.js";
import type { ReplicaConfig } from "../model/apiserver.js";
import { ApfAdmission, type ObjectCounts } from "../model/admission/apf.js";
import { MaxInflightAdmission } from "../model/admission/max-inflight.js";
import { PeriodicCallers, type RetryPolicy } from "../model/clients/periodic-callers.js";
import { Informers } from "../model/clients/informers.js";
import type { RequestTemplate } from "../model/request.js";
import { DaemonSetRollout, type DaemonSetTiming } from "../model/daemonset.js";

const GiB = 2 ** 30;

/** Control-plane defaults; each is listed with its source in docs/model.md. */
export const CONTROL_PLANE_DEFAULTS = {
  apiserverCpuCores: 32,
  apiserverMemoryBytes: 64 * GiB,
  etcdCpuCores: 8,
  etcdQuotaBytes: 2 * GiB,
  etcdCompactionIntervalSeconds: 300,
  etcdBaseMemoryBytes: 0.5 * GiB,
  objectBytes: OBJECT_BYTES,
  replica: {
    baseMemoryBytes: 1 * GiB,
    watchCacheMemoryPerStoredByte: 2,
    restartBackoffInitialSeconds: 10,
    restartBackoffMaxSeconds: 300,
    restartBackoffResetSeconds: 600,
    startupSeconds: 20,
  },
  leaseRenewalSeconds: 10,
  /** Above this many nodes, one simulated renewal stands for a group of nodes (docs/model.md). */
  maxLeaseRenewers: 100,
  kubeletQps: 50,
  kubeletBurst: 100,
  leaseRetry: { kind: "backoff", initialSeconds: 0.2, maxSeconds: 7, factor: 2 } as RetryPolicy,
  tickSeconds: 10,
  clientGoMaxRetries: 10,
  tightLoopRetrySeconds: 0.1,
  /** An agent's own exponential backoff (the `backoff` retry choice; assumed, docs/model.md). */
  agentBackoff: { initialSeconds: 1, maxSeconds: 300, factor: 2 },
  daemonSet: {
    controllerQps: 20,
    controllerBurst: 30,
    schedulerQps: 50,
    schedulerBurst: 100,
    burstReplicas: 250,
    slowStartInitialBatch: 1,
    syncBackoffInitialSeconds: 0.005,
    syncBackoffMaxSeconds: 1000,
    kubeletNoticeSeconds: 1,
    imagePullMedianSeconds: 15,
    imagePullSigma: 0.5,
    containerStartSeconds: 2,
    terminationSeconds: 2,
  } satisfies DaemonSetTiming,
} as const;

export interface BuiltCluster {
  cluster: Cluster;
  leases: PeriodicCallers | undefined;
  /** Nodes each member of `leases` stands for: member m renews nodes [m*g, (m+1)*g). */
  leaseGroup: number;
  agents: PeriodicCallers[];
  informers: Informers[];
  /** Agents the deploy pipeline rolls out, by agent name: their DaemonSet in this cluster. */
  rollouts: Map<string, DaemonSetRollout>;
}

/** What the data plane hears from the control-plane clients. */
export interface BuildHooks {
  /** Member m of the kubelet lease population (nodes [m*g, (m+1)*g)) renewed or failed. */
  onLeaseOutcome?: (member: number, ok: boolean) => void;
}

export function buildCluster(
  sim: Simulation,
  spec: ClusterClass,
  instanceName: string,
  observer: ClusterObserver,
  hooks: BuildHooks = {},
): BuiltCluster {
  const d = CONTROL_PLANE_DEFAULTS;
  const featureGates: FeatureGates = {
    ...defaultFeatureGates(spec.kubernetesVersion),
    ...spec.apiserver.featureGates,
  };
  const { flowSchemas, priorityLevels } = flowControlObjects(spec);
  const replica: ReplicaConfig = {
    ...d.replica,
    cpuCores: spec.apiserver.cpuCores ?? d.apiserverCpuCores,
    memoryLimitBytes: spec.apiserver.memoryBytes ?? d.apiserverMemoryBytes,
  };
  // Admissions read the cluster's object counts when requests arrive, after it is built.
  const objects: ObjectCounts = {
    stats: (resource: string) => {
      const stats = cluster.resources.get(resource);
      return stats === undefined
        ? undefined
        : { objectCount: stats.count, averageObjectSizeBytes: stats.averageBytes };
    },
    watchers: (resource: string) => cluster.resources.get(resource)?.watchers ?? 0,
  };
  const cluster: Cluster = new Cluster(
    sim,
    {
      name: instanceName,
      nodes: spec.nodes,
      podsPerNode: spec.podsPerNode,
      version: spec.kubernetesVersion,
      featureGates,
      etcdSupportsRequestWatchProgress: true,
      requestTimeoutSeconds: spec.apiserver.requestTimeoutSeconds,
      replicas: spec.apiserver.replicas,
      replica,
      etcd: {
        serviceUnits: spec.etcd.cpuCores ?? d.etcdCpuCores,
        quotaBytes: spec.etcd.quotaBytes ?? d.etcdQuotaBytes,
        compactionIntervalSeconds: d.etcdCompactionIntervalSeconds,
        baseMemoryBytes: d.etcdBaseMemoryBytes,
      },
      objectBytes: d.objectBytes,
      coefficients: DEFAULT_COST_COEFFICIENTS,
      admissionFactory: () =>
        spec.apiserver.apf
          ? new ApfAdmission(
              {
                version: spec.kubernetesVersion,
                featureGates,
                etcdSupportsRequestWatchProgress: true,
                flowSchemas,
                priorityLevels,
                serverConcurrencyLimit:
                  spec.apiserver.maxRequestsInflight + spec.apiserver.maxMutatingRequestsInflight,
                requestTimeoutSeconds: spec.apiserver.requestTimeoutSeconds,
              },
              objects,
            )
          : new MaxInflightAdmission(
              spec.apiserver.maxRequestsInflight,
              spec.apiserver.maxMutatingRequestsInflight,
            ),
      tickSeconds: d.tickSeconds,
      breakGlassReplica: spec.breakGlass,
    },
    observer,
  );

  const leaseGroup = Math.ceil(spec.nodes / d.maxLeaseRenewers);
  const leases = spec.nodeLeases
    ? new PeriodicCallers(
        sim,
        {
          name: `${instanceName}/kubelet-lease`,
          members: Math.ceil(spec.nodes / leaseGroup),
          template: {
            batch: leaseGroup,
            name: "kubelet update lease",
            verb: "update",
            resource: "leases",
            apiGroup: "coordination.k8s.io",
            scope: "namespace",
            options: {},
            encoding: "protobuf",
            mutating: true,
          },
          userOf: (node) => ({
            name: `system:node:node-${node}`,
            groups: [NODES_GROUP, "system:authenticated"],
          }),
          periodSeconds: d.leaseRenewalSeconds,
          startOf: () => 0,
          qps: d.kubeletQps,
          burst: d.kubeletBurst,
          retry: d.leaseRetry,
          onOutcome: hooks.onLeaseOutcome,
        },
        cluster,
      )
    : undefined;

  const agents: PeriodicCallers[] = [];
  const informers: Informers[] = [];
  const rollouts = new Map<string, DaemonSetRollout>();
  for (const agent of spec.agents) {
    const members = agent.perNode ? spec.nodes : agent.replicas;
    const byPipeline = agent.deployedBy === "pipeline";
    // A timed rollout starts members evenly over its duration; the pipeline's waits for pods.
    const startOf = byPipeline
      ? () => Infinity
      : (member: number) =>
          agent.startSeconds + (members > 1 ? (agent.rolloutSeconds * member) / members : 0);
    const populations: (PeriodicCallers | Informers)[] = [];
    agent.calls.forEach((call, index) => {
      const name = `${instanceName}/${agent.name}/${index}`;
      if (call.verb === "watch") {
        const population = new Informers(sim, cluster, {
          name,
          members,
          list: {
            ...callTemplate(agent.name, { ...call, verb: "list" }),
            name: `${callTemplate(agent.name, { ...call, verb: "list" }).name} (informer)`,
          },
          watch: callTemplate(agent.name, call),
          userOf: () => agent.user,
          startOf,
          qps: call.qps,
          burst: call.burst,
          version: spec.kubernetesVersion,
          maxRetries: call.retry === "none" ? 0 : d.clientGoMaxRetries,
        });
        informers.push(population);
        populations.push(population);
        return;
      }
      const population = new PeriodicCallers(
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
      agents.push(population);
      populations.push(population);
    });
    if (byPipeline) {
      const rollout = new DaemonSetRollout(
        sim,
        {
          name: `${instanceName}/${agent.name}`,
          namespace: agent.user.name.split(":")[2] ?? "default",
          nodes: members,
          version: spec.kubernetesVersion,
          timing: d.daemonSet,
          maxRetries: d.clientGoMaxRetries,
        },
        cluster,
      );
      rollout.onPodStarted.push((member) => populations.forEach((p) => p.startMember(member)));
      rollout.onPodStopped.push((member) => populations.forEach((p) => p.stopMember(member)));
      rollouts.set(agent.name, rollout);
    }
  }
  return { cluster, leases, leaseGroup, agents, informers, rollouts };
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

/** The version's bootstrap objects, with the scenario's added or replacing same-name ones. */
function flowControlObjects(spec: ClusterClass): {
  flowSchemas: apf.FlowSchema[];
  priorityLevels: apf.PriorityLevelConfiguration[];
} {
  const bootstrap = apf.bootstrapConfiguration(spec.kubernetesVersion);
  const flowSchemas = new Map(bootstrap.flowSchemas.map((o) => [o.metadata.name, o]));
  const priorityLevels = new Map(
    bootstrap.priorityLevelConfigurations.map((o) => [o.metadata.name, o]),
  );
  for (const object of spec.flowControl) {
    if (object.kind === "FlowSchema") flowSchemas.set(object.metadata.name, object);
    else priorityLevels.set(object.metadata.name, object as apf.PriorityLevelConfiguration);
  }
  return { flowSchemas: [...flowSchemas.values()], priorityLevels: [...priorityLevels.values()] };
}
