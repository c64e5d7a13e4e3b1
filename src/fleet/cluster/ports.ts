/**
 * The ports of a cluster assembly: what its components provide to each other. A user's own
 * component reads them the same way (docs/library.md).
 */
import { definePort } from "../../world/index.js";
import type { ClusterClass, OperatorSettings, WorkloadSettings } from "../../scenario/index.js";
import type { ControllerApi, NodeLifecycleController, NodePool } from "../../model/nodes/index.js";
import type { DnsModel } from "../../model/dns/index.js";
import type { ClusterWorkloads } from "../../model/workloads/index.js";
import type { Cluster } from "../../model/cluster.js";
import type { BuiltAgents } from "../build-agents.js";
import type { BuiltKubeletLeases } from "../build-kubelet-leases.js";
import type { HealthSignalsTracker } from "../health-signals.js";
import type { ApiActionKind, ApiPath } from "../ops/index.js";

/** What the cluster is: its class from the scenario and the fleet-wide settings it uses. */
export interface ClusterSpec {
  name: string;
  spec: ClusterClass;
  workloads: WorkloadSettings | undefined;
  operators: OperatorSettings;
  /** The agent the pipeline rolls out (its DaemonSet), if any. */
  change: string | undefined;
}

/** Kubelet lease renewals of member m (nodes [m*g, (m+1)*g)), as they are answered. */
export type LeaseOutcomeListener = (member: number, ok: boolean) => void;

export interface ControlPlanePort {
  /** The apiservers (load balancer, replicas, admission), etcd and the stored objects. */
  cluster: Cluster;
  /** Per-minute p99, 429s and availability as a monitoring system sees them. */
  tracker: HealthSignalsTracker;
}

export interface KubeletLeasesPort extends BuiltKubeletLeases {
  /** Listeners of kubelet lease renewals. */
  outcomes: LeaseOutcomeListener[];
}

/** The scenario's agents: client populations and the DaemonSets the pipeline rolls out. */
export type AgentsPort = BuiltAgents;

/** The controllers' access to the API, and the leadership changes of their process. */
export interface ControllerApiPort extends ControllerApi {
  onLeadershipChange(listener: (leading: boolean) => void): void;
}

export interface NodesPort {
  pool: NodePool;
  lifecycle: NodeLifecycleController;
  /** Bumped at each node event that changes which endpoints are listed. */
  readonly eventsVersion: number;
  /** True while `scaleTo` removes nodes: their pods go with the machines, not by eviction. */
  readonly scalingDown: boolean;
  /** Cloud scale of the node count; services sized per node follow. */
  scaleTo(targetNodes: number): void;
  /** Called after each `scaleTo` with the nodes now live. */
  onScaled(listener: (liveNodes: number) => void): void;
}

export interface DnsPort {
  model: DnsModel;
  replicas: number;
  /** Lookups answered over all workloads, weighted by their rate, in [0, 1]. */
  success(): number;
}

export interface WorkloadsPort {
  workloads: ClusterWorkloads;
  /** Products and their traffic at full weight (requests per second). */
  baselineProductRate: ReadonlyMap<string, number>;
  /** User-facing success over all products now, weighted by their traffic. */
  success(): number;
  /** Sets replicas of services sized per node after the node count changed. */
  nodesScaled(liveNodes: number): void;
}

export interface OperatorAccessPort {
  apiAction(action: ApiActionKind, path: ApiPath, done: (ok: boolean) => void): void;
  blockAdminApi(blocked: boolean): void;
  scaleApiservers(replicas: number): void;
}

export const CLUSTER_SPEC = definePort<ClusterSpec>("cluster/spec");
export const CONTROL_PLANE = definePort<ControlPlanePort>("cluster/control-plane");
export const KUBELET_LEASES = definePort<KubeletLeasesPort>("cluster/kubelet-leases");
export const AGENTS = definePort<AgentsPort>("cluster/agents");
export const CONTROLLER_API = definePort<ControllerApiPort>("cluster/controller-api");
export const NODES = definePort<NodesPort>("cluster/nodes");
export const DNS = definePort<DnsPort>("cluster/dns");
export const WORKLOADS = definePort<WorkloadsPort>("cluster/workloads");
export const OPERATOR_ACCESS = definePort<OperatorAccessPort>("cluster/operator-access");
