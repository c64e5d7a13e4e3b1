/**
 * The load a workload puts on the control plane at a cluster size, from the simulator's own cost
 * model (src/k8s/cost), APF classification and concurrency (src/k8s/apf) and work estimator. The
 * workload is considered alone on an otherwise idle control plane; docs/preflight.md gives the
 * method and its assumptions.
 */
import { CONTROL_PLANE_DEFAULTS } from "../fleet/build-cluster.js";
import { DEFAULT_EGRESS_BYTES_PER_SECOND } from "../model/apiserver.js";
import { apf, defaultFeatureGates, serviceAccountUser } from "../k8s/index.js";
import {
  DEFAULT_COST_COEFFICIENTS,
  getCost,
  listCost,
  type ServerProfile,
} from "../k8s/cost/index.js";
import { MIN_WATCH_TIMEOUT_SECONDS } from "../k8s/client-go/reflector.js";
import { ASSUMED_NAMESPACES, objectCount, resourceProfile, scalesWithNodes } from "./inventory.js";
import type { ApiCall, Workload } from "./types.js";

import type {
  CallEstimate,
  ControlPlane,
  LevelShare,
  Overload,
  ScalingClass,
  WorkloadEstimate,
} from "./estimate-types.js";

export type {
  CallEstimate,
  ControlPlane,
  LevelShare,
  Overload,
  ScalingClass,
  WorkloadEstimate,
} from "./estimate-types.js";

const GiB = 2 ** 30;

export const DEFAULT_CONTROL_PLANE: ControlPlane = {
  nodes: 5000,
  podsPerNode: 30,
  version: "1.34",
  apiserverReplicas: 3,
  serverConcurrencyLimit: apf.serverConcurrencyLimit(),
  apiserverMemoryBytes: CONTROL_PLANE_DEFAULTS.apiserverMemoryBytes,
  apiserverCpuCores: CONTROL_PLANE_DEFAULTS.apiserverCpuCores,
  apiserverEgressBytesPerSecond: DEFAULT_EGRESS_BYTES_PER_SECOND,
  etcdCpuCores: CONTROL_PLANE_DEFAULTS.etcdCpuCores,
  flowSchemas: [],
  priorityLevels: [],
};

/** Mean watch lifetime: client-go picks a timeout uniformly in [5, 10) min, then re-watches. */
export const MEAN_WATCH_SECONDS = MIN_WATCH_TIMEOUT_SECONDS * 1.5;

export function instancesOf(workload: Workload, nodes: number): number {
  return workload.perNode ? nodes : workload.replicas;
}

function serverProfile(plane: ControlPlane): ServerProfile {
  return {
    version: plane.version,
    featureGates: defaultFeatureGates(plane.version),
    storage: { etcdSupportsRequestWatchProgress: true },
    coefficients: DEFAULT_COST_COEFFICIENTS,
  };
}

type ApfSetup = {
  configuration: apf.ApfConfiguration;
  limits: Map<string, apf.PriorityLevelConcurrency>;
};

/**
 * Digested configurations by the input's flow-control objects, then version and seats: a run
 * estimates thousands of (workload, size) pairs against the same few configurations.
 */
const apfCache = new WeakMap<readonly apf.FlowSchema[], Map<string, ApfSetup>>();

function apfConfiguration(plane: ControlPlane): ApfSetup {
  let byPlane = apfCache.get(plane.flowSchemas);
  if (byPlane === undefined) {
    byPlane = new Map();
    apfCache.set(plane.flowSchemas, byPlane);
  }
  // The levels array is part of the key through its identity: one index per array seen.
  const key = `${plane.version}|${plane.serverConcurrencyLimit}|${levelArrayId(plane.priorityLevels)}`;
  let setup = byPlane.get(key);
  if (setup === undefined) {
    setup = buildApfConfiguration(plane);
    byPlane.set(key, setup);
  }
  return setup;
}

const levelArrayIds = new WeakMap<readonly apf.PriorityLevelConfiguration[], number>();
function levelArrayId(levels: readonly apf.PriorityLevelConfiguration[]): number {
  let id = levelArrayIds.get(levels);
  if (id === undefined) {
    id = nextLevelArrayId++;
    levelArrayIds.set(levels, id);
  }
  return id;
}
let nextLevelArrayId = 0;

/** The version's bootstrap objects, with same-named input objects replacing them. */
function buildApfConfiguration(plane: ControlPlane): ApfSetup {
  const bootstrap = apf.bootstrapConfiguration(plane.version);
  const replace = <T extends { metadata: { name: string } }>(
    base: T[],
    extra: readonly T[],
  ): T[] => {
    const names = new Set(extra.map((o) => o.metadata.name));
    return [...base.filter((o) => !names.has(o.metadata.name)), ...extra];
  };
  const levels = replace(bootstrap.priorityLevelConfigurations, plane.priorityLevels);
  const schemas = replace(bootstrap.flowSchemas, plane.flowSchemas);
  return {
    configuration: apf.digestConfiguration(schemas, levels),
    limits: apf.computeConcurrencyLimits(levels, plane.serverConcurrencyLimit),
  };
}

/** Classifies one call of `workload` under the plane's APF configuration. */
function levelOf(
  workload: Workload,
  call: ApiCall,
  config: ReturnType<typeof apfConfiguration>,
  replicas: number,
): LevelShare {
  const scoped = call.scope === "namespace";
  const classification = apf.classifyRequest(config.configuration, {
    user: serviceAccountUser(workload.namespace, workload.serviceAccount),
    requestInfo: {
      isResourceRequest: true,
      verb: call.verb,
      apiGroup: call.apiGroup,
      namespace: scoped ? workload.namespace : "",
      resource: call.resource,
    },
  });
  const name = classification.priorityLevel.metadata.name;
  const limits = config.limits.get(name);
  if (limits === undefined || classification.isExempt) {
    return {
      flowSchema: classification.flowSchema.metadata.name,
      priorityLevel: name,
      exempt: true,
      nominalSeats: Infinity,
      reachableSeats: Infinity,
      maxSeatsPerRequest: 0,
    };
  }
  let lendable = 0;
  for (const other of config.limits.values()) if (other.name !== name) lendable += other.lendableCL;
  return {
    flowSchema: classification.flowSchema.metadata.name,
    priorityLevel: name,
    exempt: false,
    nominalSeats: limits.nominalCL * replicas,
    reachableSeats: Math.min(limits.maxCL, limits.nominalCL + lendable) * replicas,
    maxSeatsPerRequest: limits.maxSeats,
  };
}

function matchingObjects(call: ApiCall, plane: ControlPlane): { stored: number; matching: number } {
  const total = objectCount(call.resource, plane.nodes, plane.podsPerNode);
  switch (call.scope) {
    case "cluster":
      return { stored: total, matching: total };
    case "namespace": {
      const inNamespace = Math.ceil(total / ASSUMED_NAMESPACES);
      return { stored: inNamespace, matching: inNamespace };
    }
    case "node": {
      const perNode = Math.ceil(total / Math.max(1, plane.nodes));
      return { stored: total, matching: call.resource === "nodes" ? 1 : perNode };
    }
    case "named":
      return { stored: total, matching: 1 };
  }
}

function scalingOf(workload: Workload, call: ApiCall): ScalingClass {
  const instances = workload.perNode ? 1 : 0;
  const objects =
    (call.scope === "cluster" || call.scope === "namespace") && scalesWithNodes(call.resource)
      ? 1
      : 0;
  return (["O(1)", "O(N)", "O(N^2)"] as const)[instances + objects];
}

/**
 * What an estimate depends on besides the calls and the instance count: the priority level
 * each call lands in. Workloads that agree on all three have the same estimate, whatever
 * their names or accounts.
 */
export function estimateKey(
  workload: Workload,
  calls: readonly ApiCall[],
  plane: ControlPlane,
): string {
  const config = apfConfiguration(plane);
  const levels = calls.map((call) => {
    const level = levelOf(workload, call, config, plane.apiserverReplicas);
    return `${level.flowSchema}/${level.priorityLevel}`;
  });
  return JSON.stringify([workload.perNode, workload.replicas, calls, levels]);
}

export function estimateCall(
  workload: Workload,
  call: ApiCall,
  plane: ControlPlane,
  config = apfConfiguration(plane),
): CallEstimate {
  const server = serverProfile(plane);
  const instances = instancesOf(workload, plane.nodes);
  const level = levelOf(workload, call, config, plane.apiserverReplicas);
  const bytes = resourceProfile(call.resource).averageObjectBytes;
  const { stored, matching } = matchingObjects(call, plane);
  const options: apf.ListOptions = {
    resourceVersion: call.resourceVersion,
    limit: call.limit,
    hasSelector: call.scope === "node",
  };
  const single = call.scope === "named";
  const cost = single
    ? getCost(bytes, options, call.encoding, server)
    : listCost(
        {
          storedObjects: stored,
          matchingObjects: matching,
          averageObjectBytes: bytes,
          indexedSelector: call.resource === "pods",
        },
        options,
        call.encoding,
        server,
      );
  const context = apf.createWorkEstimatorContext(plane.version);
  const work = apf.estimateWork(
    {
      verb: call.verb === "get" ? "get" : "list",
      resource: call.resource,
      options,
      matchesSingle: single,
      stats: { objectCount: stored, averageObjectSizeBytes: bytes },
    },
    level.maxSeatsPerRequest,
    context,
  );
  const seatsPerRequest = apf.maxSeatsOfEstimate(work);
  // Until its last byte is on the wire the request holds its seats and its memory.
  const serviceSeconds =
    cost.etcdSeconds + cost.cpuSeconds + cost.responseBytes / plane.apiserverEgressBytesPerSecond;
  const isWatch = call.verb === "watch";
  const pagesPerRead = cost.truncated ? Math.ceil(matching / Math.max(1, cost.objectsReturned)) : 1;
  const readsPerSecond = isWatch ? 0 : (instances * pagesPerRead) / (call.everySeconds ?? Infinity);
  const watchesHeld = isWatch ? instances : 0;
  const rewatchesPerSecond = watchesHeld / MEAN_WATCH_SECONDS;
  const watchEventsPerSecond =
    watchesHeld * matching * resourceProfile(call.resource).updatesPerObjectPerSecond;
  const c = server.coefficients ?? DEFAULT_COST_COEFFICIENTS;
  return {
    call,
    level,
    objectsPerResponse: cost.objectsReturned,
    responseBytes: cost.responseBytes,
    pagesPerRead,
    servedFrom: cost.servedFrom,
    seatsPerRequest,
    serviceSeconds,
    memoryBytesPerRequest: cost.memoryBytes,
    watchesHeld,
    readsPerSecond,
    requestsPerSecond: readsPerSecond + rewatchesPerSecond,
    watchEventsPerSecond,
    // A watch event carries the whole object to each watcher it matches.
    egressBytesPerSecond: readsPerSecond * cost.responseBytes + watchEventsPerSecond * bytes,
    seatDemand: readsPerSecond * seatsPerRequest * serviceSeconds,
    cpuCores: readsPerSecond * cost.cpuSeconds + watchEventsPerSecond * c.watchEventCpuSeconds,
    etcdCores: readsPerSecond * cost.etcdSeconds,
    // Every instance reads once as it starts: an informer's first LIST, a poller's first call.
    rolloutLists: instances * pagesPerRead,
    rolloutBytes: instances * pagesPerRead * cost.responseBytes,
    scaling: scalingOf(workload, call),
  };
}

const SCALING_ORDER: readonly ScalingClass[] = ["O(1)", "O(N)", "O(N^2)"];

const isGet = (e: CallEstimate): boolean => e.call.verb === "get";

export function estimateWorkload(
  workload: Workload,
  calls: readonly ApiCall[],
  plane: ControlPlane,
): WorkloadEstimate {
  const config = apfConfiguration(plane);
  const estimates = calls.map((call) => estimateCall(workload, call, plane, config));
  const sum = (pick: (e: CallEstimate) => number): number =>
    estimates.reduce((t, e) => t + pick(e), 0);
  const seatDemandByLevel = new Map<string, { demand: number; level: LevelShare }>();
  for (const e of estimates) {
    const entry = seatDemandByLevel.get(e.level.priorityLevel) ?? { demand: 0, level: e.level };
    entry.demand += e.seatDemand;
    seatDemandByLevel.set(e.level.priorityLevel, entry);
  }
  const replicas = plane.apiserverReplicas;
  const instances = instancesOf(workload, plane.nodes);
  // Rollout: every instance's first reads arrive together; APF lets as many run at once on a
  // replica as the level's reachable seats allow, and each holds its response in memory.
  let rolloutPeak = 0;
  let rolloutSeatSeconds = 0;
  let slowestLevelSeats = Infinity;
  for (const e of estimates) {
    const perReplica = Math.ceil(e.rolloutLists / replicas);
    const concurrent = Math.min(
      perReplica,
      Math.floor(e.level.reachableSeats / replicas / Math.max(1, e.seatsPerRequest)),
    );
    rolloutPeak = Math.max(rolloutPeak, concurrent * e.memoryBytesPerRequest);
    rolloutSeatSeconds += e.rolloutLists * e.seatsPerRequest * e.serviceSeconds;
    slowestLevelSeats = Math.min(slowestLevelSeats, e.level.reachableSeats);
  }
  const idleMemory = idleReplicaMemory(plane);
  const rolloutPeakMemoryBytes = estimates.length === 0 ? 0 : idleMemory + rolloutPeak;
  const estimate: WorkloadEstimate = {
    nodes: plane.nodes,
    instances,
    calls: estimates,
    watchesHeld: sum((e) => e.watchesHeld),
    listsPerSecond: sum((e) => (isGet(e) ? 0 : e.readsPerSecond)),
    getsPerSecond: sum((e) => (isGet(e) ? e.readsPerSecond : 0)),
    requestsPerSecond: sum((e) => e.requestsPerSecond),
    watchEventsPerSecond: sum((e) => e.watchEventsPerSecond),
    egressBytesPerSecond: sum((e) => e.egressBytesPerSecond),
    rolloutLists: sum((e) => (isGet(e) ? 0 : e.rolloutLists)),
    rolloutBytes: sum((e) => (isGet(e) ? 0 : e.rolloutBytes)),
    rolloutGets: sum((e) => (isGet(e) ? e.rolloutLists : 0)),
    steadyMemoryBytes:
      estimates.length === 0 ? 0 : idleMemory + steadyInFlightMemory(estimates, plane),
    rolloutPeakMemoryBytes,
    rolloutListMemoryBytes: rolloutPeak,
    rolloutDrainSeconds: Number.isFinite(slowestLevelSeats)
      ? rolloutSeatSeconds / slowestLevelSeats
      : 0,
    cpuCores: sum((e) => e.cpuCores),
    etcdCores: sum((e) => e.etcdCores),
    seatDemandByLevel,
    scaling: estimates.reduce<ScalingClass>(
      (worst, e) =>
        SCALING_ORDER.indexOf(e.scaling) > SCALING_ORDER.indexOf(worst) ? e.scaling : worst,
      "O(1)",
    ),
    overloads: [],
  };
  estimate.overloads = overloadsOf(estimate, plane);
  return estimate;
}

/** A replica's memory before any request: its base plus the watch cache of pods, nodes, leases. */
export function idleReplicaMemory(plane: ControlPlane): number {
  const r = CONTROL_PLANE_DEFAULTS.replica;
  const stored = ["pods", "nodes", "leases"].reduce(
    (total, resource) =>
      total +
      objectCount(resource, plane.nodes, plane.podsPerNode) *
        resourceProfile(resource).averageObjectBytes,
    0,
  );
  return r.baseMemoryBytes + r.watchCacheMemoryPerStoredByte * stored;
}

/**
 * Mean memory the workload's reads hold on one replica in steady state. Little's law: reads
 * arriving at λ per replica and lasting W hold λ·W of them at once. W is the idle service time
 * stretched by processor sharing of the replica's cores, S / (1 − ρ).
 */
function steadyInFlightMemory(estimates: readonly CallEstimate[], plane: ControlPlane): number {
  const replicas = plane.apiserverReplicas;
  const cpuLoad =
    estimates.reduce((t, e) => t + e.cpuCores, 0) / (plane.apiserverCpuCores * replicas);
  const stretch = cpuLoad < 1 ? 1 / (1 - cpuLoad) : Infinity;
  let memory = 0;
  for (const e of estimates) {
    if (e.readsPerSecond === 0) continue;
    memory += (e.readsPerSecond / replicas) * e.serviceSeconds * stretch * e.memoryBytesPerRequest;
  }
  return memory;
}

function overloadsOf(estimate: WorkloadEstimate, plane: ControlPlane): Overload[] {
  const overloads: Overload[] = [];
  const steady = (kind: Overload["kind"], message: string) =>
    overloads.push({ kind, phase: "steady", message });
  for (const { demand, level } of estimate.seatDemandByLevel.values()) {
    if (demand > level.reachableSeats) {
      steady(
        "seats",
        `needs ${demand.toFixed(0)} seats of priority level ${level.priorityLevel}, which can reach ${level.reachableSeats} over ${plane.apiserverReplicas} apiservers`,
      );
    }
  }
  // Only the workload's own LISTs count: a cluster whose idle footprint alone does not fit is
  // out of the model's range (see largestModelledNodes), and one whose idle footprint is tipped
  // over by a sliver of LIST memory breaks because of its size, not because of this workload.
  const idle = idleReplicaMemory(plane);
  const limit = plane.apiserverMemoryBytes;
  const ownShare = WORKLOAD_MEMORY_SHARE * limit;
  if (estimate.steadyMemoryBytes - idle >= ownShare && estimate.steadyMemoryBytes > limit) {
    steady(
      "memory",
      `LISTs in flight keep an apiserver at ${gib(estimate.steadyMemoryBytes)} GiB on average, over its ${gib(limit, 0)} GiB`,
    );
  }
  const cores = plane.apiserverCpuCores * plane.apiserverReplicas;
  if (estimate.cpuCores > cores) {
    steady("cpu", `needs ${estimate.cpuCores.toFixed(0)} apiserver cores of ${cores}`);
  }
  if (estimate.etcdCores > plane.etcdCpuCores) {
    steady("etcd", `needs ${estimate.etcdCores.toFixed(1)} etcd cores of ${plane.etcdCpuCores}`);
  }
  const egress = plane.apiserverEgressBytesPerSecond * plane.apiserverReplicas;
  if (estimate.egressBytesPerSecond > egress) {
    steady(
      "network",
      `puts ${(estimate.egressBytesPerSecond / 1e9).toFixed(1)} GB/s of responses and watch events on the apiservers' network, which carries ${(egress / 1e9).toFixed(1)} GB/s over ${plane.apiserverReplicas} replicas`,
    );
  }
  if (estimate.rolloutListMemoryBytes >= ownShare && estimate.rolloutPeakMemoryBytes > limit) {
    overloads.push({
      kind: "memory",
      phase: "synchronised",
      message: `rollout LISTs take an apiserver to ${gib(estimate.rolloutPeakMemoryBytes)} GiB, over its ${gib(limit, 0)} GiB`,
    });
  }
  return overloads;
}

function gib(bytes: number, digits = 1): string {
  return (bytes / GiB).toFixed(digits);
}

/**
 * Share of an apiserver's memory a workload's own LISTs must take before a memory overload is
 * put down to it (assumed, docs/preflight.md): below it, the idle footprint of a huge cluster
 * is what fills the memory, and every workload would "break" it at the same size.
 */
export const WORKLOAD_MEMORY_SHARE = 0.1;
