/**
 * The workloads as a component: services, products and the recovery herd (src/model/workloads),
 * resolving each other through CoreDNS, reaching endpoints on live nodes, and re-creating lost
 * pods through the ReplicaSet controller's requests to the apiservers.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import { ApiClient } from "../../model/clients/api-client.js";
import { STATUS_OK } from "../../model/request.js";
import {
  ClusterWorkloads,
  USER_CLIENT,
  type PodCreationAdmission,
  type WorkloadsConfig,
} from "../../model/workloads/index.js";
import type { ClusterClass, WorkloadSettings } from "../../scenario/index.js";
import { CONTROL_PLANE_DEFAULTS } from "../build-cluster.js";
import {
  CLUSTER_SPEC,
  CONTROL_PLANE,
  CONTROLLER_API,
  DNS,
  NODES,
  WORKLOADS,
  type WorkloadsPort,
} from "./ports.js";
import { SERVICE_ENDPOINTS, type ServiceEndpointsPort } from "./service-placement.js";
import { DATA_PLANE_DEFAULTS, kubeSystemUser, template } from "./defaults.js";

export class WorkloadsComponent implements Component, WorkloadsPort {
  readonly name = "workloads";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE, CONTROLLER_API, DNS, SERVICE_ENDPOINTS];
  readonly provides = [WORKLOADS];
  workloads!: ClusterWorkloads;
  readonly baselineProductRate = new Map<string, number>();
  private services: WorkloadSettings["services"] = [];

  attach(context: ComponentContext): void {
    const { name, spec, workloads } = context.get(CLUSTER_SPEC);
    const settings = workloads ?? { services: [], products: [], sources: [] };
    this.services = settings.services;
    const dns = context.get(DNS);
    const endpoints = context.get(SERVICE_ENDPOINTS);
    const config = workloadsConfig(name, spec, settings, endpoints);
    for (const product of config.products) {
      this.baselineProductRate.set(product.name, product.requestsPerSecond);
    }
    this.workloads = new ClusterWorkloads(context.sim, config, {
      dataPlane: {
        resolveSuccess: (client, service) =>
          client === USER_CLIENT ? 1 : dns.model.lookup(client, service).successFraction,
        readyEndpointFraction: (service) => endpoints.readyFraction(service),
      },
      admission: this.podAdmission(context),
    });
    this.workloads.start();
    const nodes = context.find(NODES);
    nodes?.onScaled((live) => this.nodesScaled(live));
    nodes?.pool.subscribe({
      onPodsEvicted: (row) => this.podsLostOn(endpoints, row, "eviction"),
      onNodeRemoved: (row) => {
        if (!nodes.scalingDown) this.podsLostOn(endpoints, row, "scale-down");
      },
    });
    context.provide(WORKLOADS, this);
  }

  success(): number {
    let total = 0;
    let ok = 0;
    for (const [product, rate] of this.baselineProductRate) {
      total += rate;
      ok += rate * this.workloads.productSuccess(product);
    }
    return total === 0 ? 1 : ok / total;
  }

  /** Pods of the removed nodes have nowhere else to go (the nodes were full): services sized
   * per node shrink with the cluster, and grow back, re-downloading, when nodes return. */
  nodesScaled(liveNodes: number): void {
    for (const service of this.services) {
      if (service.replicasPerNode === undefined) continue;
      this.workloads.setReplicas(
        service.name,
        Math.max(1, Math.round(service.replicasPerNode * liveNodes)),
      );
    }
  }

  private podsLostOn(
    endpoints: ServiceEndpointsPort,
    row: number,
    reason: "eviction" | "scale-down",
  ): void {
    for (const [service, counts] of endpoints.podsOnNode) {
      if (row < counts.length && counts[row] > 0) {
        this.workloads.podsLost(service, counts[row], reason);
        counts[row] = 0;
      }
    }
  }

  /** Pods re-created by the ReplicaSet controller: one create request each, through the API. */
  private podAdmission(context: ComponentContext): PodCreationAdmission {
    const { name, spec } = context.get(CLUSTER_SPEC);
    const controllers = context.get(CONTROLLER_API);
    const d = DATA_PLANE_DEFAULTS;
    const client = new ApiClient(
      context.sim,
      {
        name: `${name}/replicaset-controller`,
        user: kubeSystemUser("replicaset-controller"),
        qps: d.replicaSetQps,
        burst: d.replicaSetBurst,
        maxRetries: CONTROL_PLANE_DEFAULTS.clientGoMaxRetries,
        version: spec.kubernetesVersion,
      },
      context.get(CONTROL_PLANE).cluster,
    );
    const create = template("replicaset-controller create pods", "create", "pods", "");
    return {
      createPods: (_service, count, done) => {
        if (count <= 0 || !controllers.reachable()) {
          done(0);
          return;
        }
        let answered = 0;
        let created = 0;
        for (let i = 0; i < count; i++) {
          client.call(
            create,
            (status) => {
              if (status === STATUS_OK) created++;
              if (++answered === count) done(created);
            },
            null,
          );
        }
      },
    };
  }
}

function workloadsConfig(
  cluster: string,
  spec: ClusterClass,
  settings: WorkloadSettings,
  endpoints: ServiceEndpointsPort,
): WorkloadsConfig {
  return {
    cluster,
    tickSeconds: DATA_PLANE_DEFAULTS.dataPlaneTickSeconds,
    services: settings.services.map((service) => ({
      name: service.name,
      replicas: endpoints.replicasOf(service),
      dependsOn: service.dependsOn,
      requestsPerSecondPerPod: service.requestsPerSecondPerPod,
      startupSeconds: service.startupSeconds,
      downloads: service.downloads,
    })),
    products: settings.products.map((product) => ({
      name: product.name,
      entryServices: product.entryServices,
      requestsPerSecond: product.requestsPerSecondPerNode * spec.nodes,
    })),
    sources: settings.sources.map((source) => ({
      name: source.name,
      bytesPerSecond: source.bytesPerSecond,
      timeoutSeconds: source.timeoutSeconds,
      limiter:
        source.limiter?.maxConcurrent !== undefined
          ? { kind: "max-concurrent" as const, max: source.limiter.maxConcurrent }
          : source.limiter?.adaptive === true
            ? { kind: "adaptive" as const }
            : { kind: "none" as const },
      cache:
        source.cache === undefined
          ? undefined
          : {
              hitRatio: source.cache.hitRatio,
              bytesPerSecond: source.cache.bytesPerSecond ?? Infinity,
            },
    })),
  };
}
