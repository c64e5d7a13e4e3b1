/**
 * One simulated cluster end to end: its control plane (build-cluster.ts), its nodes and the
 * node lifecycle controller, CoreDNS whose store is a real informer on the apiservers, the
 * workloads and products that resolve and call each other, the DaemonSet the pipeline rolls
 * out, and the handle through which the pipeline, alerts and operators see and act on it.
 *
 * Every dependency on the control plane goes through simulated requests: kubelet leases,
 * kube-controller-manager's leader lease (which decides whether the node lifecycle and
 * endpoint controllers can act), CoreDNS's list and watch, pod creations, operators' kubectl.
 */
import type { Simulation } from "../sim/index.js";
import type { ClusterClass, OperatorSettings, WorkloadSettings } from "../scenario/index.js";
import type { ClusterObserver } from "../model/cluster.js";
import type { UserInfo } from "../k8s/index.js";
import { PeriodicCallers } from "../model/clients/periodic-callers.js";
import { Informers } from "../model/clients/informers.js";
import { ApiClient } from "../model/clients/api-client.js";
import { STATUS_OK, type RequestTemplate } from "../model/request.js";
import {
  NodeLifecycleController,
  NodePool,
  nodesConfig,
  spreadPods,
  type ControllerApi,
} from "../model/nodes/index.js";
import {
  DnsModel,
  dnsConfig,
  GLIBC_RESOLVER,
  MUSL_RESOLVER,
  type DnsConfigOverrides,
  type DnsWorkload,
} from "../model/dns/index.js";
import {
  ClusterWorkloads,
  USER_CLIENT,
  type PodCreationAdmission,
  type WorkloadsConfig,
} from "../model/workloads/index.js";
import { buildCluster, CONTROL_PLANE_DEFAULTS, type BuiltCluster } from "./build-cluster.js";
import type { HealthSignals, ClusterHandle, ApiActionKind, ApiPath } from "./ops/index.js";
import { HealthSignalsTracker } from "./health-signals.js";

/** Data-plane defaults; each is listed with its source in docs/model.md. */
export const DATA_PLANE_DEFAULTS = {
  /** kube-controller-manager --leader-elect-retry-period and --leader-elect-renew-deadline. */
  leaderElectionRetrySeconds: 2,
  leaderElectionRenewDeadlineSeconds: 10,
  /** kube-dns-autoscaler (cluster-proportional-autoscaler) linear mode: 1 replica per 16 nodes. */
  coreDnsNodesPerReplica: 16,
  coreDnsMinReplicas: 2,
  /** Lookups per second each pod makes of each name it depends on (assumed). */
  lookupsPerPodPerName: 0.2,
  /** Size of one EndpointSlice object (assumed: ~100 endpoints of ~100 B plus metadata). */
  endpointSliceBytes: 10_000,
  /** Services in a cluster beyond the scenario's (kube-system and platform; assumed). */
  baseServices: 100,
  /** New apiserver replicas: from asking to the process starting (assumed, VM provisioning). */
  apiserverProvisioningSeconds: 600,
  /** kube-controller-manager's client for ReplicaSet pod creations (--kube-api-qps/burst). */
  replicaSetQps: 20,
  replicaSetBurst: 30,
  /** Step of the fluid DNS and workload models (s): fine against 30 s TTLs and 5 s timeouts. */
  dataPlaneTickSeconds: 2,
} as const;

const KUBE_SYSTEM = (name: string): UserInfo => ({
  name: `system:serviceaccount:kube-system:${name}`,
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
});

const OPERATOR_USERS: Record<OperatorSettings["identity"], UserInfo> = {
  // kubeadm's admin.conf: the system:masters group, which APF exempts.
  "system:masters": {
    name: "kubernetes-admin",
    groups: ["system:masters", "system:authenticated"],
  },
  // An SSO user bound to cluster-admin: global-default like any authenticated user.
  "cluster-admin": { name: "oncall@example.com", groups: ["oncall", "system:authenticated"] },
};

function template(
  name: string,
  verb: RequestTemplate["verb"],
  resource: string,
  apiGroup: string,
  scope: RequestTemplate["scope"] = "namespace",
): RequestTemplate {
  return {
    name,
    verb,
    resource,
    apiGroup,
    scope,
    options: verb === "list" || verb === "watch" ? { resourceVersion: "0" } : {},
    encoding: "protobuf",
    mutating: verb !== "get" && verb !== "list" && verb !== "watch",
  };
}

export interface ClusterWorldOptions {
  name: string;
  spec: ClusterClass;
  workloads: WorkloadSettings | undefined;
  operators: OperatorSettings;
  /** The agent the pipeline rolls out (its DaemonSet), if any. */
  change: string | undefined;
}

/** One minute of what happened in the cluster, for charts and outcome measures. */
export interface MinuteSample {
  t: number;
  /** Absent when no request got an answer or timed out in the minute. */
  apiserverP99Seconds: number | undefined;
  rejected429PerSecond: number;
  /** Absent when no request was sent in the minute. */
  apiAvailability: number | undefined;
  readyReplicas: number;
  replicas: number;
  maxReplicaMemoryBytes: number;
  nodesReady: number;
  nodes: number;
  agentPods: number;
  dnsSuccess: number;
  coreDnsReady: number;
  products: Record<string, number>;
  productRequests: Record<string, number>;
}

export class ClusterWorld implements ClusterHandle {
  readonly built: BuiltCluster;
  readonly pool: NodePool | undefined;
  readonly nodeLifecycle: NodeLifecycleController | undefined;
  readonly dns: DnsModel | undefined;
  readonly workloads: ClusterWorkloads | undefined;
  readonly samples: MinuteSample[] = [];
  readonly tracker = new HealthSignalsTracker();
  readonly leaderLease: PeriodicCallers | undefined;
  private leaderRenewedAt = 0;
  private readonly coreDnsInformers: Informers | undefined;
  private readonly operatorClient: ApiClient;
  private readonly breakGlassClient: ApiClient;
  private readonly podCreator: ApiClient;
  /** Per service: its pods on each node, to turn node events into pod losses. */
  private readonly podsOnNode = new Map<string, Uint16Array>();
  private readonly endpointIndex = new Map<string, number>();
  private readonly baselineProductRate = new Map<string, number>();
  private readonly removedInLeaseGroup: Uint16Array;
  /**
   * Nodes added after a scale-down take the slots of removed ones: the slot decides which
   * kubelet lease renewer and which DaemonSet pod row stand for the new node.
   */
  private readonly slotOfAddedRow = new Map<number, number>();
  private readonly addedRowsOfMember = new Map<number, number[]>();
  private readonly freeSlots: number[] = [];
  private lastDnsSuccess = 1;

  constructor(
    private readonly sim: Simulation,
    private readonly options: ClusterWorldOptions,
    observer: ClusterObserver,
  ) {
    const { spec, name } = options;
    const d = DATA_PLANE_DEFAULTS;
    const hasDataPlane = options.workloads !== undefined;
    let pool: NodePool | undefined;
    this.built = buildCluster(sim, spec, name, observer, {
      onLeaseOutcome: (member, ok) => {
        if (!ok || pool === undefined) return;
        const group = this.built.leaseGroup;
        const end = Math.min(spec.nodes, (member + 1) * group);
        for (let node = member * group; node < end; node++) {
          if (!pool.isRemoved(node)) pool.recordLeaseRenewal(node, sim.now);
        }
        for (const node of this.addedRowsOfMember.get(member) ?? []) {
          if (!pool.isRemoved(node)) pool.recordLeaseRenewal(node, sim.now);
        }
      },
    });
    const cluster = this.built.cluster;
    this.removedInLeaseGroup = new Uint16Array(Math.ceil(spec.nodes / this.built.leaseGroup));

    // kube-controller-manager holds its leader lease while its renewals succeed; without it the
    // node lifecycle, endpoint and ReplicaSet controllers stand still.
    this.leaderLease = !hasDataPlane
      ? undefined
      : new PeriodicCallers(
          sim,
          {
            name: `${name}/kube-controller-manager-leader-election`,
            members: 1,
            template: template(
              "kube-controller-manager renew leader lease",
              "update",
              "leases",
              "coordination.k8s.io",
            ),
            userOf: () => ({
              name: "system:kube-controller-manager",
              groups: ["system:authenticated"],
            }),
            periodSeconds: d.leaderElectionRetrySeconds,
            startOf: () => 0,
            qps: 20,
            burst: 30,
            retry: { kind: "client-go", maxRetries: 0, version: spec.kubernetesVersion },
            onOutcome: (_member, ok) => {
              if (ok) this.leaderRenewedAt = sim.now;
            },
          },
          cluster,
        );
    const controllerApi: ControllerApi = { reachable: () => this.controllerReachable() };

    if (spec.nodeLeases && hasDataPlane) {
      const nodes = nodesConfig({
        version: spec.kubernetesVersion,
        nodeCount: spec.nodes,
        zoneCount: spec.zones,
        podsPerNode: Math.max(0, Math.round(spec.podsPerNode)),
      });
      pool = new NodePool(nodes);
      this.pool = pool;
      this.nodeLifecycle = new NodeLifecycleController(sim, pool, controllerApi, nodes);
    }

    this.operatorClient = this.client(
      `${name}/operator`,
      OPERATOR_USERS[options.operators.identity],
    );
    this.breakGlassClient = this.client(
      `${name}/operator-break-glass`,
      OPERATOR_USERS["system:masters"],
    );
    this.breakGlassClient.useTransport(cluster.breakGlass);
    this.podCreator = new ApiClient(
      sim,
      {
        name: `${name}/replicaset-controller`,
        user: KUBE_SYSTEM("replicaset-controller"),
        qps: d.replicaSetQps,
        burst: d.replicaSetBurst,
        maxRetries: CONTROL_PLANE_DEFAULTS.clientGoMaxRetries,
        version: spec.kubernetesVersion,
      },
      cluster,
    );

    if (options.workloads !== undefined) {
      const settings = options.workloads;
      const services = settings.services.length + d.baseServices;
      cluster.resources.set("endpointslices", {
        count: services,
        averageBytes: d.endpointSliceBytes,
        watchers: 0,
      });
      const coreDnsReplicas =
        spec.dns.coreDnsReplicas ??
        Math.max(d.coreDnsMinReplicas, Math.ceil(spec.nodes / d.coreDnsNodesPerReplica));
      this.coreDnsInformers = new Informers(sim, cluster, {
        name: `${name}/coredns`,
        members: coreDnsReplicas,
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
        userOf: () => KUBE_SYSTEM("coredns"),
        startOf: () => 0,
        qps: 5,
        burst: 10,
        version: spec.kubernetesVersion,
        maxRetries: CONTROL_PLANE_DEFAULTS.clientGoMaxRetries,
      });
      const replicasOf = (service: WorkloadSettings["services"][number]) =>
        service.replicas ?? Math.max(1, Math.round((service.replicasPerNode ?? 0) * spec.nodes));
      const placement = sim.random(`world/${name}/placement`);
      for (const service of settings.services) {
        const replicas = replicasOf(service);
        if (pool !== undefined && this.nodeLifecycle !== undefined) {
          const podNodes = spreadPods(pool, replicas, placement);
          const counts = new Uint16Array(pool.size);
          for (const node of podNodes) counts[node]++;
          this.podsOnNode.set(service.name, counts);
          this.endpointIndex.set(
            service.name,
            this.nodeLifecycle.endpoints.addService({ name: service.name, podNodes }),
          );
        }
      }
      this.dns = new DnsModel(
        sim,
        dnsConfig(this.dnsOverrides(services, coreDnsReplicas)),
        settings.services.map((service): DnsWorkload => {
          const pods = replicasOf(service);
          const names = [
            ...service.dependsOn.map((dep) => ({ name: dep, share: 1, service: `default/${dep}` })),
            ...service.externalNames.map((external) => ({ name: external, share: 1 })),
          ];
          return {
            name: service.name,
            namespace: "default",
            pods,
            lookupsPerSecond: pods * Math.max(1, names.length) * d.lookupsPerPodPerName,
            names:
              names.length > 0
                ? names
                : [{ name: "kubernetes", share: 1, service: "default/kubernetes" }],
            resolver: service.resolver === "musl" ? MUSL_RESOLVER : GLIBC_RESOLVER,
            appCacheTtl: service.appCacheTtlSeconds,
          };
        }),
        {
          feed: {
            hasSynced: (r) => this.coreDnsInformers?.hasSynced(r) ?? false,
            isWatching: (r) => this.coreDnsInformers?.isWatching(r) ?? false,
            restart: (r) => this.coreDnsInformers?.restartMember(r),
          },
          endpoints: {
            endpointsValidSince: (service, since) => this.endpointsValidSince(service, since),
          },
          kubeDnsEndpoints: { canUpdateEndpoints: () => this.controllerReachable() },
        },
      );
      const workloadsConfig: WorkloadsConfig = {
        cluster: name,
        tickSeconds: d.dataPlaneTickSeconds,
        services: settings.services.map((service) => ({
          name: service.name,
          replicas: replicasOf(service),
          dependsOn: service.dependsOn,
          requestsPerSecondPerPod: service.requestsPerSecondPerPod,
          startupSeconds: service.startupSeconds,
          downloads: service.downloads,
        })),
        products: settings.products.map((product) => {
          const rate = product.requestsPerSecondPerNode * spec.nodes;
          this.baselineProductRate.set(product.name, rate);
          return {
            name: product.name,
            entryServices: product.entryServices,
            requestsPerSecond: rate,
          };
        }),
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
      this.workloads = new ClusterWorkloads(sim, workloadsConfig, {
        dataPlane: {
          resolveSuccess: (client, service) =>
            client === USER_CLIENT ? 1 : (this.dns?.lookup(client, service).successFraction ?? 1),
          readyEndpointFraction: (service) => this.readyEndpointFraction(service),
        },
        admission: this.podAdmission(),
      });
      this.workloads.start();
      this.scheduleCoreDnsRestart(coreDnsReplicas);
    }
    this.nodeLifecycle?.start();
    this.subscribeToNodes();
    sim.schedule(60, this.sample, this);
  }

  get name(): string {
    return this.options.name;
  }

  /** CoreDNS pods restart now and then; one Poisson process for all replicas. */
  private scheduleCoreDnsRestart(replicas: number): void {
    const perHour = this.options.spec.dns.restartsPerReplicaPerHour ?? 0;
    if (!(perHour > 0) || this.dns === undefined) return;
    const random = this.sim.random(`world/${this.options.name}/coredns-restarts`);
    const meanGap = 3600 / (perHour * replicas);
    const next = (): void => {
      this.dns?.restartReplica(random.integer(0, replicas - 1));
      this.sim.schedule(random.exponential(meanGap), next);
    };
    this.sim.schedule(random.exponential(meanGap), next);
  }

  /** The controllers act while kube-controller-manager holds its leader lease. */
  controllerReachable(): boolean {
    if (this.leaderLease === undefined) return this.built.cluster.readyCount > 0;
    return (
      this.sim.now - this.leaderRenewedAt <= DATA_PLANE_DEFAULTS.leaderElectionRenewDeadlineSeconds
    );
  }

  private client(name: string, user: UserInfo): ApiClient {
    return new ApiClient(
      this.sim,
      {
        name,
        user,
        qps: 5,
        burst: 10,
        maxRetries: CONTROL_PLANE_DEFAULTS.clientGoMaxRetries,
        version: this.options.spec.kubernetesVersion,
      },
      this.built.cluster,
    );
  }

  private dnsOverrides(services: number, replicas: number): DnsConfigOverrides {
    const s = this.options.spec.dns;
    const cache = (c: typeof s.cache) =>
      c === undefined
        ? undefined
        : {
            ...(c.successSeconds === undefined ? {} : { successTtlCap: c.successSeconds }),
            ...(c.denialSeconds === undefined ? {} : { denialTtlCap: c.denialSeconds }),
            ...(c.serveStale === undefined
              ? {}
              : {
                  serveStale: c.serveStale.mode,
                  serveStaleDuration: c.serveStale.durationSeconds,
                }),
            ...(c.prefetch === undefined ? {} : { prefetch: c.prefetch }),
          };
    return {
      tickSeconds: DATA_PLANE_DEFAULTS.dataPlaneTickSeconds,
      services,
      pods: Math.round(this.options.spec.nodes * this.options.spec.podsPerNode),
      coreDns: {
        replicas,
        ...(s.recordTtlSeconds === undefined ? {} : { recordTtl: s.recordTtlSeconds }),
        ...(s.capacityQps === undefined ? {} : { capacityQps: s.capacityQps }),
        ...(cache(s.cache) === undefined ? {} : { cache: cache(s.cache) }),
      },
      nodeLocal: {
        enabled: s.nodeLocal?.enabled ?? false,
        nodes: this.options.spec.nodes,
        ...(cache(s.nodeLocal?.cache) === undefined ? {} : { cache: cache(s.nodeLocal?.cache) }),
      },
    };
  }

  /** Pods re-created by the ReplicaSet controller: one create request each, through the API. */
  private podAdmission(): PodCreationAdmission {
    const create = template("replicaset-controller create pods", "create", "pods", "");
    return {
      createPods: (_service, count, done) => {
        if (count <= 0) {
          done(0);
          return;
        }
        if (!this.controllerReachable()) {
          done(0);
          return;
        }
        let answered = 0;
        let created = 0;
        for (let i = 0; i < count; i++) {
          this.podCreator.call(
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

  private endpointsValidSince(service: string, since: number): number {
    const key = service.startsWith("default/") ? service.slice("default/".length) : service;
    const index = this.endpointIndex.get(key);
    if (index === undefined || this.nodeLifecycle === undefined) return 1;
    const endpoints = this.nodeLifecycle.endpoints;
    if (endpoints.unchangedSinceOf(index) <= since) return 1;
    return endpoints.readyFraction(index);
  }

  private readyEndpointFraction(service: string): number {
    const index = this.endpointIndex.get(service);
    if (index === undefined || this.nodeLifecycle === undefined) return 1;
    // Counting listed endpoints on gone nodes walks every pod: redo it only after node events.
    const memo = this.endpointMemo.get(service);
    if (memo !== undefined && memo.version === this.nodeEventsVersion) return memo.value;
    const endpoints = this.nodeLifecycle.endpoints;
    const pods = endpoints.podCount(index);
    const value = pods === 0 ? 1 : Math.max(0, 1 - endpoints.listedGoneEndpoints(index) / pods);
    this.endpointMemo.set(service, { version: this.nodeEventsVersion, value });
    return value;
  }

  private nodeEventsVersion = 0;
  private readonly endpointMemo = new Map<string, { version: number; value: number }>();

  private subscribeToNodes(): void {
    const rollout =
      this.options.change === undefined ? undefined : this.built.rollouts.get(this.options.change);
    this.nodeLifecycle?.subscribe({
      onEndpointsListedChanged: () => this.nodeEventsVersion++,
      onPodsEvicted: (node) => this.podsLostOn(node, "eviction"),
      onNodeRemoved: (node) => {
        this.nodeEventsVersion++;
        if (!this.scalingNodes) this.podsLostOn(node, "scale-down");
        const slot = this.slotOfAddedRow.get(node) ?? node;
        this.freeSlots.push(slot);
        rollout?.removeNode(slot);
        this.nodeObjectsChanged(-1);
        const member = Math.floor(slot / this.built.leaseGroup);
        const added = this.addedRowsOfMember.get(member);
        if (added !== undefined && added.includes(node)) added.splice(added.indexOf(node), 1);
        if (++this.removedInLeaseGroup[member] >= this.built.leaseGroup) {
          this.built.leases?.stopMember(member);
        }
      },
      onNodeAdded: (node) => {
        this.nodeEventsVersion++;
        this.nodeObjectsChanged(+1);
        const slot = this.freeSlots.pop() ?? node % this.options.spec.nodes;
        this.slotOfAddedRow.set(node, slot);
        rollout?.addNode(slot);
        const member = Math.floor(slot / this.built.leaseGroup);
        let added = this.addedRowsOfMember.get(member);
        if (added === undefined) {
          added = [];
          this.addedRowsOfMember.set(member, added);
        }
        added.push(node);
        if (this.removedInLeaseGroup[member] > 0) this.removedInLeaseGroup[member]--;
        this.built.leases?.startMember(member);
      },
    });
  }

  private nodeObjectsChanged(delta: number): void {
    const resources = this.built.cluster.resources;
    const nodes = resources.get("nodes");
    const leases = resources.get("leases");
    if (nodes !== undefined) nodes.count = Math.max(0, nodes.count + delta);
    if (leases !== undefined) leases.count = Math.max(0, leases.count + delta);
    this.built.cluster.podObjectsChanged(delta * Math.round(this.options.spec.podsPerNode));
  }

  private podsLostOn(node: number, reason: "eviction" | "scale-down"): void {
    if (this.workloads === undefined) return;
    for (const [service, counts] of this.podsOnNode) {
      if (node < counts.length && counts[node] > 0) {
        this.workloads.podsLost(service, counts[node], reason);
        counts[node] = 0;
      }
    }
  }

  // --- ClusterHandle: what the pipeline and operators do ---

  applyChange(changeId: string): void {
    this.built.rollouts.get(changeId)?.apply();
  }

  apiAction(action: ApiActionKind, path: ApiPath, done: (ok: boolean) => void): void {
    if (path === "break-glass" && this.built.cluster.breakGlassReplica === undefined) {
      done(false);
      return;
    }
    const client = path === "break-glass" ? this.breakGlassClient : this.operatorClient;
    // Rolling back a DaemonSet that did not exist before is deleting it.
    const request =
      action === "rollback"
        ? template("operator rollback daemonset", "delete", "daemonsets", "apps")
        : template("operator delete daemonset", "delete", "daemonsets", "apps");
    client.call(
      request,
      (status) => {
        const ok = status === STATUS_OK;
        if (ok && this.options.change !== undefined) {
          this.built.rollouts.get(this.options.change)?.deleteObject();
        }
        done(ok);
      },
      null,
    );
  }

  scaleNodes(targetNodes: number): void {
    if (this.pool === undefined) return;
    const live = this.pool.liveCount;
    // Pods of the removed nodes have nowhere else to go (the nodes were full): services sized
    // per node shrink with the cluster, and grow back, re-downloading, when nodes return.
    this.scalingNodes = true;
    if (targetNodes < live) this.pool.removeNodes(live - targetNodes, this.sim.now);
    else if (targetNodes > live) this.pool.addNodes(targetNodes - live, this.sim.now);
    this.scalingNodes = false;
    for (const service of this.options.workloads?.services ?? []) {
      if (service.replicasPerNode === undefined) continue;
      this.workloads?.setReplicas(
        service.name,
        Math.max(1, Math.round(service.replicasPerNode * this.pool.liveCount)),
      );
    }
  }

  private scalingNodes = false;

  blockAdminApi(blocked: boolean): void {
    const operators = new Set([
      OPERATOR_USERS["system:masters"].name,
      OPERATOR_USERS["cluster-admin"].name,
    ]);
    // The block keeps the cluster's own components (kubelets, controllers, kube-system) and
    // the operators; everything else, the expensive agents included, is refused.
    this.built.cluster.blockUsers(
      blocked
        ? (user) =>
            !(
              user.startsWith("system:node:") ||
              user.startsWith("system:kube-") ||
              user.startsWith("system:serviceaccount:kube-system:") ||
              operators.has(user)
            )
        : undefined,
    );
  }

  scaleApiservers(replicas: number): void {
    const cluster = this.built.cluster;
    const more = replicas - cluster.replicas.length;
    if (more > 0) {
      cluster.addReplicas(
        more,
        this.options.operators.runbook.apiserverProvisioningSeconds ??
          DATA_PLANE_DEFAULTS.apiserverProvisioningSeconds,
      );
    }
  }

  signals(): HealthSignals {
    const cp = this.tracker.signals(this.sim.now);
    return {
      // No latency series: a "p99 > x" rule does not fire, as in Prometheus.
      apiserverP99Seconds: cp.apiserverP99Seconds ?? 0,
      rejected429PerSecond: cp.rejected429PerSecond,
      readyzOk: this.built.cluster.readyCount > 0,
      workloadSuccessRate: this.workloadSuccess(),
      dnsSuccessRate: this.lastDnsSuccess,
    };
  }

  /** User-facing success over all products now, weighted by their traffic. */
  workloadSuccess(): number {
    if (this.workloads === undefined) return 1;
    let total = 0;
    let ok = 0;
    for (const [product, rate] of this.baselineProductRate) {
      total += rate;
      ok += rate * this.workloads.productSuccess(product);
    }
    return total === 0 ? 1 : ok / total;
  }

  setTrafficWeight(product: string, weight: number): void {
    this.workloads?.setTrafficWeight(product, weight);
  }

  private dnsSuccess(): number {
    if (this.dns === undefined) return 1;
    let lookups = 0;
    let ok = 0;
    for (const result of this.dns.lookups()) {
      lookups += result.lookupsPerSecond;
      ok += result.lookupsPerSecond * result.successFraction;
    }
    return lookups === 0 ? 1 : ok / lookups;
  }

  private readonly sample = (): void => {
    const now = this.sim.now;
    const cluster = this.built.cluster;
    const cp = this.tracker.signals(now);
    this.lastDnsSuccess = this.dnsSuccess();
    const products: Record<string, number> = {};
    const productRequests: Record<string, number> = {};
    if (this.workloads !== undefined) {
      for (const product of this.baselineProductRate.keys()) {
        const windows = this.workloads.productSuccessWindows(product);
        const last = windows.length > 0 ? windows[windows.length - 1] : undefined;
        // A minute with no requests (traffic moved away) has no failures.
        const rate = last?.successRate ?? this.workloads.productSuccess(product);
        products[product] = Number.isFinite(rate) ? rate : 1;
        productRequests[product] = last?.offeredRequests ?? 0;
      }
    }
    let agentPods = 0;
    for (const rollout of this.built.rollouts.values()) agentPods += rollout.runningPods;
    this.samples.push({
      t: now,
      apiserverP99Seconds: cp.apiserverP99Seconds,
      rejected429PerSecond: cp.rejected429PerSecond,
      apiAvailability: cp.apiAvailability,
      readyReplicas: cluster.readyCount,
      replicas: cluster.replicas.length,
      maxReplicaMemoryBytes: Math.max(...cluster.replicas.map((r) => r.memoryBytes)),
      nodesReady: this.pool?.readyCount ?? this.options.spec.nodes,
      nodes: this.pool?.liveCount ?? this.options.spec.nodes,
      agentPods,
      dnsSuccess: this.lastDnsSuccess,
      coreDnsReady: this.dns?.readyReplicas() ?? 0,
      products,
      productRequests,
    });
    this.sim.schedule(60, this.sample, this);
  };
}
