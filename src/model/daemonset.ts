/**
 * A DaemonSet's life in one cluster: the DaemonSet controller creating one pod per node at its
 * real pace, the scheduler binding them, kubelets pulling the image and starting the container
 * (whose process then runs the agent's API calls), and the deletion path: the DaemonSet object
 * deleted through the API, the garbage collector deleting its pods, kubelets stopping them.
 *
 * Every create, bind and delete is a real request through the cluster's apiservers, so a rollout
 * slows down or stalls when the control plane is overloaded, and so does its removal.
 * Per-node state lives in typed arrays; the controller's syncs are a handful of kernel events.
 */
import type { RandomStream, Simulation } from "../sim/index.js";
import type { KubernetesVersion, UserInfo } from "../k8s/index.js";
import { ApiClient } from "./clients/api-client.js";
import { grownTo, nextCapacity } from "./grow-array.js";
import type { RequestTransport } from "./clients/periodic-callers.js";
import { STATUS_OK, type RequestTemplate } from "./request.js";

export interface DaemonSetTiming {
  /** kube-controller-manager's client: --kube-api-qps / --kube-api-burst. */
  controllerQps: number;
  controllerBurst: number;
  /** kube-scheduler's client, which binds each pod. */
  schedulerQps: number;
  schedulerBurst: number;
  /** At most this many creations per sync (the controller's BurstReplicas). */
  burstReplicas: number;
  /** slowStartBatch's first batch; batches double while they succeed. */
  slowStartInitialBatch: number;
  /** The controller's per-key requeue backoff after a failed sync (workqueue rate limiter). */
  syncBackoffInitialSeconds: number;
  syncBackoffMaxSeconds: number;
  /** Delay before the kubelet sees its new pod through its watch. */
  kubeletNoticeSeconds: number;
  /** Image pull: log-normal with this median and log-space sigma. */
  imagePullMedianSeconds: number;
  imagePullSigma: number;
  /** From container start to the agent's first API call. */
  containerStartSeconds: number;
  /** From the kubelet learning of the deletion to the process exiting. */
  terminationSeconds: number;
}

export interface DaemonSetConfig {
  name: string;
  namespace: string;
  nodes: number;
  version: KubernetesVersion;
  timing: DaemonSetTiming;
  maxRetries: number;
}

/** Where the DaemonSet's pods live and what it tells about them. */
export interface DaemonSetHost extends RequestTransport {
  /** The cluster now stores one more (or one fewer) pod object. */
  podObjectsChanged(delta: number): void;
}

export type DaemonSetListener = (node: number, now: number) => void;

/** Pod phases per node. */
const ABSENT = 0;
const CREATING = 1;
const STARTING = 2;
const RUNNING = 3;
const DELETING = 4;

const CONTROLLER_USER: UserInfo = {
  name: "system:serviceaccount:kube-system:daemon-set-controller",
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
};
const SCHEDULER_USER: UserInfo = {
  name: "system:kube-scheduler",
  groups: ["system:authenticated"],
};
const GARBAGE_COLLECTOR_USER: UserInfo = {
  name: "system:serviceaccount:kube-system:generic-garbage-collector",
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
};

function podTemplate(name: string, verb: "create" | "delete"): RequestTemplate {
  return {
    name,
    verb,
    resource: "pods",
    apiGroup: "",
    scope: "namespace",
    options: {},
    encoding: "protobuf",
    mutating: true,
  };
}

export interface DaemonSetStats {
  podsCreated: number;
  createFailures: number;
  podsStarted: number;
  podsStopped: number;
  syncs: number;
  failedSyncs: number;
}

export class DaemonSetRollout {
  readonly stats: DaemonSetStats = {
    podsCreated: 0,
    createFailures: 0,
    podsStarted: 0,
    podsStopped: 0,
    syncs: 0,
    failedSyncs: 0,
  };
  readonly onPodStarted: DaemonSetListener[] = [];
  readonly onPodStopped: DaemonSetListener[] = [];
  private phase: Uint8Array;
  /** 1 while the pod object exists in the API (created, not yet deleted). */
  private stored: Uint8Array;
  /** 1 for nodes removed from the cluster (no pod wanted there). */
  private nodeGone: Uint8Array;
  private readonly controller: ApiClient;
  private readonly scheduler: ApiClient;
  private readonly garbageCollector: ApiClient;
  private readonly random: RandomStream;
  private readonly createPod: RequestTemplate;
  private readonly bindPod: RequestTemplate;
  private readonly deletePod: RequestTemplate;
  private applied = false;
  private deleted = false;
  private syncPending = -1;
  private syncing = false;
  private failedSyncsInARow = 0;
  /** The next node without a pod, scanning forward (nodes get pods in order). */
  private cursor = 0;
  private running = 0;
  private firstStartedAt = NaN;
  private lastStartedAt = NaN;

  constructor(
    private readonly sim: Simulation,
    private readonly config: DaemonSetConfig,
    private readonly host: DaemonSetHost,
  ) {
    const t = config.timing;
    this.phase = new Uint8Array(config.nodes);
    this.stored = new Uint8Array(config.nodes);
    this.nodeGone = new Uint8Array(config.nodes);
    this.random = sim.random(`daemonset/${config.name}`);
    const client = (name: string, user: UserInfo, qps: number, burst: number) =>
      new ApiClient(
        sim,
        { name, user, qps, burst, maxRetries: config.maxRetries, version: config.version },
        host,
      );
    this.controller = client(
      `${config.name}/daemon-set-controller`,
      CONTROLLER_USER,
      t.controllerQps,
      t.controllerBurst,
    );
    this.scheduler = client(
      `${config.name}/kube-scheduler`,
      SCHEDULER_USER,
      t.schedulerQps,
      t.schedulerBurst,
    );
    this.garbageCollector = client(
      `${config.name}/garbage-collector`,
      GARBAGE_COLLECTOR_USER,
      t.controllerQps,
      t.controllerBurst,
    );
    this.createPod = podTemplate(`daemon-set-controller create pods (${config.name})`, "create");
    this.bindPod = podTemplate(`kube-scheduler bind pods (${config.name})`, "create");
    this.deletePod = podTemplate(`garbage-collector delete pods (${config.name})`, "delete");
  }

  get name(): string {
    return this.config.name;
  }

  /** Pods whose agent process runs now. */
  get runningPods(): number {
    return this.running;
  }

  get isApplied(): boolean {
    return this.applied && !this.deleted;
  }

  /** When the first and the last pod started (NaN before). */
  get startedSpan(): { first: number; last: number } {
    return { first: this.firstStartedAt, last: this.lastStartedAt };
  }

  /** The DaemonSet object exists now (the pipeline applied it): the controller starts syncing. */
  apply(): void {
    if (this.applied) return;
    this.applied = true;
    this.requeue(0);
  }

  /**
   * The DaemonSet object was deleted (the API accepted it): the garbage collector deletes its
   * pods one request at a time, and each kubelet stops its pod once it hears of it.
   */
  deleteObject(): void {
    if (this.deleted) return;
    this.deleted = true;
    if (this.syncPending >= 0) this.sim.cancel(this.syncPending);
    this.syncPending = -1;
    for (let node = 0; node < this.phase.length; node++) {
      const phase = this.phase[node];
      // A pod not yet running never starts; a created one still has to be deleted.
      if (phase === CREATING || phase === STARTING) this.phase[node] = DELETING;
      if (this.stored[node] === 1) {
        this.garbageCollector.call(this.deletePod, this.onPodDeleted, node);
      }
    }
  }

  /** The node left the cluster (cloud scale-down): its pod ends with it, no API involved. */
  removeNode(node: number): void {
    if (this.nodeGone[node] === 1) return;
    this.nodeGone[node] = 1;
    this.stopPod(node);
    this.phase[node] = ABSENT;
    // The pod object stays until the pod garbage collector removes orphans; modelled as gone.
    if (this.stored[node] === 1) {
      this.stored[node] = 0;
      this.host.podObjectsChanged(-1);
    }
  }

  /**
   * The node came back or is new (scale-up): the controller will create its pod. A node beyond
   * the rows the rollout has is a new one: the rows grow, and the rows between stay gone.
   */
  addNode(node: number): void {
    if (node >= this.phase.length) {
      const old = this.phase.length;
      const n = nextCapacity(old, node + 1);
      this.phase = grownTo(this.phase, n);
      this.stored = grownTo(this.stored, n);
      this.nodeGone = grownTo(this.nodeGone, n, 1);
    }
    if (this.nodeGone[node] === 0) return;
    this.nodeGone[node] = 0;
    if (node < this.cursor) this.cursor = node;
    if (this.applied && !this.deleted) this.requeue(0);
  }

  private requeue(delay: number): void {
    if (this.syncPending >= 0 || this.syncing) return;
    this.syncPending = this.sim.schedule(delay, this.sync, this);
  }

  /** One sync: create up to BurstReplicas missing pods in slow-start batches. */
  private readonly sync = (): void => {
    this.syncPending = -1;
    if (this.deleted) return;
    this.stats.syncs++;
    const wanted = this.missingPods(this.config.timing.burstReplicas);
    if (wanted.length === 0) return;
    this.syncing = true;
    this.runBatch(wanted, 0, Math.min(wanted.length, this.config.timing.slowStartInitialBatch));
  };

  private missingPods(limit: number): number[] {
    const nodes: number[] = [];
    while (this.cursor < this.phase.length && nodes.length < limit) {
      if (this.phase[this.cursor] === ABSENT && this.nodeGone[this.cursor] === 0) {
        nodes.push(this.cursor);
      }
      this.cursor++;
    }
    return nodes;
  }

  /** slowStartBatch: a batch's calls run in parallel; a failure skips the rest of the sync. */
  private runBatch(nodes: number[], from: number, size: number): void {
    let outstanding = size;
    let failures = 0;
    const done = (status: number, node: number): void => {
      if (status === STATUS_OK) {
        this.stats.podsCreated++;
        this.stored[node] = 1;
        this.host.podObjectsChanged(+1);
        if (this.deleted) {
          this.garbageCollector.call(this.deletePod, this.onPodDeleted, node);
        } else if (this.phase[node] === CREATING) {
          this.phase[node] = STARTING;
          this.scheduler.call(this.bindPod, this.onBound, node);
        }
      } else {
        this.stats.createFailures++;
        failures++;
        if (this.phase[node] === CREATING) this.phase[node] = ABSENT;
      }
      if (--outstanding > 0) return;
      const next = from + size;
      if (failures > 0 || next >= nodes.length || this.deleted) {
        this.endSync(nodes, next, failures > 0);
        return;
      }
      this.runBatch(nodes, next, Math.min(2 * size, nodes.length - next));
    };
    for (let i = from; i < from + size; i++) {
      this.phase[nodes[i]] = CREATING;
      this.controller.call(this.createPod, done, nodes[i]);
    }
  }

  private endSync(nodes: number[], next: number, failed: boolean): void {
    this.syncing = false;
    // Nodes this sync skipped get a pod in a later one.
    if (next < nodes.length) this.cursor = Math.min(this.cursor, nodes[next]);
    for (const node of nodes)
      if (this.phase[node] === ABSENT && node < this.cursor) this.cursor = node;
    if (this.deleted) return;
    if (failed) {
      this.stats.failedSyncs++;
      const t = this.config.timing;
      const delay = Math.min(
        t.syncBackoffMaxSeconds,
        t.syncBackoffInitialSeconds * 2 ** this.failedSyncsInARow,
      );
      this.failedSyncsInARow++;
      this.requeue(delay);
      return;
    }
    this.failedSyncsInARow = 0;
    this.requeue(0);
  }

  private readonly onBound = (status: number, node: number): void => {
    if (this.phase[node] !== STARTING) return;
    if (status !== STATUS_OK) {
      // The scheduler puts the pod back in its queue and tries again.
      this.sim.schedule(1, this.rebind, node);
      return;
    }
    const t = this.config.timing;
    const pull = this.random.lognormal(Math.log(t.imagePullMedianSeconds), t.imagePullSigma);
    this.sim.schedule(
      t.kubeletNoticeSeconds + pull + t.containerStartSeconds,
      this.onStarted,
      node,
    );
  };

  private readonly rebind = (node: number): void => {
    if (this.phase[node] === STARTING) this.scheduler.call(this.bindPod, this.onBound, node);
  };

  private readonly onStarted = (node: number): void => {
    if (this.phase[node] !== STARTING || this.nodeGone[node] === 1) return;
    this.phase[node] = RUNNING;
    this.running++;
    this.stats.podsStarted++;
    if (Number.isNaN(this.firstStartedAt)) this.firstStartedAt = this.sim.now;
    this.lastStartedAt = this.sim.now;
    for (const listener of this.onPodStarted) listener(node, this.sim.now);
  };

  private readonly onPodDeleted = (status: number, node: number): void => {
    if (status !== STATUS_OK) {
      // The garbage collector requeues the object and tries again later.
      this.sim.schedule(5, this.retryDelete, node);
      return;
    }
    if (this.stored[node] === 1) {
      this.stored[node] = 0;
      this.host.podObjectsChanged(-1);
    }
    const t = this.config.timing;
    this.sim.schedule(t.kubeletNoticeSeconds + t.terminationSeconds, this.onTerminated, node);
  };

  private readonly retryDelete = (node: number): void => {
    if (this.stored[node] === 1) {
      this.garbageCollector.call(this.deletePod, this.onPodDeleted, node);
    }
  };

  private readonly onTerminated = (node: number): void => {
    this.stopPod(node);
    this.phase[node] = ABSENT;
  };

  private stopPod(node: number): void {
    if (this.phase[node] === RUNNING) {
      this.running--;
      this.stats.podsStopped++;
      for (const listener of this.onPodStopped) listener(node, this.sim.now);
    }
    if (this.phase[node] !== ABSENT) this.phase[node] = DELETING;
  }
}
