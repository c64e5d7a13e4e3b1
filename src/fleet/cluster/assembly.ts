/**
 * One simulated cluster end to end, assembled from components on a world: the control plane
 * (build-cluster.ts), kube-controller-manager's leader election, the nodes and their lifecycle
 * controller, where services' pods run, CoreDNS on a real informer, the workloads, operators'
 * access, and a per-minute sampler. `ClusterAssembly` is the handle through which the pipeline,
 * alerts and operators see and act on the cluster.
 *
 * Every dependency on the control plane goes through simulated requests: kubelet leases, the
 * leader lease (which decides whether the node lifecycle and endpoint controllers act),
 * CoreDNS's list and watch, pod creations, operators' kubectl.
 */
import type { Component, World } from "../../world/index.js";
import type { ClusterObserver } from "../../model/cluster.js";
import type { NodeLifecycleController, NodePool } from "../../model/nodes/index.js";
import type { DnsModel } from "../../model/dns/index.js";
import type { ClusterWorkloads } from "../../model/workloads/index.js";
import type { BuiltCluster } from "../build-cluster.js";
import type { HealthSignalsTracker } from "../health-signals.js";
import type { ApiActionKind, ApiPath, ClusterHandle, HealthSignals } from "../ops/index.js";
import {
  AGENTS,
  CONTROL_PLANE,
  KUBELET_LEASES,
  DNS,
  NODES,
  OPERATOR_ACCESS,
  WORKLOADS,
  type ClusterSpec,
  type ControlPlanePort,
  type OperatorAccessPort,
} from "./ports.js";
import { AgentsComponent, ApiserversComponent, KubeletLeasesComponent } from "./control-plane.js";
import { ApiserverReachabilityComponent, LeaderElectionComponent } from "./leader-election.js";
import { NodesComponent } from "./nodes.js";
import { ServicePlacementComponent } from "./service-placement.js";
import { CoreDnsComponent } from "./coredns.js";
import { WorkloadsComponent } from "./workloads.js";
import { CoreDnsRestartsComponent } from "./coredns-restarts.js";
import { OperatorAccessComponent } from "./operator-access.js";
import { MinuteSamplerComponent, type MinuteSample } from "./minute-sampler.js";

/** The built-in components of a cluster, in the order they are added. */
export function clusterComponents(cluster: ClusterSpec, observer: ClusterObserver): Component[] {
  const dataPlane = cluster.workloads !== undefined;
  const components: Component[] = [
    new ApiserversComponent(cluster, observer),
    new KubeletLeasesComponent(),
    new AgentsComponent(),
  ];
  components.push(dataPlane ? new LeaderElectionComponent() : new ApiserverReachabilityComponent());
  if (dataPlane && cluster.spec.nodeLeases) components.push(new NodesComponent());
  components.push(new OperatorAccessComponent());
  if (dataPlane) {
    components.push(
      new ServicePlacementComponent(),
      new CoreDnsComponent(),
      new WorkloadsComponent(),
      new CoreDnsRestartsComponent(),
    );
  }
  components.push(new MinuteSamplerComponent());
  return components;
}

export class ClusterAssembly implements ClusterHandle {
  private constructor(
    private readonly world: World,
    readonly name: string,
    private readonly sampler: MinuteSamplerComponent,
  ) {}

  /**
   * Adds a cluster's components to the world (the built-in ones, then `extra` in order) and
   * starts them.
   */
  static add(
    world: World,
    cluster: ClusterSpec,
    observer: ClusterObserver,
    extra: readonly Component[] = [],
  ): ClusterAssembly {
    let sampler: MinuteSamplerComponent | undefined;
    for (const component of [...clusterComponents(cluster, observer), ...extra]) {
      world.add(component, cluster.name);
      if (component instanceof MinuteSamplerComponent) sampler = component;
    }
    world.start(cluster.name);
    return new ClusterAssembly(world, cluster.name, sampler as MinuteSamplerComponent);
  }

  private get controlPlane(): ControlPlanePort {
    return this.world.find(CONTROL_PLANE, this.name) as ControlPlanePort;
  }

  /** The control plane's pieces: apiservers and etcd, kubelet leases, agents. */
  get built(): BuiltCluster {
    const leases = this.world.find(KUBELET_LEASES, this.name);
    const agents = this.world.find(AGENTS, this.name);
    return {
      cluster: this.controlPlane.cluster,
      leases: leases?.leases,
      leaseGroup: leases?.leaseGroup ?? 1,
      agents: agents?.agents ?? [],
      informers: agents?.informers ?? [],
      rollouts: agents?.rollouts ?? new Map(),
    };
  }

  get tracker(): HealthSignalsTracker {
    return this.controlPlane.tracker;
  }

  get pool(): NodePool | undefined {
    return this.world.find(NODES, this.name)?.pool;
  }

  get nodeLifecycle(): NodeLifecycleController | undefined {
    return this.world.find(NODES, this.name)?.lifecycle;
  }

  get dns(): DnsModel | undefined {
    return this.world.find(DNS, this.name)?.model;
  }

  get workloads(): ClusterWorkloads | undefined {
    return this.world.find(WORKLOADS, this.name)?.workloads;
  }

  get samples(): MinuteSample[] {
    return this.sampler.samples;
  }

  private get access(): OperatorAccessPort {
    return this.world.find(OPERATOR_ACCESS, this.name) as OperatorAccessPort;
  }

  // --- ClusterHandle: what the pipeline and operators do ---

  applyChange(changeId: string): void {
    this.world.find(AGENTS, this.name)?.rollouts.get(changeId)?.apply();
  }

  apiAction(action: ApiActionKind, path: ApiPath, done: (ok: boolean) => void): void {
    this.access.apiAction(action, path, done);
  }

  scaleNodes(targetNodes: number): void {
    this.world.find(NODES, this.name)?.scaleTo(targetNodes);
  }

  blockAdminApi(blocked: boolean): void {
    this.access.blockAdminApi(blocked);
  }

  scaleApiservers(replicas: number): void {
    this.access.scaleApiservers(replicas);
  }

  signals(): HealthSignals {
    const cp = this.tracker.signals(this.world.sim.now);
    return {
      // No latency series: a "p99 > x" rule does not fire, as in Prometheus.
      apiserverP99Seconds: cp.apiserverP99Seconds ?? 0,
      rejected429PerSecond: cp.rejected429PerSecond,
      readyzOk: this.controlPlane.cluster.readyCount > 0,
      workloadSuccessRate: this.workloadSuccess(),
      dnsSuccessRate: this.sampler.lastDnsSuccess,
    };
  }

  /** User-facing success over all products now, weighted by their traffic. */
  workloadSuccess(): number {
    return this.world.find(WORKLOADS, this.name)?.success() ?? 1;
  }

  setTrafficWeight(product: string, weight: number): void {
    this.workloads?.setTrafficWeight(product, weight);
  }
}
