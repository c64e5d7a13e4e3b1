/**
 * Where each service's pods run, as a component: pods spread over the live nodes, registered
 * with the endpoint controller's view, so node events become pod losses and endpoint changes.
 * Without a node pool (no kubelet leases modelled) endpoints are always ready.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import { definePort } from "../../world/index.js";
import { spreadPods, type NodeLifecycleController } from "../../model/nodes/index.js";
import type { WorkloadSettings } from "../../scenario/index.js";
import { CLUSTER_SPEC, NODES, type NodesPort } from "./ports.js";

export interface ServiceEndpointsPort {
  /** Replicas of a service at the cluster's starting size. */
  replicasOf(service: WorkloadSettings["services"][number]): number;
  /** The share of a service's endpoints valid for a DNS answer cached at `since`. */
  validSince(service: string, since: number): number;
  /** Listed endpoints that still lead to a pod, as a fraction. */
  readyFraction(service: string): number;
  /** Pods of each service on each node. */
  readonly podsOnNode: ReadonlyMap<string, Uint16Array>;
}

export const SERVICE_ENDPOINTS = definePort<ServiceEndpointsPort>("cluster/service-endpoints");

export class ServicePlacementComponent implements Component, ServiceEndpointsPort {
  readonly name = "service-placement";
  readonly needs = [CLUSTER_SPEC];
  readonly provides = [SERVICE_ENDPOINTS];
  readonly podsOnNode = new Map<string, Uint16Array>();
  private readonly endpointIndex = new Map<string, number>();
  private readonly memo = new Map<string, { version: number; value: number }>();
  private nodes: NodesPort | undefined;
  private clusterNodes = 0;
  private checker: ComponentContext["checker"];

  attach(context: ComponentContext): void {
    const { name, spec, workloads } = context.get(CLUSTER_SPEC);
    this.clusterNodes = spec.nodes;
    this.checker = context.checker;
    this.nodes = context.find(NODES);
    // The stream keeps its historical name so that runs stay comparable across versions.
    const placement = context.sim.random(`world/${name}/placement`);
    for (const service of workloads?.services ?? []) {
      if (this.nodes === undefined) continue;
      const podNodes = spreadPods(this.nodes.pool, this.replicasOf(service), placement);
      const counts = new Uint16Array(this.nodes.pool.size);
      for (const node of podNodes) counts[node]++;
      this.podsOnNode.set(service.name, counts);
      this.endpointIndex.set(
        service.name,
        this.nodes.lifecycle.endpoints.addService({ name: service.name, podNodes }),
      );
    }
    context.provide(SERVICE_ENDPOINTS, this);
  }

  replicasOf(service: WorkloadSettings["services"][number]): number {
    return (
      service.replicas ??
      Math.max(1, Math.round((service.replicasPerNode ?? 0) * this.clusterNodes))
    );
  }

  validSince(service: string, since: number): number {
    const key = service.startsWith("default/") ? service.slice("default/".length) : service;
    const found = this.lookup(key);
    if (found === undefined) return 1;
    const [index, lifecycle] = found;
    if (lifecycle.endpoints.unchangedSinceOf(index) <= since) return 1;
    return lifecycle.endpoints.readyFraction(index);
  }

  readyFraction(service: string): number {
    const found = this.lookup(service);
    if (found === undefined || this.nodes === undefined) return 1;
    const [index, lifecycle] = found;
    // Counting listed endpoints on gone nodes walks every pod: redo it only after node events.
    const version = this.nodes.eventsVersion;
    const cached = this.memo.get(service);
    if (cached !== undefined && cached.version === version) return cached.value;
    const endpoints = lifecycle.endpoints;
    const pods = endpoints.podCount(index);
    const gone = endpoints.listedGoneEndpoints(index);
    if (gone > pods) this.checker?.count(`${service} endpoints on live nodes`, pods - gone);
    const value = pods === 0 ? 1 : Math.max(0, 1 - gone / pods);
    this.memo.set(service, { version, value });
    return value;
  }

  private lookup(service: string): [number, NodeLifecycleController] | undefined {
    const index = this.endpointIndex.get(service);
    if (index === undefined || this.nodes === undefined) return undefined;
    return [index, this.nodes.lifecycle];
  }
}
