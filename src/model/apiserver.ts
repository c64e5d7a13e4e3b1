/**
 * One kube-apiserver replica: admission (APF or max-inflight), then each request's work on
 * etcd, on the replica's CPU cores and on its network egress, memory held by in-flight
 * responses, OOM kill, restart with watch-cache re-initialisation, and readiness that follows the
 * real state.
 */
import type { StateChecker } from "../world/checker.js";
import type { Simulation } from "../sim/index.js";
import { ProcessorSharingStation } from "./processor-sharing.js";
import type { Etcd } from "./etcd.js";
import type { FeatureGates } from "../k8s/index.js";
import {
  CACHE_INITIALIZING_RETRY_AFTER_SECONDS,
  cacheStartupTreatment,
} from "./watch-cache-startup.js";
import {
  ApiRequest,
  STATUS_CONNECTION_RESET,
  STATUS_INTERNAL_ERROR,
  STATUS_OK,
  STATUS_TOO_MANY_REQUESTS,
} from "./request.js";

/** Admission control of one replica: APF, or the plain max-inflight limits. */
export interface Admission {
  /** A request arrives. */
  admit(request: ApiRequest, now: number): AdmitDecision;
  /** A request finished executing; returns the queued requests that start now. */
  release(request: ApiRequest, now: number): ApiRequest[];
  /** Its queue-wait deadline passed; true if it was still waiting (it is rejected). */
  expire(request: ApiRequest, now: number): boolean;
  /** Retry-After a rejection would carry now, for the request's level. */
  retryAfterSeconds(request: ApiRequest, now: number): number;
  /** Queue-wait limit (s), or undefined when the admission never queues. */
  readonly queueWaitLimitSeconds: number | undefined;
  /** The replica restarted: forget everything. */
  reset(now: number): void;
  /** Gives the admission a way to start requests and to schedule its own timers. */
  attach?(
    dispatch: (request: ApiRequest) => void,
    schedule: (delaySeconds: number, run: () => void) => void,
  ): void;
  /** Periodic housekeeping (APF borrowing every 10 s); returns requests that start now. */
  tick?(now: number): ApiRequest[];
}

/** Start now, wait in a queue, or 429 with the reason APF reports. */
export type AdmitDecision = "execute" | "queued" | RejectReason;
export type RejectReason = "queue-full" | "concurrency-limit";

export interface ReplicaConfig {
  cpuCores: number;
  memoryLimitBytes: number;
  /** Resident memory of an idle apiserver without its watch cache (bytes). */
  baseMemoryBytes: number;
  /** Watch-cache memory per byte of stored objects (decoded objects outweigh serialized). */
  watchCacheMemoryPerStoredByte: number;
  /** Restart delays after successive crashes (s): kubelet's CrashLoopBackOff. */
  restartBackoffInitialSeconds: number;
  restartBackoffMaxSeconds: number;
  /** Running this long without a crash resets the backoff (s). */
  restartBackoffResetSeconds: number;
  /** Start-up work before the replica serves: process start and informer sync (s). */
  startupSeconds: number;
  /**
   * Network egress of the replica's machine (bytes/s): LIST responses and watch events share
   * it. DEFAULT_EGRESS_BYTES_PER_SECOND when absent.
   */
  egressBytesPerSecond?: number;
}

/** 16 Gbit/s: the middle of the clouds' published 32-vCPU VM bandwidths (docs/model.md). */
export const DEFAULT_EGRESS_BYTES_PER_SECOND = 16e9 / 8;

/** What a replica needs from its cluster. */
export interface ReplicaHost {
  /** The apiserver's feature gates: start-up and watch-cache behaviour follow them. */
  readonly featureGates: FeatureGates;
  /** Bytes of all stored objects, which the watch cache holds and reloads after a restart. */
  storedBytes(): number;
  /** etcd read time and CPU to fill the watch cache after a restart. */
  watchCacheInitCost(): { etcdSeconds: number; cpuSeconds: number };
  respond(request: ApiRequest, status: number, retryAfterSeconds: number): void;
  replicaDown(replica: ApiserverReplica): void;
  replicaReady(replica: ApiserverReplica): void;
  /** Checks conservation rules, when the run is checked. */
  readonly checker?: StateChecker;
  /** An etcd round trip of a request, for metrics. */
  observeEtcd(request: ApiRequest, replica: ApiserverReplica, seconds: number): void;
  /** A 429, for metrics. */
  observeRejection(request: ApiRequest, reason: RejectReason | "time-out"): void;
}

export type ReplicaState = "running" | "down" | "starting";

export class ApiserverReplica {
  state: ReplicaState = "running";
  /** Bumped at each crash, so work scheduled before it is recognised as stale. */
  generation = 0;
  readonly cpu: ProcessorSharingStation;
  /**
   * The network link: one unit shared by every response and watch event being sent, each job
   * sized in seconds at full bandwidth, so one lone LIST can use the whole link.
   */
  readonly egress: ProcessorSharingStation;
  readonly egressBytesPerSecond: number;
  /** Bytes handed to the network so far (responses and watch events), sent or still queued. */
  egressBytesOffered = 0;
  /** Bytes the network finished sending. */
  egressBytesSent = 0;
  /** Highest offered egress over one housekeeping window (bytes/s). */
  peakEgressBytesPerSecond = 0;
  private egressWindowStart = 0;
  private egressWindowBytes = 0;
  /**
   * Watch-event bytes waiting to go on the link: sent as one job per housekeeping tick rather
   * than one per write, which would add a kernel event to every lease renewal.
   */
  private pendingWatchEventBytes = 0;
  memoryBytes = 0;
  peakMemoryBytes = 0;
  oomKills = 0;
  private readonly inFlight = new Set<ApiRequest>();
  private inFlightMemory = 0;
  /** Footprint without requests: process and watch cache; fixed while the replica lives. */
  private idleMemoryBytes = 0;
  private crashes = 0;
  private lastStart = 0;
  private downSince = NaN;
  /** When the watch cache last started filling (simulated s): older revisions are gone. */
  cacheSince = 0;
  /** The watch cache holds every object: requests it serves no longer wait or get 429. */
  cacheReady = true;
  /** Requests waiting inside their handler for the cache (before resilient initialisation). */
  private waitingForCache: ApiRequest[] = [];
  /** Seconds spent not ready. */
  notReadySeconds = 0;

  constructor(
    readonly index: number,
    private readonly sim: Simulation,
    private readonly config: ReplicaConfig,
    private readonly etcd: Etcd,
    private readonly admission: Admission,
    private readonly host: ReplicaHost,
  ) {
    this.cpu = new ProcessorSharingStation(sim, config.cpuCores);
    this.egressBytesPerSecond = config.egressBytesPerSecond ?? DEFAULT_EGRESS_BYTES_PER_SECOND;
    this.egress = new ProcessorSharingStation(sim, 1);
    admission.attach?.(
      (request) => this.execute(request),
      (delay, run) => this.sim.schedule(delay, run),
    );
    this.idleMemoryBytes =
      config.baseMemoryBytes + host.storedBytes() * config.watchCacheMemoryPerStoredByte;
    this.updateMemory();
  }

  get admissionControl(): Admission {
    return this.admission;
  }

  /** Requests executing now (admitted, not queued), by kind, for apiserver_current_inflight_requests. */
  executingByKind(): { readOnly: number; mutating: number } {
    let readOnly = 0;
    let mutating = 0;
    for (const request of this.inFlight) {
      if (request.queueTimeout >= 0) continue;
      if (request.template.mutating) mutating++;
      else readOnly++;
    }
    return { readOnly, mutating };
  }

  get ready(): boolean {
    return this.state === "running";
  }

  /** A request reaches this replica (the load balancer chose it). */
  receive(request: ApiRequest): void {
    request.replica = this.index;
    this.inFlight.add(request);
    const decision = this.admission.admit(request, this.sim.now);
    if (decision === "execute") {
      this.execute(request);
    } else if (decision === "queued") {
      const limit = this.admission.queueWaitLimitSeconds ?? 0;
      request.queueTimeout = this.sim.schedule(limit, this.onQueueTimeout, request);
    } else {
      this.reject(request, decision);
    }
  }

  /** Periodic housekeeping from the cluster's shared tick. */
  tick(): void {
    this.closeEgressWindow();
    if (this.state === "running" && this.pendingWatchEventBytes > 0) {
      const bytes = this.pendingWatchEventBytes;
      this.pendingWatchEventBytes = 0;
      this.egress.submit(bytes / this.egressBytesPerSecond, this.afterWatchEvents, bytes);
    }
    if (this.state !== "running" || this.admission.tick === undefined) return;
    for (const next of this.admission.tick(this.sim.now)) this.execute(next);
  }

  private reject(request: ApiRequest, reason: RejectReason | "time-out"): void {
    this.inFlight.delete(request);
    this.host.observeRejection(request, reason);
    this.host.respond(
      request,
      STATUS_TOO_MANY_REQUESTS,
      this.admission.retryAfterSeconds(request, this.sim.now),
    );
  }

  private readonly onQueueTimeout = (request: ApiRequest): void => {
    request.queueTimeout = -1;
    if (this.state !== "running" || !this.inFlight.has(request)) return;
    if (this.admission.expire(request, this.sim.now)) this.reject(request, "time-out");
  };

  private execute(request: ApiRequest): void {
    // A dispatch that arrives after a crash (a batch dispatched together) belongs to the dead
    // process: the crash has answered it already.
    if (!this.inFlight.has(request)) return;
    if (request.queueTimeout >= 0) {
      this.sim.cancel(request.queueTimeout);
      request.queueTimeout = -1;
    }
    const treatment = cacheStartupTreatment(request, this.cacheReady, this.host.featureGates);
    if (treatment === "reject") {
      this.finish(request, STATUS_TOO_MANY_REQUESTS, CACHE_INITIALIZING_RETRY_AFTER_SECONDS);
      return;
    }
    if (treatment === "wait") {
      this.waitingForCache.push(request);
      return;
    }
    const memory = request.readCost?.memoryBytes ?? request.writeCost?.memoryBytes ?? 0;
    request.memoryHeld = memory;
    this.inFlightMemory += memory;
    this.updateMemory();
    if (this.memoryBytes > this.config.memoryLimitBytes) {
      this.oomKill();
      return;
    }
    const job = { request, generation: this.generation, submittedAt: this.sim.now };
    if (request.writeCost !== undefined) {
      const { etcdSeconds, objectBytes } = request.writeCost;
      if (!this.etcd.write(etcdSeconds, objectBytes, this.afterEtcd, job)) {
        // "etcdserver: mvcc: database space exceeded", answered as a 500.
        this.finish(request, STATUS_INTERNAL_ERROR);
      }
    } else if (request.readCost !== undefined && request.readCost.etcdSeconds > 0) {
      this.etcd.read(request.readCost.etcdSeconds, request.readCost.etcdBytes, this.afterEtcd, job);
    } else {
      this.startCpu(request);
    }
  }

  private readonly afterEtcd = (job: {
    request: ApiRequest;
    generation: number;
    submittedAt: number;
  }): void => {
    // etcd finishes reads for a replica that died meanwhile: the result is thrown away.
    if (job.generation !== this.generation) return;
    this.host.observeEtcd(job.request, this, this.sim.now - job.submittedAt);
    this.startCpu(job.request);
  };

  private startCpu(request: ApiRequest): void {
    const cpuSeconds = request.readCost?.cpuSeconds ?? request.writeCost?.cpuSeconds ?? 0;
    this.cpu.submit(cpuSeconds, this.afterCpu, request);
  }

  private readonly afterCpu = (request: ApiRequest): void => {
    const write = request.writeCost;
    if (write !== undefined) {
      if (write.fanOutCpuSeconds > 0) this.cpu.submit(write.fanOutCpuSeconds, noop, request);
      // Watch events go out in the background; they slow every response sharing the link.
      if (write.fanOutBytes > 0) this.queueWatchEvents(write.fanOutBytes);
      this.finish(request, STATUS_OK);
      return;
    }
    const bytes = request.readCost?.responseBytes ?? 0;
    if (bytes <= 0) {
      this.finish(request, STATUS_OK);
      return;
    }
    // The handler returns, and frees its seats and memory, once the response is written out.
    this.send(bytes, this.afterResponseSent, request);
  };

  private send<T>(bytes: number, onSent: (arg: T) => void, arg: T): void {
    this.egressBytesOffered += bytes;
    this.egressWindowBytes += bytes;
    this.egress.submit(bytes / this.egressBytesPerSecond, onSent, arg);
  }

  private readonly afterResponseSent = (request: ApiRequest): void => {
    this.egressBytesSent += request.readCost?.responseBytes ?? 0;
    this.finish(request, STATUS_OK);
  };

  private queueWatchEvents(bytes: number): void {
    this.egressBytesOffered += bytes;
    this.egressWindowBytes += bytes;
    this.pendingWatchEventBytes += bytes;
  }

  private readonly afterWatchEvents = (bytes: number): void => {
    this.egressBytesSent += bytes;
  };

  private closeEgressWindow(): void {
    const elapsed = this.sim.now - this.egressWindowStart;
    if (elapsed <= 0) return;
    const rate = this.egressWindowBytes / elapsed;
    if (rate > this.peakEgressBytesPerSecond) this.peakEgressBytesPerSecond = rate;
    this.egressWindowStart = this.sim.now;
    this.egressWindowBytes = 0;
  }

  /** The handler returns: memory and seats are released and the client gets its answer. */
  private finish(request: ApiRequest, status: number, retryAfterSeconds = 0): void {
    if (!this.inFlight.delete(request)) {
      // The request belonged to a process that has died since; the crash answered it.
      this.host.checker?.deadProcess(
        `apiserver replica ${this.index}`,
        `${request.template.name} finished after its process died`,
      );
      return;
    }
    this.inFlightMemory -= request.memoryHeld;
    request.memoryHeld = 0;
    this.updateMemory();
    const generation = this.generation;
    this.host.respond(request, status, retryAfterSeconds);
    // The answer ran its client, whose next request may have killed this process (OOM): the
    // dead process's admission is gone and releases nothing.
    if (generation !== this.generation) return;
    for (const next of this.admission.release(request, this.sim.now)) this.execute(next);
  }

  private updateMemory(): void {
    this.host.checker?.memory(
      `apiserver replica ${this.index} in-flight requests`,
      this.inFlightMemory,
    );
    this.memoryBytes = (this.state === "down" ? 0 : this.idleMemoryBytes) + this.inFlightMemory;
    if (this.memoryBytes > this.peakMemoryBytes) this.peakMemoryBytes = this.memoryBytes;
  }

  /** Memory passed the limit: the kernel kills the process; every request and watch is lost. */
  oomKill(): void {
    this.oomKills++;
    this.crash();
  }

  private crash(): void {
    const now = this.sim.now;
    if (now - this.lastStart >= this.config.restartBackoffResetSeconds) this.crashes = 0;
    const delay = Math.min(
      this.config.restartBackoffMaxSeconds,
      this.config.restartBackoffInitialSeconds * 2 ** this.crashes,
    );
    this.crashes++;
    this.state = "down";
    this.downSince = now;
    this.generation++;
    this.cpu.abortAll();
    this.egress.abortAll();
    this.pendingWatchEventBytes = 0;
    this.admission.reset(now);
    const lost = [...this.inFlight];
    this.inFlight.clear();
    this.waitingForCache = [];
    this.cacheReady = false;
    this.inFlightMemory = 0;
    this.updateMemory();
    for (const request of lost) {
      request.memoryHeld = 0;
      if (request.queueTimeout >= 0) {
        this.sim.cancel(request.queueTimeout);
        request.queueTimeout = -1;
      }
      this.host.respond(request, STATUS_CONNECTION_RESET, 0);
    }
    this.host.replicaDown(this);
    this.sim.schedule(delay, this.onRestart, this.generation);
  }

  /**
   * A replica added by a scale-up: its machine is provisioned for `delaySeconds`, then it starts
   * like a restarted one (watch cache filled from etcd) and joins the load balancer when ready.
   */
  provision(delaySeconds: number): void {
    this.state = "down";
    this.cacheReady = false;
    this.generation++;
    this.host.replicaDown(this);
    this.sim.schedule(delaySeconds, this.onRestart, this.generation);
  }

  private readonly onRestart = (generation: number): void => {
    if (generation !== this.generation) return;
    this.state = "starting";
    this.cacheSince = this.sim.now;
    this.cacheReady = false;
    this.updateMemory();
    // Filling the watch cache is a full read of every resource from etcd, then decoding.
    // /readyz waits for it only with WatchCacheInitializationPostStartHook.
    const readyzWaitsForCache = this.host.featureGates.WatchCacheInitializationPostStartHook;
    this.sim.schedule(this.config.startupSeconds, () => {
      if (generation !== this.generation) return;
      if (!readyzWaitsForCache) this.becomeReady();
      this.fillWatchCache(generation, () => {
        if (readyzWaitsForCache) this.becomeReady();
      });
    });
  };

  private fillWatchCache(generation: number, then: () => void): void {
    const init = this.host.watchCacheInitCost();
    this.etcd.read(
      init.etcdSeconds,
      this.host.storedBytes(),
      () => {
        if (generation !== this.generation) return;
        this.cpu.submit(
          init.cpuSeconds,
          () => {
            if (generation !== this.generation) return;
            this.cacheReady = true;
            const waiting = this.waitingForCache;
            this.waitingForCache = [];
            for (const request of waiting) this.execute(request);
            then();
          },
          undefined,
        );
      },
      undefined,
    );
  }

  private becomeReady(): void {
    this.state = "running";
    this.lastStart = this.sim.now;
    if (!Number.isNaN(this.downSince)) this.notReadySeconds += this.sim.now - this.downSince;
    this.downSince = NaN;
    this.host.replicaReady(this);
  }

  /** Seconds not ready so far, including an ongoing outage. */
  notReadySecondsUntil(now: number): number {
    return this.notReadySeconds + (Number.isNaN(this.downSince) ? 0 : now - this.downSince);
  }
}

function noop(): void {}
