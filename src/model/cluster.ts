/**
 * One cluster's control plane: apiserver replicas behind a load balancer, etcd, the stored
 * objects (as counts and sizes), and the client populations that call it.
 */
import type { StateChecker } from "../world/checker.js";
import type { RandomStream, Simulation } from "../sim/index.js";
import type { FeatureGates, KubernetesVersion } from "../k8s/index.js";
import {
  DEFAULT_COST_COEFFICIENTS,
  getCost,
  listCost,
  writeCost,
  type CostCoefficients,
  type ServerProfile,
} from "../k8s/cost/index.js";
import {
  ApiserverReplica,
  type Admission,
  type ReplicaConfig,
  type ReplicaHost,
} from "./apiserver.js";
import { Etcd, type EtcdConfig } from "./etcd.js";
import { gatesWhileInitializing } from "./watch-cache-startup.js";
import {
  ApiRequest,
  STATUS_CONNECTION_REFUSED,
  STATUS_GATEWAY_TIMEOUT,
  type RequestTemplate,
} from "./request.js";
import type { RequestTransport } from "./clients/periodic-callers.js";

/** History the watch cache keeps: upstream's eventFreshDuration (75 s) in the cacher. */
export const WATCH_CACHE_HISTORY_SECONDS = 75;

/** client-go's reflector asks for watches of at least 5 min (minWatchTimeout). */
export const WATCH_OPEN_TIMEOUT_SECONDS = 300;

/** Stored objects of one resource, as the cost model sees them. */
export interface ResourceStats {
  count: number;
  averageBytes: number;
  /** Open watches on this resource across the cluster, for write fan-out. */
  watchers: number;
  /** Of those, watches scoped to one node's objects: each hears of its own node's only. */
  nodeScopedWatchers?: number;
}

export interface ClusterModelConfig {
  name: string;
  nodes: number;
  podsPerNode: number;
  version: KubernetesVersion;
  featureGates: FeatureGates;
  /** etcd answers watch progress requests (≥ 3.4.31 / 3.5.13): consistent reads from cache. */
  etcdSupportsRequestWatchProgress: boolean;
  requestTimeoutSeconds: number;
  replicas: number;
  replica: ReplicaConfig;
  etcd: EtcdConfig;
  objectBytes: { pods: number; nodes: number; leases: number };
  coefficients: CostCoefficients;
  /** Creates each replica's admission control (APF or max-inflight). */
  admissionFactory: (replicaIndex: number) => Admission;
  /** Housekeeping period: APF borrowing and gauge sampling (s). */
  tickSeconds: number;
  /** A reserved replica outside the load balancer, reachable only through `breakGlass`. */
  breakGlassReplica?: boolean;
  /** Checks conservation rules on every transition, when the run is checked. */
  checker?: StateChecker;
}

/** Where the cluster reports what happens, for metrics. */
export interface ClusterObserver {
  response(cluster: Cluster, request: ApiRequest, status: number, latencySeconds: number): void;
  rejection(cluster: Cluster, request: ApiRequest, reason: string): void;
  etcd(cluster: Cluster, request: ApiRequest, replica: ApiserverReplica, seconds: number): void;
  tick(cluster: Cluster): void;
}

export class Cluster implements RequestTransport, ReplicaHost {
  readonly replicas: ApiserverReplica[] = [];
  readonly etcd: Etcd;
  readonly resources: Map<string, ResourceStats>;
  readonly server: ServerProfile;
  private readonly initializingServer: ServerProfile;
  private readonly random: RandomStream;
  private readonly readyReplicas: ApiserverReplica[] = [];
  /** Called when a replica dies: watch-holding populations lose their streams on it. */
  readonly onReplicaDown: ((replica: ApiserverReplica) => void)[] = [];
  /** The reserved replica of the break-glass path, when the cluster has one. */
  readonly breakGlassReplica: ApiserverReplica | undefined;
  /** The path to it: requests sent here bypass the load balancer and any network block. */
  readonly breakGlass: RequestTransport;
  /** Users whose connections the network refuses (an operator blocked the admin API to them). */
  private blocked: ((user: string) => boolean) | undefined;

  constructor(
    private readonly sim: Simulation,
    readonly config: ClusterModelConfig,
    private readonly observer: ClusterObserver,
  ) {
    this.random = sim.random(`cluster/${config.name}/load-balancer`);
    this.server = {
      version: config.version,
      featureGates: config.featureGates,
      storage: { etcdSupportsRequestWatchProgress: config.etcdSupportsRequestWatchProgress },
      coefficients: config.coefficients,
    };
    this.initializingServer = {
      ...this.server,
      featureGates: gatesWhileInitializing(config.featureGates),
    };
    const { nodes, podsPerNode, objectBytes } = config;
    this.resources = new Map([
      [
        "pods",
        { count: Math.round(nodes * podsPerNode), averageBytes: objectBytes.pods, watchers: 0 },
      ],
      ["nodes", { count: nodes, averageBytes: objectBytes.nodes, watchers: 0 }],
      ["leases", { count: nodes, averageBytes: objectBytes.leases, watchers: 0 }],
    ]);
    this.etcd = new Etcd(sim, config.etcd, this.storedBytes());
    for (let i = 0; i < config.replicas; i++) {
      const replica = new ApiserverReplica(
        i,
        sim,
        config.replica,
        this.etcd,
        config.admissionFactory(i),
        this,
      );
      this.replicas.push(replica);
      this.readyReplicas.push(replica);
    }
    this.breakGlassReplica = config.breakGlassReplica
      ? new ApiserverReplica(
          config.replicas,
          sim,
          config.replica,
          this.etcd,
          config.admissionFactory(config.replicas),
          this,
        )
      : undefined;
    this.breakGlass = { send: (request) => this.sendBreakGlass(request) };
    sim.schedule(config.tickSeconds, this.onTick, this);
  }

  /** Requests from users the predicate matches are refused at the network from now on. */
  blockUsers(predicate: ((user: string) => boolean) | undefined): void {
    this.blocked = predicate;
  }

  get networkBlockActive(): boolean {
    return this.blocked !== undefined;
  }

  /** Scale-up: `count` new replicas join the load balancer once provisioned and started. */
  addReplicas(count: number, provisionSeconds: number): void {
    for (let i = 0; i < count; i++) {
      const index = this.replicas.length;
      const replica = new ApiserverReplica(
        index,
        this.sim,
        this.config.replica,
        this.etcd,
        this.config.admissionFactory(index),
        this,
      );
      this.replicas.push(replica);
      this.onReplicaAdded.forEach((listener) => listener(replica));
      replica.provision(provisionSeconds);
    }
  }

  readonly onReplicaAdded: ((replica: ApiserverReplica) => void)[] = [];

  /** The stored pod count changed (a DaemonSet created or deleted pods). */
  podObjectsChanged(delta: number): void {
    this.objectsChanged("pods", delta);
  }

  /**
   * Stored objects of a resource were created (delta > 0) or deleted. A count that would go
   * below zero is an accounting error: the checker reports it; unchecked runs stop at zero.
   */
  objectsChanged(resource: string, delta: number): void {
    const stats = this.resources.get(resource);
    if (stats === undefined) return;
    const next = stats.count + delta;
    this.config.checker?.count(`${this.config.name} stored ${resource}`, next);
    stats.count = Math.max(0, next);
  }

  private sendBreakGlass(request: ApiRequest): void {
    this.config.checker?.requestSent(request, request.template.name);
    request.clientTimeout = this.sim.schedule(
      this.clientTimeoutOf(request),
      this.onClientTimeout,
      request,
    );
    const replica = this.breakGlassReplica;
    if (replica === undefined || !replica.ready) {
      this.respond(request, STATUS_CONNECTION_REFUSED, 0);
      return;
    }
    this.priceRequest(request, replica);
    replica.receive(request);
  }

  get name(): string {
    return this.config.name;
  }

  get checker(): StateChecker | undefined {
    return this.config.checker;
  }

  get featureGates(): FeatureGates {
    return this.config.featureGates;
  }

  get now(): number {
    return this.sim.now;
  }

  /**
   * How long the client waits: --request-timeout for a request; a watch is long-running and its
   * client waits at least client-go's minimum watch timeout (5 min) for the stream to open.
   */
  private clientTimeoutOf(request: ApiRequest): number {
    return request.template.verb === "watch"
      ? Math.max(this.config.requestTimeoutSeconds, WATCH_OPEN_TIMEOUT_SECONDS)
      : this.config.requestTimeoutSeconds;
  }

  /** The load balancer: a ready replica at random; none ready is a refused connection. */
  send(request: ApiRequest): void {
    this.config.checker?.requestSent(request, request.template.name);
    request.clientTimeout = this.sim.schedule(
      this.clientTimeoutOf(request),
      this.onClientTimeout,
      request,
    );
    if (this.readyReplicas.length === 0 || this.blocked?.(request.user.name) === true) {
      this.respond(request, STATUS_CONNECTION_REFUSED, 0);
      return;
    }
    const replica =
      this.readyReplicas.length === 1
        ? this.readyReplicas[0]
        : this.readyReplicas[Math.floor(this.random.next() * this.readyReplicas.length)];
    this.priceRequest(request, replica);
    replica.receive(request);
  }

  /** Objects a request of this template returns: one node's pods, or the whole resource. */
  matchingObjects(template: RequestTemplate): number {
    const count = this.resources.get(template.resource)?.count ?? 0;
    if (template.scope !== "node") return count;
    return template.resource === "pods" ? this.config.podsPerNode : 1;
  }

  /** Fixes what the request costs from the objects stored now. */
  private priceRequest(request: ApiRequest, replica: ApiserverReplica): void {
    // A replica whose cache is initialising sends consistent reads to etcd (resilient start-up).
    const server = replica.cacheReady ? this.server : this.initializingServer;
    const template = request.template;
    const stats = this.resources.get(template.resource);
    const averageBytes = stats?.averageBytes ?? 1000;
    switch (template.verb) {
      case "list":
        request.readCost = listCost(
          {
            storedObjects: stats?.count ?? 0,
            matchingObjects: this.matchingObjects(template),
            averageObjectBytes: averageBytes,
            // The watch cache indexes pods by spec.nodeName.
            indexedSelector: template.scope === "node" && template.resource === "pods",
          },
          request.options,
          template.encoding,
          server,
        );
        break;
      case "get":
        request.readCost = getCost(averageBytes, request.options, template.encoding, server);
        break;
      case "watch":
        // Opening a watch reads nothing from etcd: the cache replays from the revision asked.
        request.readCost = getCost(
          averageBytes,
          { resourceVersion: "0" },
          template.encoding,
          server,
        );
        break;
      default: {
        const watchers = stats?.watchers ?? 0;
        const scoped = stats?.nodeScopedWatchers ?? 0;
        // A write of one node's object reaches the cluster-wide watchers and that node's own.
        const recipients = watchers - scoped + scoped / Math.max(1, this.config.nodes);
        const cost = writeCost(averageBytes, watchers, server, recipients);
        const batch = template.batch ?? 1;
        request.writeCost =
          batch === 1
            ? cost
            : {
                objectBytes: cost.objectBytes * batch,
                etcdSeconds: cost.etcdSeconds * batch,
                cpuSeconds: cost.cpuSeconds * batch,
                fanOutCpuSeconds: cost.fanOutCpuSeconds * batch,
                fanOutBytes: cost.fanOutBytes * batch,
                memoryBytes: cost.memoryBytes * batch,
              };
      }
    }
  }

  /**
   * Resource versions are modelled as milliseconds of simulated time: every revision a client
   * sees is the cluster's state at some instant.
   */
  resourceVersionAt(seconds: number): number {
    return Math.floor(seconds * 1000) + 1;
  }

  /**
   * A watch from `resourceVersion` on a replica whose cache no longer holds it answers 410 Gone:
   * the cache keeps WATCH_CACHE_HISTORY_SECONDS of events, and nothing from before its
   * last (re)start.
   */
  isTooOldForWatch(replicaIndex: number, resourceVersion: number): boolean {
    const replica = this.replicas[replicaIndex];
    const oldest = Math.max(replica.cacheSince, this.sim.now - WATCH_CACHE_HISTORY_SECONDS);
    return resourceVersion < this.resourceVersionAt(oldest);
  }

  respond(request: ApiRequest, status: number, retryAfterSeconds: number): void {
    if (request.answered) return;
    request.answered = true;
    this.config.checker?.requestAnswered(request, request.template.name);
    if (request.clientTimeout >= 0) {
      this.sim.cancel(request.clientTimeout);
      request.clientTimeout = -1;
    }
    this.observer.response(this, request, status, this.sim.now - request.sentAt);
    request.sink.onResponse(request, status, retryAfterSeconds);
  }

  /** The client stops waiting; the apiserver's work goes on until it finishes. */
  private readonly onClientTimeout = (request: ApiRequest): void => {
    request.clientTimeout = -1;
    this.respond(request, STATUS_GATEWAY_TIMEOUT, 0);
  };

  storedBytes(): number {
    let bytes = 0;
    for (const stats of this.resources.values()) bytes += stats.count * stats.averageBytes;
    return bytes;
  }

  watchCacheInitCost(): { etcdSeconds: number; cpuSeconds: number } {
    const c = this.config.coefficients ?? DEFAULT_COST_COEFFICIENTS;
    const bytes = this.storedBytes();
    return {
      etcdSeconds: c.etcdRangeBaseSeconds + bytes * c.etcdRangeSecondsPerByte,
      cpuSeconds: bytes * c.decodeCpuSecondsPerByte,
    };
  }

  replicaDown(replica: ApiserverReplica): void {
    // The break-glass replica is outside the load balancer and holds no watches.
    if (replica === this.breakGlassReplica) return;
    const at = this.readyReplicas.indexOf(replica);
    if (at >= 0) this.readyReplicas.splice(at, 1);
    for (const listener of this.onReplicaDown) listener(replica);
  }

  replicaReady(replica: ApiserverReplica): void {
    if (replica === this.breakGlassReplica) return;
    if (!this.readyReplicas.includes(replica)) {
      this.readyReplicas.push(replica);
      this.readyReplicas.sort((a, b) => a.index - b.index);
    }
  }

  get readyCount(): number {
    return this.readyReplicas.length;
  }

  observeEtcd(request: ApiRequest, replica: ApiserverReplica, seconds: number): void {
    this.observer.etcd(this, request, replica, seconds);
  }

  observeRejection(request: ApiRequest, reason: string): void {
    this.observer.rejection(this, request, reason);
  }

  private readonly onTick = (): void => {
    for (const replica of this.replicas) replica.tick();
    this.breakGlassReplica?.tick();
    this.observer.tick(this);
    this.sim.schedule(this.config.tickSeconds, this.onTick, this);
  };
}
