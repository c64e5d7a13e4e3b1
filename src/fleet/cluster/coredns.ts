/**
 * CoreDNS as a component: its store is a real informer per replica on the apiservers (list and
 * watch EndpointSlices), and the fluid model of its replicas, caches, NodeLocal DNSCache and
 * the pods' resolvers answers the workloads' lookups (src/model/dns).
 */
import type { Component, ComponentContext } from "../../world/index.js";
import { Informers } from "../../model/clients/informers.js";
import {
  DnsModel,
  dnsConfig,
  GLIBC_RESOLVER,
  MUSL_RESOLVER,
  type DnsConfigOverrides,
  type DnsWorkload,
} from "../../model/dns/index.js";
import type { ClusterClass, WorkloadSettings } from "../../scenario/index.js";
import { CONTROL_PLANE_DEFAULTS } from "../build-cluster.js";
import { CLUSTER_SPEC, CONTROL_PLANE, CONTROLLER_API, DNS, type DnsPort } from "./ports.js";
import { SERVICE_ENDPOINTS, type ServiceEndpointsPort } from "./service-placement.js";
import { DATA_PLANE_DEFAULTS, kubeSystemUser, template } from "./defaults.js";

export class CoreDnsComponent implements Component, DnsPort {
  readonly name = "coredns";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE, CONTROLLER_API, SERVICE_ENDPOINTS];
  readonly provides = [DNS];
  model!: DnsModel;
  replicas = 0;

  attach(context: ComponentContext): void {
    const { name, spec, workloads } = context.get(CLUSTER_SPEC);
    const cluster = context.get(CONTROL_PLANE).cluster;
    const controllers = context.get(CONTROLLER_API);
    const endpoints = context.get(SERVICE_ENDPOINTS);
    const settings = workloads ?? { services: [], products: [], sources: [] };
    const d = DATA_PLANE_DEFAULTS;
    const services = settings.services.length + d.baseServices;
    cluster.resources.set("endpointslices", {
      count: services,
      averageBytes: d.endpointSliceBytes,
      watchers: 0,
    });
    this.replicas =
      spec.dns.coreDnsReplicas ??
      Math.max(d.coreDnsMinReplicas, Math.ceil(spec.nodes / d.coreDnsNodesPerReplica));
    const informers = new Informers(context.sim, cluster, {
      name: `${name}/coredns`,
      members: this.replicas,
      list: template(
        "coredns list endpointslices",
        "list",
        "endpointslices",
        "discovery.k8s.io",
        "cluster",
      ),
      watch: template(
        "coredns watch endpointslices",
        "watch",
        "endpointslices",
        "discovery.k8s.io",
        "cluster",
      ),
      userOf: () => kubeSystemUser("coredns"),
      startOf: () => 0,
      qps: 5,
      burst: 10,
      version: spec.kubernetesVersion,
      maxRetries: CONTROL_PLANE_DEFAULTS.clientGoMaxRetries,
    });
    this.model = new DnsModel(
      context.sim,
      dnsConfig(dnsOverrides(spec, services, this.replicas)),
      settings.services.map((service) => dnsWorkload(service, endpoints)),
      {
        feed: {
          hasSynced: (r) => informers.hasSynced(r),
          isWatching: (r) => informers.isWatching(r),
          restart: (r) => informers.restartMember(r),
        },
        endpoints: {
          endpointsValidSince: (service, since) => endpoints.validSince(service, since),
        },
        kubeDnsEndpoints: { canUpdateEndpoints: () => controllers.reachable() },
      },
    );
    context.provide(DNS, this);
  }

  success(): number {
    let lookups = 0;
    let ok = 0;
    for (const result of this.model.lookups()) {
      lookups += result.lookupsPerSecond;
      ok += result.lookupsPerSecond * result.successFraction;
    }
    return lookups === 0 ? 1 : ok / lookups;
  }
}

function dnsWorkload(
  service: WorkloadSettings["services"][number],
  endpoints: ServiceEndpointsPort,
): DnsWorkload {
  const pods = endpoints.replicasOf(service);
  const names = [
    ...service.dependsOn.map((dep) => ({ name: dep, share: 1, service: `default/${dep}` })),
    ...service.externalNames.map((external) => ({ name: external, share: 1 })),
  ];
  return {
    name: service.name,
    namespace: "default",
    pods,
    lookupsPerSecond: pods * Math.max(1, names.length) * DATA_PLANE_DEFAULTS.lookupsPerPodPerName,
    names:
      names.length > 0 ? names : [{ name: "kubernetes", share: 1, service: "default/kubernetes" }],
    resolver: service.resolver === "musl" ? MUSL_RESOLVER : GLIBC_RESOLVER,
    appCacheTtl: service.appCacheTtlSeconds,
  };
}

type CacheSettings = ClusterClass["dns"]["cache"];

function cacheOverrides(c: CacheSettings) {
  return c === undefined
    ? undefined
    : {
        ...(c.successSeconds === undefined ? {} : { successTtlCap: c.successSeconds }),
        ...(c.denialSeconds === undefined ? {} : { denialTtlCap: c.denialSeconds }),
        ...(c.serveStale === undefined
          ? {}
          : { serveStale: c.serveStale.mode, serveStaleDuration: c.serveStale.durationSeconds }),
        ...(c.prefetch === undefined ? {} : { prefetch: c.prefetch }),
      };
}

function dnsOverrides(spec: ClusterClass, services: number, replicas: number): DnsConfigOverrides {
  const s = spec.dns;
  const coreCache = cacheOverrides(s.cache);
  const localCache = cacheOverrides(s.nodeLocal?.cache);
  return {
    tickSeconds: DATA_PLANE_DEFAULTS.dataPlaneTickSeconds,
    services,
    pods: Math.round(spec.nodes * spec.podsPerNode),
    coreDns: {
      replicas,
      ...(s.recordTtlSeconds === undefined ? {} : { recordTtl: s.recordTtlSeconds }),
      ...(s.capacityQps === undefined ? {} : { capacityQps: s.capacityQps }),
      ...(coreCache === undefined ? {} : { cache: coreCache }),
    },
    nodeLocal: {
      enabled: s.nodeLocal?.enabled ?? false,
      nodes: spec.nodes,
      ...(localCache === undefined ? {} : { cache: localCache }),
    },
  };
}
