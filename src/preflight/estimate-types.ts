/** The types of preflight's load estimate: the control plane judged, and what a workload costs it. */
import type { apf, KubernetesVersion } from "../k8s/index.js";
import type { ApiCall } from "./types.js";

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
  /** Network egress of one apiserver replica (bytes/s): LIST responses and watch events. */
  apiserverEgressBytesPerSecond: number;
  etcdCpuCores: number;
  /** FlowSchemas and PriorityLevelConfigurations from the input, over the version's bootstrap. */
  flowSchemas: readonly apf.FlowSchema[];
  priorityLevels: readonly apf.PriorityLevelConfiguration[];
}

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
  /** Bytes of one response (one page when the server honours the limit). */
  responseBytes: number;
  /** Requests one complete read takes: pages when the server honours the limit, else 1. */
  pagesPerRead: number;
  servedFrom: "cache" | "etcd";
  /** Seats one LIST (or GET) takes, from the work estimator. */
  seatsPerRequest: number;
  /** Seconds one LIST takes to serve (etcd + apiserver CPU) on an idle control plane. */
  serviceSeconds: number;
  /** Memory one LIST holds while it executes. */
  memoryBytesPerRequest: number;
  watchesHeld: number;
  /** LIST (or, for a GET, GET) requests per second in steady state, every page counted. */
  readsPerSecond: number;
  /** All requests per second in steady state (reads and re-watches). */
  requestsPerSecond: number;
  watchEventsPerSecond: number;
  /** Bytes per second on the apiservers' network: responses and watch events. */
  egressBytesPerSecond: number;
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
  kind: "seats" | "memory" | "cpu" | "etcd" | "network";
  /**
   * "synchronised": when every instance reads at once (a rollout or restart); "steady": with the
   * reads spread over their period.
   */
  phase: "synchronised" | "steady";
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
  egressBytesPerSecond: number;
  /** LISTs when every instance starts at once, and their response bytes. */
  rolloutLists: number;
  rolloutBytes: number;
  /** GETs when every instance starts at once. */
  rolloutGets: number;
  /**
   * Mean memory of one replica in steady state: its idle footprint plus the LISTs executing at
   * once on average (Little's law, service times stretched by the CPU load).
   */
  steadyMemoryBytes: number;
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
