/**
 * The apiservers and etcd of one cluster class with the model's defaults (docs/model.md): APF
 * configured from the version's bootstrap objects plus the scenario's, or max-inflight.
 */
import type { Simulation } from "../sim/index.js";
import type { StateChecker } from "../world/index.js";
import { apf, defaultFeatureGates, type FeatureGates } from "../k8s/index.js";
import { DEFAULT_COST_COEFFICIENTS } from "../k8s/cost/index.js";
import type { ClusterClass } from "../scenario/index.js";
import { Cluster, type ClusterObserver } from "../model/cluster.js";
import type { Admission, ReplicaConfig } from "../model/apiserver.js";
import { ApfAdmission, type ObjectCounts } from "../model/admission/apf.js";
import { MaxInflightAdmission } from "../model/admission/max-inflight.js";
import { CONTROL_PLANE_DEFAULTS } from "./control-plane-defaults.js";

export function buildControlPlane(
  sim: Simulation,
  spec: ClusterClass,
  instanceName: string,
  observer: ClusterObserver,
  checker?: StateChecker,
): Cluster {
  const d = CONTROL_PLANE_DEFAULTS;
  const featureGates: FeatureGates = {
    ...defaultFeatureGates(spec.kubernetesVersion),
    ...spec.apiserver.featureGates,
  };
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
      admissionFactory: admissionFactory(spec, featureGates, objects, checker),
      tickSeconds: d.tickSeconds,
      breakGlassReplica: spec.breakGlass,
      checker,
    },
    observer,
  );
  return cluster;
}

function admissionFactory(
  spec: ClusterClass,
  featureGates: FeatureGates,
  objects: ObjectCounts,
  checker: StateChecker | undefined,
): () => Admission {
  const { flowSchemas, priorityLevels } = flowControlObjects(spec);
  const server = spec.apiserver;
  return () =>
    server.apf
      ? new ApfAdmission(
          {
            version: spec.kubernetesVersion,
            featureGates,
            etcdSupportsRequestWatchProgress: true,
            flowSchemas,
            priorityLevels,
            serverConcurrencyLimit: server.maxRequestsInflight + server.maxMutatingRequestsInflight,
            requestTimeoutSeconds: server.requestTimeoutSeconds,
            checker,
          },
          objects,
        )
      : new MaxInflightAdmission(server.maxRequestsInflight, server.maxMutatingRequestsInflight);
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
