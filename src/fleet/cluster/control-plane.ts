/**
 * The control plane of a cluster as a component: apiserver replicas with their admission,
 * etcd, kubelet leases, the scenario's agents and the DaemonSet rollouts (build-cluster.ts),
 * and the health signals a monitoring system derives from their answers.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import type { ClusterObserver } from "../../model/cluster.js";
import { buildCluster } from "../build-cluster.js";
import { HealthSignalsTracker } from "../health-signals.js";
import {
  CLUSTER_SPEC,
  CONTROL_PLANE,
  type ClusterSpec,
  type ControlPlanePort,
  type LeaseOutcomeListener,
} from "./ports.js";

export class ControlPlaneComponent implements Component {
  readonly name = "control-plane";
  readonly provides = [CLUSTER_SPEC, CONTROL_PLANE];
  private port: ControlPlanePort | undefined;

  constructor(
    private readonly cluster: ClusterSpec,
    private readonly observer: ClusterObserver,
  ) {}

  attach(context: ComponentContext): void {
    const listeners: LeaseOutcomeListener[] = [];
    const built = buildCluster(
      context.sim,
      this.cluster.spec,
      this.cluster.name,
      this.observer,
      { onLeaseOutcome: (member, ok) => listeners.forEach((listener) => listener(member, ok)) },
      context.checker,
    );
    this.port = { built, tracker: new HealthSignalsTracker(), leaseOutcomes: listeners };
    context.provide(CLUSTER_SPEC, this.cluster);
    context.provide(CONTROL_PLANE, this.port);
  }
}
