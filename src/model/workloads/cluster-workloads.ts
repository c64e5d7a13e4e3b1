/**
 * The workloads of one cluster: services and their pods, products, download sources. One
 * periodic tick advances everything: downloads, crashes, restarts, pod creations, readiness,
 * then the data plane's success rates, recorded per window.
 */
import type { EventHandle, RandomStream, Simulation } from "../../sim/index.js";
import {
  DEFAULT_BURST_REPLICAS,
  DEFAULT_CRASHES_PER_POD_PER_DAY,
  DEFAULT_CREATION_RETRY_INITIAL_SECONDS,
  DEFAULT_CREATION_RETRY_MAX_SECONDS,
  DEFAULT_LOCAL_RESTART_BACKOFF_SECONDS,
  DEFAULT_REQUESTS_PER_SECOND_PER_POD,
  DEFAULT_SLOW_START_INITIAL_BATCH,
  DEFAULT_STARTUP_SECONDS,
  DEFAULT_TICK_SECONDS,
  DEFAULT_WINDOW_SECONDS,
  requireNonNegative,
  requirePositive,
  type DownloadSpec,
  type WorkloadsConfig,
} from "./config.js";
import { evaluateDataPlane, type DataPlaneInputs, type DataPlaneSnapshot } from "./data-plane.js";
import { DependencyGraph } from "./dependency-graph.js";
import type { FinishedBatch } from "./download-pool.js";
import { DownloadSource, type DownloadSourceStatus } from "./download-source.js";
import type { PodCreationAdmission } from "./pod-creation.js";
import { poissonCount } from "./random-counts.js";
import { ServicePods, type PodLossReason, type ServicePodStatus } from "./service-pods.js";
import { SuccessWindows, type SuccessWindow } from "./success-windows.js";

const SECONDS_PER_DAY = 86_400;
const NO_EVENT = -1;

export interface WorkloadsInputs {
  dataPlane: DataPlaneInputs;
  admission: PodCreationAdmission;
}

interface ServiceSettings {
  requestsPerSecondPerPod: number;
  startupSeconds: number;
  crashesPerPodPerSecond: number;
  downloads: readonly { source: DownloadSource; bytes: number }[];
  crashes: RandomStream;
}

export class ClusterWorkloads {
  readonly graph: DependencyGraph;
  private readonly tickSeconds: number;
  private readonly burstReplicas: number;
  private readonly slowStartInitialBatch: number;
  private readonly creationRetryInitialSeconds: number;
  private readonly creationRetryMaxSeconds: number;
  private readonly localRestartBackoffSeconds: number;
  private readonly settings: ServiceSettings[];
  private readonly pods: ServicePods[];
  private readonly sources = new Map<string, DownloadSource>();
  private readonly trafficWeights: Float64Array;
  private readonly readyPods: Float64Array;
  private readonly capacityPerPod: Float64Array;
  private readonly productWindows: SuccessWindows;
  private readonly serviceWindows: SuccessWindows;
  private latest: DataPlaneSnapshot | undefined;
  private lastTick = NaN;
  private tickEvent: EventHandle = NO_EVENT;

  constructor(
    private readonly sim: Simulation,
    readonly config: WorkloadsConfig,
    private readonly inputs: WorkloadsInputs,
  ) {
    this.graph = new DependencyGraph(config.services, config.products);
    this.tickSeconds = requirePositive(config.tickSeconds ?? DEFAULT_TICK_SECONDS, "tickSeconds");
    const windowSeconds = requirePositive(
      config.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
      "windowSeconds",
    );
    this.burstReplicas = requirePositive(
      config.burstReplicas ?? DEFAULT_BURST_REPLICAS,
      "burstReplicas",
    );
    this.slowStartInitialBatch = requirePositive(
      config.slowStartInitialBatch ?? DEFAULT_SLOW_START_INITIAL_BATCH,
      "slowStartInitialBatch",
    );
    this.creationRetryInitialSeconds = requireNonNegative(
      config.creationRetryInitialSeconds ?? DEFAULT_CREATION_RETRY_INITIAL_SECONDS,
      "creationRetryInitialSeconds",
    );
    this.creationRetryMaxSeconds = requireNonNegative(
      config.creationRetryMaxSeconds ?? DEFAULT_CREATION_RETRY_MAX_SECONDS,
      "creationRetryMaxSeconds",
    );
    this.localRestartBackoffSeconds = requireNonNegative(
      config.localRestartBackoffSeconds ?? DEFAULT_LOCAL_RESTART_BACKOFF_SECONDS,
      "localRestartBackoffSeconds",
    );
    for (const spec of config.sources ?? []) {
      if (this.sources.has(spec.name)) throw new Error(`download source "${spec.name}" twice`);
      this.sources.set(spec.name, new DownloadSource(spec));
    }
    this.settings = config.services.map((service) => ({
      requestsPerSecondPerPod: requireNonNegative(
        service.requestsPerSecondPerPod ?? DEFAULT_REQUESTS_PER_SECOND_PER_POD,
        `requestsPerSecondPerPod of ${service.name}`,
      ),
      startupSeconds: requireNonNegative(
        service.startupSeconds ?? DEFAULT_STARTUP_SECONDS,
        `startupSeconds of ${service.name}`,
      ),
      crashesPerPodPerSecond:
        requireNonNegative(
          service.crashesPerPodPerDay ?? DEFAULT_CRASHES_PER_POD_PER_DAY,
          `crashesPerPodPerDay of ${service.name}`,
        ) / SECONDS_PER_DAY,
      downloads: (service.downloads ?? []).map((download) =>
        this.resolveDownload(service.name, download),
      ),
      crashes: sim.random(`workloads/${config.cluster}/${service.name}/crashes`),
    }));
    this.pods = config.services.map((service) => new ServicePods(service.replicas));
    this.trafficWeights = new Float64Array(this.graph.products.length).fill(1);
    this.readyPods = new Float64Array(this.graph.size);
    this.capacityPerPod = Float64Array.from(this.settings, (s) => s.requestsPerSecondPerPod);
    this.productWindows = new SuccessWindows(this.graph.products.length, windowSeconds);
    this.serviceWindows = new SuccessWindows(this.graph.size, windowSeconds);
  }

  /** Starts the periodic tick now. */
  start(): void {
    if (this.tickEvent !== NO_EVENT) return;
    this.lastTick = this.sim.now;
    this.tickEvent = this.sim.schedule(0, this.tick);
  }

  /** Stops the tick; the state stays readable. */
  stop(): void {
    if (this.tickEvent !== NO_EVENT) this.sim.cancel(this.tickEvent);
    this.tickEvent = NO_EVENT;
  }

  /** Multiplies the product's base request rate to this cluster (a traffic manager's weight). */
  setTrafficWeight(product: string, weight: number): void {
    this.trafficWeights[this.productIndex(product)] = requireNonNegative(
      weight,
      `traffic weight of ${product}`,
    );
  }

  /**
   * `count` pods of `service` are gone. Crashed and OOM-killed containers restart on their node
   * after the back-off; evicted and scaled-down pods are re-created through the API, placed on
   * another node, and download what they need again.
   */
  podsLost(service: string, count: number, reason: PodLossReason): void {
    const s = this.graph.indexOf(service);
    const pods = this.pods[s];
    const lost = pods.remove(Math.max(0, Math.floor(count)), this.sim.now);
    if (reason === "crash" || reason === "oom") {
      this.restartInPlace(s, lost);
    } else {
      pods.pendingCreation += lost;
    }
  }

  /** Changes the desired replicas: new pods go through creation and downloads. */
  setReplicas(service: string, replicas: number): void {
    if (!(Number.isInteger(replicas) && replicas >= 0)) {
      throw new RangeError(`replicas of ${service} must be a whole number >= 0, got ${replicas}`);
    }
    const pods = this.pods[this.graph.indexOf(service)];
    const change = replicas - pods.desired;
    pods.desired = replicas;
    if (change > 0) {
      pods.pendingCreation += change;
    } else {
      let surplus = -change;
      const unborn = Math.min(surplus, pods.pendingCreation);
      pods.pendingCreation -= unborn;
      surplus -= unborn;
      surplus -= pods.remove(surplus, this.sim.now);
      pods.excess += surplus;
    }
    pods.noteReadiness(this.sim.now);
  }

  serviceStatus(service: string): ServicePodStatus {
    return this.pods[this.graph.indexOf(service)].status();
  }

  sourceStatus(source: string): DownloadSourceStatus {
    const found = this.sources.get(source);
    if (found === undefined) throw new Error(`unknown download source "${source}"`);
    return found.status();
  }

  /** The data plane at the last tick (undefined before the first). */
  get snapshot(): DataPlaneSnapshot | undefined {
    return this.latest;
  }

  /** Success probability of a user request of the product at the last tick. */
  productSuccess(product: string): number {
    return this.latest?.productSuccess[this.productIndex(product)] ?? NaN;
  }

  /** Success probability of a request arriving at the service's pods at the last tick. */
  serviceSuccess(service: string): number {
    return this.latest?.serviceSuccess[this.graph.indexOf(service)] ?? NaN;
  }

  /** Requests per second arriving at the service's pods at the last tick. */
  serviceLoad(service: string): number {
    return this.latest?.offeredPerSecond[this.graph.indexOf(service)] ?? NaN;
  }

  /** Calls per second between services at the last tick, before name resolution. */
  callRates(): { client: string; service: string; perSecond: number }[] {
    const snapshot = this.latest;
    if (snapshot === undefined) return [];
    return this.graph.calls.flatMap((edges, s) =>
      edges.map((edge, e) => ({
        client: this.graph.names[s],
        service: this.graph.names[edge.callee],
        perSecond: snapshot.callsPerSecond[s][e],
      })),
    );
  }

  /** User-visible success per window (a minute by default). */
  productSuccessWindows(product: string): SuccessWindow[] {
    return this.productWindows.windows(this.productIndex(product));
  }

  /** Success of requests arriving at the service, per window. */
  serviceSuccessWindows(service: string): SuccessWindow[] {
    return this.serviceWindows.windows(this.graph.indexOf(service));
  }

  private readonly tick = (): void => {
    const now = this.sim.now;
    const elapsed = now - this.lastTick;
    const finished: FinishedBatch[] = [];
    for (const source of this.sources.values()) source.advance(this.lastTick, now, finished);
    for (const { batch, at } of finished)
      this.downloaded(batch.service, batch.step, batch.count, at);
    for (let s = 0; s < this.pods.length; s++) {
      this.crash(s, elapsed);
      this.pods[s].promote(now);
      this.syncCreations(s);
    }
    this.evaluate(now);
    this.lastTick = now;
    this.tickEvent = this.sim.schedule(this.tickSeconds, this.tick);
  };

  private evaluate(now: number): void {
    for (let s = 0; s < this.pods.length; s++) this.readyPods[s] = this.pods[s].ready;
    const snapshot = evaluateDataPlane(this.graph, this.inputs.dataPlane, {
      readyPods: this.readyPods,
      requestsPerSecondPerPod: this.capacityPerPod,
      trafficWeights: this.trafficWeights,
    });
    this.latest = snapshot;
    // The state seen now stands for the interval until the next tick.
    for (let p = 0; p < snapshot.productSuccess.length; p++) {
      this.productWindows.add(
        p,
        now,
        this.tickSeconds,
        snapshot.productOffered[p],
        snapshot.productSuccess[p],
      );
    }
    for (let s = 0; s < snapshot.serviceSuccess.length; s++) {
      this.serviceWindows.add(
        s,
        now,
        this.tickSeconds,
        snapshot.offeredPerSecond[s],
        snapshot.serviceSuccess[s],
      );
    }
  }

  private crash(s: number, elapsed: number): void {
    const settings = this.settings[s];
    const pods = this.pods[s];
    const mean = pods.ready * settings.crashesPerPodPerSecond * elapsed;
    const crashed = pods.remove(
      Math.min(pods.ready, poissonCount(settings.crashes, mean)),
      this.sim.now,
    );
    this.restartInPlace(s, crashed);
  }

  // The image and the pod's volumes stay on the node, so nothing is downloaded again.
  private restartInPlace(s: number, count: number): void {
    this.pods[s].addStarting(
      count,
      this.sim.now + this.localRestartBackoffSeconds + this.settings[s].startupSeconds,
    );
  }

  // One ReplicaSet sync: up to burstReplicas creations in slow-start batches (1, 2, 4, ...);
  // the first batch with a refused creation ends the sync, and the rest wait for a retry.
  private syncCreations(s: number): void {
    const pods = this.pods[s];
    if (pods.creating > 0 || pods.pendingCreation === 0 || this.sim.now < pods.creationRetryAt) {
      return;
    }
    const total = Math.min(pods.pendingCreation, this.burstReplicas);
    pods.pendingCreation -= total;
    pods.creating += total;
    this.createBatch(s, Math.min(this.slowStartInitialBatch, total), total);
  }

  private createBatch(s: number, size: number, left: number): void {
    const pods = this.pods[s];
    let answered = false;
    this.inputs.admission.createPods(this.graph.names[s], size, (answer) => {
      if (answered) throw new Error(`pod creation for ${this.graph.names[s]} answered twice`);
      answered = true;
      const created = Math.max(0, Math.min(size, Math.floor(answer)));
      pods.creating -= size;
      pods.pendingCreation += size - created;
      this.podsCreated(s, created);
      const remaining = left - size;
      if (created < size) {
        pods.creating -= remaining;
        pods.pendingCreation += remaining;
        pods.creationFailures++;
        pods.creationRetryAt =
          this.sim.now +
          Math.min(
            this.creationRetryMaxSeconds,
            this.creationRetryInitialSeconds * 2 ** (pods.creationFailures - 1),
          );
        return;
      }
      pods.creationFailures = 0;
      if (remaining > 0) this.createBatch(s, Math.min(2 * size, remaining), remaining);
    });
  }

  private podsCreated(s: number, count: number): void {
    const starting = this.pods[s].takeExcess(count);
    if (starting === 0) return;
    this.pods[s].downloading += starting;
    this.startDownload(s, 0, starting, this.sim.now);
  }

  private startDownload(s: number, step: number, count: number, at: number): void {
    const downloads = this.settings[s].downloads;
    if (step < downloads.length) {
      downloads[step].source.submit(s, step, count, downloads[step].bytes, at);
      return;
    }
    const pods = this.pods[s];
    pods.downloading -= count;
    pods.addStarting(pods.takeExcess(count), at + this.settings[s].startupSeconds);
  }

  private downloaded(s: number, step: number, count: number, at: number): void {
    this.startDownload(s, step + 1, count, at);
  }

  private resolveDownload(service: string, download: DownloadSpec) {
    const source = this.sources.get(download.source);
    if (source === undefined) {
      throw new Error(`service "${service}" downloads from unknown source "${download.source}"`);
    }
    return { source, bytes: requireNonNegative(download.bytes, `download bytes of ${service}`) };
  }

  private productIndex(name: string): number {
    const index = this.graph.products.findIndex((p) => p.name === name);
    if (index < 0) throw new Error(`unknown product "${name}"`);
    return index;
  }
}
