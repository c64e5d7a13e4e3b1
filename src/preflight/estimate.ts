/**
 * The load a workload puts on the control plane at a cluster size, from the simulator's own cost
 * model (src/k8s/cost), APF classification and concurrency (src/k8s/apf) and work estimator. The
 * workload is considered alone on an otherwise idle control plane; docs/preflight.md gives the
 * method and its assumptions.
 */
import { CONTROL_PLANE_DEFAULTS } from "../fleet/build-cluster.js";
import {
  apf,
  defaultFeatureGates,
  serviceAccountUser,
  type KubernetesVersion,
} from "../k8s/index.js";
import {
  DEFAULT_COST_COEFFICIENTS,
  getCost,
  listCost,
  type ServerProfile,
} from "../k8s/cost/index.js";
import { MIN_WATCH_TIMEOUT_SECONDS } from "../k8s/client-go/reflector.js";
import { ASSUMED_NAMESPACES, objectCount, resourceProfile, scalesWithNodes } from "./inventory.js";
import type { ApiCall, Workload } from "./types.js";

export interface ControlPlane {
  nodes: number;
  podsPerNode: number;
  version: KubernetesVersion;
  /** kube-apiserver replicas sharing the load (scenario default). */
  apiserverReplicas: number;
  /** Seats per replica: --max-requests-inflight + --max-mutating-requests-inflight. */
  serverConcurrencyLimit: number;
  apiserverMemoryBytes: number;
  apiserverCpuCores: number;
  etcdCpuCores: number;
  /** FlowSchemas and PriorityLevelConfigurations from the input, over the version's bootstrap. */
  flowSchemas: readonly apf.FlowSchema[];
  priorityLevels: readonly apf.PriorityLevelConfiguration[];
}

const GiB = 2 ** 30;

export const DEFAULT_CONTROL_PLANE: ControlPlane = {
  nodes: 5000,
  podsPerNode: 30,
  version: "1.34",
  apiserverReplicas: 3,
  serverConcurrencyLimit: apf.serverConcurrencyLimit(),
  apiserverMemoryBytes: CONTROL_PLANE_DEFAULTS.apiserverMemoryBytes,
  apiserverCpuCores: CONTROL_PLANE_DEFAULTS.apiserverCpuCores,
  etcdCpuCores: CONTROL_PLANE_DEFAULTS.etcdCpuCores,
  flowSchemas: [],
  priorityLevels: [],
};

/** Mean watch lifetime: client-go picks a timeout uniformly in [5, 10) min, then re-watches. */
export const MEAN_WATCH_SECONDS = MIN_WATCH_TIMEOUT_SECONDS * 1.5;

export type ScalingClass = "O(1)" | "O(N)" | "O(N^2)";

export interface LevelShare {
  flowSchema: string;
  priorityLevel: string;
  exempt: boolean;
  /** Seats the level owns, summed over the replicas. */
  nominalSeats: number;
  /** Its own seats plus what the other levels may lend it, summed over the replicas. */
  reachableSeats: number;
  /** The work estimator's cap on one request at this level. */
  maxSeatsPerRequest: number;
}

export interface CallEstimate {
  call: ApiCall;
  level: LevelShare;
  objectsPerResponse: number;
  responseBytes: number;
  servedFrom: "cache" | "etcd";
  /** Seats one LIST (or GET) takes, from the work estimator. */
  seatsPerRequest: number;
  /** Seconds one LIST takes to serve (etcd + apiserver CPU) on an idle control plane. */
  serviceSeconds: number;
  /** Memory one LIST holds while it executes. */
  memoryBytesPerRequest: number;
  watchesHeld: number;
  /** LIST (or, for a GET, GET) requests per second in steady state. */
  readsPerSecond: number;
  /** All requests per second in steady state (reads and re-watches). */
  requestsPerSecond: number;
  watchEventsPerSecond: number;
  /** Seat-seconds per second the steady reads demand (Little's law). */
  seatDemand: number;
  cpuCores: number;
  etcdCores: number;
  /** First reads when every instance starts at once (LISTs, or GETs for a GET). */
  rolloutLists: number;
  rolloutBytes: number;
  scaling: ScalingClass;
}

export interface Overload {
  kind: "seats" | "memory" | "cpu" | "etcd";
  message: string;
}

export interface WorkloadEstimate {
  nodes: number;
  instances: number;
  calls: CallEstimate[];
  watchesHeld: number;
  /** LISTs per second in steady state (an informer's re-watches are not LISTs). */
  listsPerSecond: number;
  /** GETs of single objects per second: counted apart, they are not LISTs. */
  getsPerSecond: number;
  requestsPerSecond: number;
  watchEventsPerSecond: number;
  /** LISTs when every instance starts at once, and their response bytes. */
  rolloutLists: number;
  rolloutBytes: number;
  /** GETs when every instance starts at once. */
  rolloutGets: number;
  /** Peak memory on one replica while the rollout's LISTs run, plus its idle footprint. */
  rolloutPeakMemoryBytes: number;
  /** The part of that peak the workload's own LISTs hold. */
  rolloutListMemoryBytes: number;
  /** Seconds the rollout's LISTs keep the level busy, at its reachable concurrency. */
  rolloutDrainSeconds: number;
  cpuCores: number;
  etcdCores: number;
  /** Steady seat demand per priority level. */
  seatDemandByLevel: Map<string, { demand: number; level: LevelShare }>;
  scaling: ScalingClass;
  overloads: Overload[];
}

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
  const serviceSeconds = cost.etcdSeconds + cost.cpuSeconds;
  const isWatch = call.verb === "watch";
  const readsPerSecond = isWatch ? 0 : instances / (call.everySeconds ?? Infinity);
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
    servedFrom: cost.servedFrom,
    seatsPerRequest,
    serviceSeconds,
    memoryBytesPerRequest: cost.memoryBytes,
    watchesHeld,
    readsPerSecond,
    requestsPerSecond: readsPerSecond + rewatchesPerSecond,
    watchEventsPerSecond,
    seatDemand: readsPerSecond * seatsPerRequest * serviceSeconds,
    cpuCores: readsPerSecond * cost.cpuSeconds + watchEventsPerSecond * c.watchEventCpuSeconds,
    etcdCores: readsPerSecond * cost.etcdSeconds,
    // Every instance reads once as it starts: an informer's first LIST, a poller's first call.
    rolloutLists: instances,
    rolloutBytes: instances * cost.responseBytes,
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
    rolloutLists: sum((e) => (isGet(e) ? 0 : e.rolloutLists)),
    rolloutBytes: sum((e) => (isGet(e) ? 0 : e.rolloutBytes)),
    rolloutGets: sum((e) => (isGet(e) ? e.rolloutLists : 0)),
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

function overloadsOf(estimate: WorkloadEstimate, plane: ControlPlane): Overload[] {
  const overloads: Overload[] = [];
  for (const { demand, level } of estimate.seatDemandByLevel.values()) {
    if (demand > level.reachableSeats) {
      overloads.push({
        kind: "seats",
        message: `needs ${demand.toFixed(0)} seats of priority level ${level.priorityLevel}, which can reach ${level.reachableSeats} over ${plane.apiserverReplicas} apiservers`,
      });
    }
  }
  // Only the workload's own LISTs count: a cluster whose idle footprint alone does not fit is
  // out of the model's range (see largestModelledNodes), and one whose idle footprint is tipped
  // over by a sliver of LIST memory breaks because of its size, not because of this workload.
  if (
    estimate.rolloutListMemoryBytes >= WORKLOAD_MEMORY_SHARE * plane.apiserverMemoryBytes &&
    estimate.rolloutPeakMemoryBytes > plane.apiserverMemoryBytes
  ) {
    overloads.push({
      kind: "memory",
      message: `rollout LISTs take an apiserver to ${(estimate.rolloutPeakMemoryBytes / GiB).toFixed(1)} GiB, over its ${(plane.apiserverMemoryBytes / GiB).toFixed(0)} GiB`,
    });
  }
  const cores = plane.apiserverCpuCores * plane.apiserverReplicas;
  if (estimate.cpuCores > cores) {
    overloads.push({
      kind: "cpu",
      message: `needs ${estimate.cpuCores.toFixed(0)} apiserver cores of ${cores}`,
    });
  }
  if (estimate.etcdCores > plane.etcdCpuCores) {
    overloads.push({
      kind: "etcd",
      message: `needs ${estimate.etcdCores.toFixed(1)} etcd cores of ${plane.etcdCpuCores}`,
    });
  }
  return overloads;
}

export const MAX_SEARCHED_NODES = 100_000;

/**
 * Share of an apiserver's memory a workload's own LISTs must take before a memory overload is
 * put down to it (assumed, docs/preflight.md): below it, the idle footprint of a huge cluster
 * is what fills the memory, and every workload would "break" it at the same size.
 */
export const WORKLOAD_MEMORY_SHARE = 0.1;

/**
 * The smallest node count at which the workload overloads the control plane, or undefined up to
 * MAX_SEARCHED_NODES. Load grows with N, so a bisection suffices.
 */
export function breakingNodeCount(
  workload: Workload,
  calls: readonly ApiCall[],
  plane: ControlPlane,
): { nodes: number; overloads: Overload[] } | undefined {
  const at = (nodes: number) => estimateWorkload(workload, calls, { ...plane, nodes }).overloads;
  const ceiling = largestModelledNodes(plane);
  if (calls.length === 0 || at(ceiling).length === 0) return undefined;
  let low = 0;
  let high = ceiling;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (at(middle).length > 0) high = middle;
    else low = middle;
  }
  return { nodes: high, overloads: at(high) };
}

/**
 * Share of an apiserver's memory its idle footprint may take for a size to be in the model's
 * range (assumed, docs/preflight.md). Beyond it the rest of the fleet has no room left, and a
 * workload "alone on an idle control plane" says nothing: any request would tip it over.
 */
export const IDLE_MEMORY_RANGE_SHARE = 0.5;

/**
 * The largest cluster whose idle apiserver (base plus watch cache) takes at most
 * IDLE_MEMORY_RANGE_SHARE of its memory, at most MAX_SEARCHED_NODES.
 */
export function largestModelledNodes(plane: ControlPlane): number {
  const limit = IDLE_MEMORY_RANGE_SHARE * plane.apiserverMemoryBytes;
  const idleAt = (nodes: number) => idleReplicaMemory({ ...plane, nodes });
  if (idleAt(MAX_SEARCHED_NODES) <= limit) return MAX_SEARCHED_NODES;
  let low = 1;
  let high = MAX_SEARCHED_NODES;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (idleAt(middle) <= limit) low = middle;
    else high = middle;
  }
  return low;
}
