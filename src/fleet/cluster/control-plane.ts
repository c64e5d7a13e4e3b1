/**
 * The control plane of a cluster as components: the apiservers with their admission and etcd
 * (with the health signals a monitoring system derives from their answers), the kubelets
 * renewing their leases, and the scenario's agents with their DaemonSet rollouts.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import type { ClusterObserver } from "../../model/cluster.js";
import { buildControlPlane } from "../build-control-plane.js";
import { buildKubeletLeases } from "../build-kubelet-leases.js";
import { buildAgents } from "../build-agents.js";
import { HealthSignalsTracker } from "../health-signals.js";
import {
  AGENTS,
  CLUSTER_SPEC,
  CONTROL_PLANE,
  KUBELET_LEASES,
  type ClusterSpec,
  type LeaseOutcomeListener,
} from "./ports.js";

export class ApiserversComponent implements Component {
  readonly name = "control-plane";
  readonly provides = [CLUSTER_SPEC, CONTROL_PLANE];

  constructor(
    private readonly cluster: ClusterSpec,
    private readonly observer: ClusterObserver,
  ) {}

  attach(context: ComponentContext): void {
    const { spec, name } = this.cluster;
    const cluster = buildControlPlane(context.sim, spec, name, this.observer, context.checker);
    context.provide(CLUSTER_SPEC, this.cluster);
    context.provide(CONTROL_PLANE, { cluster, tracker: new HealthSignalsTracker() });
  }
}

export class KubeletLeasesComponent implements Component {
  readonly name = "kubelet-leases";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE];
  readonly provides = [KUBELET_LEASES];

  attach(context: ComponentContext): void {
    const { spec, name } = context.get(CLUSTER_SPEC);
    const outcomes: LeaseOutcomeListener[] = [];
    const built = buildKubeletLeases(
      context.sim,
      spec,
      name,
      context.get(CONTROL_PLANE).cluster,
      (member, ok) => outcomes.forEach((listener) => listener(member, ok)),
    );
    context.provide(KUBELET_LEASES, { ...built, outcomes });
  }
}

export class AgentsComponent implements Component {
  readonly name = "agents";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE];
  readonly provides = [AGENTS];

  attach(context: ComponentContext): void {
    const { spec, name } = context.get(CLUSTER_SPEC);
    context.provide(
      AGENTS,
      buildAgents(context.sim, spec, name, context.get(CONTROL_PLANE).cluster),
    );
  }
}
