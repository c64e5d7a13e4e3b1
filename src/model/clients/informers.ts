/**
 * A population of identical informers: each member runs client-go's reflector (LIST, then
 * WATCH from the list's revision, relist with backoff on failure), ported in
 * src/k8s/client-go/reflector.ts. The reflector state of every member lives in typed arrays,
 * one array per field; a member's row is copied into one scratch object for each step.
 *
 * Watches hold no seats once open but they do break: when their replica dies every stream on it
 * ends, and a re-watch from a revision the restarted replica's cache no longer holds answers
 * 410 Gone, so the reflector relists: the relist storm after an apiserver restart.
 */
import type { Simulation, RandomStream } from "../../sim/index.js";
import { clientGo, type KubernetesVersion, type UserInfo } from "../../k8s/index.js";
import type { ListOptions } from "../../k8s/apf/index.js";
import type { ApiserverReplica } from "../apiserver.js";
import type { Cluster } from "../cluster.js";
import { grownTo, nextCapacity } from "../grow-array.js";
import {
  ApiRequest,
  STATUS_CONNECTION_REFUSED,
  STATUS_CONNECTION_RESET,
  STATUS_OK,
  type RequestTemplate,
  type ResponseSink,
} from "../request.js";

const { REFLECTOR_STATE_FIELDS, newReflectorState, reflectorStep, startReflector } = clientGo;
type ReflectorState = clientGo.ReflectorState;
type ReflectorAction = clientGo.ReflectorAction;
type ReflectorEvent = clientGo.ReflectorEvent;

export interface InformersConfig {
  name: string;
  members: number;
  /** The LIST and the WATCH the reflector sends (resource, scope and encoding matter). */
  list: RequestTemplate;
  watch: RequestTemplate;
  userOf: (member: number) => UserInfo;
  /** When member i starts its informer (s); Infinity leaves it to `startMember`. */
  startOf: (member: number) => number;
  qps: number;
  burst: number;
  /** client-go's version, which decides a few retry rules. */
  version: KubernetesVersion;
  maxRetries: number;
}

export interface InformersStats {
  lists: number;
  listFailures: number;
  watchesOpened: number;
  watchesBroken: number;
  tooOld: number;
}

const NONE = -1;

export class Informers implements ResponseSink {
  readonly stats: InformersStats = {
    lists: 0,
    listFailures: 0,
    watchesOpened: 0,
    watchesBroken: 0,
    tooOld: 0,
  };
  private state: Float64Array[];
  private readonly scratch: ReflectorState;
  private attempt: Int32Array;
  private pagesLeft: Int32Array;
  private watchReplica: Int32Array;
  private watchTimer: Float64Array;
  private watchTimeout: Float64Array;
  private tokens: Float64Array;
  private tokensAt: Float64Array;
  /** The options of each member's LIST in flight, resent as they are on a retry. */
  private readonly pending: (ListOptions | undefined)[];
  private readonly users: UserInfo[] = [];
  private readonly watch: RequestTemplate;
  private readonly random: RandomStream;
  /** 1 while the member's process runs. */
  private active: Uint8Array;
  /** 1 once the member's LIST completed since it (re)started: its store is complete. */
  private synced: Uint8Array;
  /** Bumped at each (re)start: answers to requests of an older generation reach nobody. */
  private generation: Int32Array;
  /** The member's one pending timer (backoff, retry or rate-limit delay), cancelled on stop. */
  private timer: Float64Array;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: Cluster,
    private readonly config: InformersConfig,
  ) {
    const n = config.members;
    this.scratch = newReflectorState(sim.now);
    this.state = REFLECTOR_STATE_FIELDS.map(() => new Float64Array(n));
    this.attempt = new Int32Array(n);
    this.pagesLeft = new Int32Array(n);
    this.watchReplica = new Int32Array(n).fill(NONE);
    this.watchTimer = new Float64Array(n).fill(NONE);
    this.watchTimeout = new Float64Array(n);
    this.tokens = new Float64Array(n).fill(config.burst);
    this.tokensAt = new Float64Array(n);
    this.pending = new Array<ListOptions | undefined>(n).fill(undefined);
    this.watch = config.watch;
    this.random = sim.random(`clients/${config.name}`);
    this.active = new Uint8Array(n);
    this.synced = new Uint8Array(n);
    this.generation = new Int32Array(n);
    this.timer = new Float64Array(n).fill(NONE);
    for (let i = 0; i < n; i++) {
      this.users.push(config.userOf(i));
      this.store(i, newReflectorState(sim.now));
      const start = config.startOf(i);
      if (start < Infinity) sim.scheduleAt(Math.max(sim.now, start), this.onStart, i);
    }
    cluster.onReplicaDown.push((replica) => this.breakWatches(replica));
  }

  /**
   * Makes room for members up to `count` (nodes added beyond the starting size); the new
   * members are stopped until `startMember`.
   */
  ensureMembers(count: number): void {
    const old = this.active.length;
    if (count <= old) return;
    const n = nextCapacity(old, count);
    this.state = this.state.map((field) => grownTo(field, n));
    this.attempt = grownTo(this.attempt, n);
    this.pagesLeft = grownTo(this.pagesLeft, n);
    this.watchReplica = grownTo(this.watchReplica, n, NONE);
    this.watchTimer = grownTo(this.watchTimer, n, NONE);
    this.watchTimeout = grownTo(this.watchTimeout, n);
    this.tokens = grownTo(this.tokens, n, this.config.burst);
    this.tokensAt = grownTo(this.tokensAt, n);
    for (let i = old; i < n; i++) this.pending.push(undefined);
    this.active = grownTo(this.active, n);
    this.synced = grownTo(this.synced, n);
    this.generation = grownTo(this.generation, n);
    this.timer = grownTo(this.timer, n, NONE);
    for (let i = old; i < n; i++) {
      this.users.push(this.config.userOf(i));
      this.store(i, newReflectorState(this.sim.now));
    }
  }

  /** The member's LIST completed since it last started: its store holds every object. */
  hasSynced(member: number): boolean {
    return this.synced[member] === 1;
  }

  /** The member holds an open watch: its store is current. */
  isWatching(member: number): boolean {
    return this.watchReplica[member] !== NONE;
  }

  isRunning(member: number): boolean {
    return this.active[member] === 1;
  }

  /** Members whose process runs now. */
  get runningMembers(): number {
    let running = 0;
    for (let i = 0; i < this.active.length; i++) running += this.active[i];
    return running;
  }

  /** The member's process starts: a new reflector with an empty store. */
  startMember(member: number): void {
    if (this.active[member] === 1) return;
    this.onStart(member);
  }

  /** The member's process ends: its watch closes, pending work is dropped, its store is lost. */
  stopMember(member: number): void {
    if (this.active[member] === 0) return;
    this.active[member] = 0;
    this.synced[member] = 0;
    this.closeWatch(member);
    this.clearTimer(member);
  }

  /** The process restarted (a crash, an OOM kill): it lists again from scratch. */
  restartMember(member: number): void {
    this.stopMember(member);
    this.startMember(member);
  }

  /** Sends `member`'s request (its current attempt), marked with its process generation. */
  private send(template: RequestTemplate, member: number, options: ListOptions | undefined): void {
    const request = new ApiRequest(
      template,
      member,
      this.users[member],
      this,
      this.sim.now,
      this.attempt[member],
      options,
    );
    request.generation = this.generation[member];
    this.cluster.send(request);
  }

  private clearTimer(member: number): void {
    if (this.timer[member] !== NONE) this.sim.cancel(this.timer[member]);
    this.timer[member] = NONE;
  }

  /** Schedules the member's one pending step; fired timers clear themselves. */
  private later(member: number, delay: number, step: (member: number) => void): void {
    this.clearTimer(member);
    this.timer[member] = this.sim.schedule(delay, this.onTimer, member);
    this.timerStep[member] = step;
  }

  private readonly timerStep: ((member: number) => void)[] = [];

  private readonly onTimer = (member: number): void => {
    this.timer[member] = NONE;
    this.timerStep[member](member);
  };

  get name(): string {
    return this.config.name;
  }

  /** Members holding an open watch now. */
  get openWatches(): number {
    let open = 0;
    for (let i = 0; i < this.watchReplica.length; i++) if (this.watchReplica[i] !== NONE) open++;
    return open;
  }

  private load(member: number): ReflectorState {
    const row = this.scratch as unknown as Record<string, number>;
    REFLECTOR_STATE_FIELDS.forEach((field, f) => (row[field] = this.state[f][member]));
    return this.scratch;
  }

  private store(member: number, state: ReflectorState): void {
    const row = state as unknown as Record<string, number>;
    REFLECTOR_STATE_FIELDS.forEach((field, f) => (this.state[f][member] = row[field]));
  }

  private readonly onStart = (member: number): void => {
    this.active[member] = 1;
    this.synced[member] = 0;
    this.generation[member]++;
    this.store(member, newReflectorState(this.sim.now));
    const state = this.load(member);
    const action = startReflector(state, this.sim.now, this.random);
    this.store(member, state);
    this.perform(member, action);
  };

  private step(member: number, event: ReflectorEvent): void {
    const state = this.load(member);
    const action = reflectorStep(state, event, this.sim.now, this.random);
    this.store(member, state);
    this.perform(member, action);
  }

  private perform(member: number, action: ReflectorAction): void {
    this.attempt[member] = 0;
    switch (action.kind) {
      case "list":
        this.pending[member] = action.options;
        this.sendList(member);
        return;
      case "watch":
        this.watchTimeout[member] = action.timeoutSeconds;
        this.pending[member] = action.options;
        // client-go does not rate-limit a watch's first attempt.
        this.send(this.watch, member, action.options);
        return;
      case "wait":
        this.later(member, action.seconds, this.onBackoffElapsed);
        return;
      case "keepWatching":
        return;
    }
  }

  private readonly onBackoffElapsed = (member: number): void =>
    this.step(member, { kind: "backoffElapsed" });

  private readonly sendList = (member: number): void => {
    const delay =
      this.config.qps > 0
        ? clientGo.reserveTokenAt(
            this.tokens,
            this.tokensAt,
            member,
            this.sim.now,
            this.config.qps,
            this.config.burst,
          )
        : 0;
    if (delay > 0) {
      this.later(member, delay, this.sendListNow);
    } else {
      this.sendListNow(member);
    }
  };

  private readonly sendListNow = (member: number): void => {
    this.stats.lists++;
    this.send(this.config.list, member, this.pending[member]);
  };

  onResponse(request: ApiRequest, status: number, retryAfterSeconds: number): void {
    const member = request.member;
    // An answer to a process that has since stopped or restarted reaches nobody.
    if (this.active[member] === 0 || request.generation !== this.generation[member]) return;
    const isWatch = request.template === this.watch;
    if (status !== STATUS_OK) {
      const delay = this.retryDelay(status, retryAfterSeconds, this.attempt[member] + 1);
      if (delay !== undefined) {
        this.attempt[member]++;
        // Retries pass the rate limiter again, watches included.
        this.later(member, delay, isWatch ? this.resendWatch : this.sendList);
        return;
      }
      const failure = this.failure(status);
      if (!isWatch) this.stats.listFailures++;
      this.step(
        member,
        isWatch ? { kind: "watchOpenFailed", failure } : { kind: "listFailed", failure },
      );
      return;
    }
    const resourceVersion = this.cluster.resourceVersionAt(this.sim.now);
    if (!isWatch) {
      const hasMore = this.hasMorePages(request);
      if (!hasMore) this.synced[member] = 1;
      this.step(member, { kind: "listPage", resourceVersion, hasMore });
      return;
    }
    const from = Number(request.options.resourceVersion ?? "");
    if (from > 0 && this.cluster.isTooOldForWatch(request.replica, from)) {
      this.stats.tooOld++;
      this.step(member, { kind: "watchError", status: 410 });
      return;
    }
    this.openWatch(member, request.replica);
  }

  private readonly resendWatch = (member: number): void => {
    const delay = clientGo.reserveTokenAt(
      this.tokens,
      this.tokensAt,
      member,
      this.sim.now,
      this.config.qps,
      this.config.burst,
    );
    this.later(member, delay, this.sendWatchNow);
  };

  private readonly sendWatchNow = (member: number): void => {
    this.send(this.watch, member, this.pending[member]);
  };

  /**
   * A LIST whose limit cut it short (from etcd, or from the watch cache from 1.31) continues
   * until every matching object came back.
   */
  private hasMorePages(request: ApiRequest): boolean {
    const limit = request.options.limit ?? 0;
    if (limit <= 0 || request.readCost === undefined) return false;
    const member = request.member;
    if (request.options.hasContinue !== true) {
      if (!request.readCost.truncated) return false;
      this.pagesLeft[member] =
        Math.ceil(this.cluster.matchingObjects(this.config.list) / limit) - 1;
    } else {
      this.pagesLeft[member]--;
    }
    return this.pagesLeft[member] > 0;
  }

  private openWatch(member: number, replica: number): void {
    this.stats.watchesOpened++;
    this.watchReplica[member] = replica;
    this.setWatchers(+1);
    this.watchTimer[member] = this.sim.schedule(
      this.watchTimeout[member],
      this.onWatchTimeout,
      member,
    );
  }

  private closeWatch(member: number): void {
    if (this.watchReplica[member] === NONE) return;
    this.watchReplica[member] = NONE;
    this.setWatchers(-1);
    if (this.watchTimer[member] !== NONE) this.sim.cancel(this.watchTimer[member]);
    this.watchTimer[member] = NONE;
  }

  private setWatchers(delta: number): void {
    const stats = this.cluster.resources.get(this.config.list.resource);
    if (stats === undefined) return;
    stats.watchers += delta;
    if (this.config.list.scope === "node") {
      stats.nodeScopedWatchers = (stats.nodeScopedWatchers ?? 0) + delta;
    }
  }

  /** The server ends the watch at its timeout; bookmarks kept the revision current. */
  private readonly onWatchTimeout = (member: number): void => {
    this.watchTimer[member] = NONE;
    this.closeWatch(member);
    this.step(member, {
      kind: "watchClosed",
      receivedEvents: true,
      resourceVersion: this.cluster.resourceVersionAt(this.sim.now),
    });
  };

  private breakWatches(replica: ApiserverReplica): void {
    const resourceVersion = this.cluster.resourceVersionAt(this.sim.now);
    for (let member = 0; member < this.watchReplica.length; member++) {
      if (this.watchReplica[member] !== replica.index) continue;
      this.stats.watchesBroken++;
      this.closeWatch(member);
      this.step(member, { kind: "watchClosed", receivedEvents: true, resourceVersion });
    }
  }

  private failure(status: number): clientGo.RequestFailure {
    if (status === STATUS_CONNECTION_REFUSED) return { kind: "connectionRefused" };
    if (status === STATUS_CONNECTION_RESET) return { kind: "connectionLost" };
    return { kind: "status", status };
  }

  /** rest.Request's own retries, before the reflector hears of a failure. */
  private retryDelay(
    status: number,
    retryAfterSeconds: number,
    attempt: number,
  ): number | undefined {
    const options = { maxRetries: this.config.maxRetries };
    if (status === STATUS_CONNECTION_RESET || status === STATUS_CONNECTION_REFUSED) {
      const error = status === STATUS_CONNECTION_RESET ? "connectionReset" : "connectionRefused";
      return clientGo.retryDelayAfterTransportError(
        error,
        "request",
        "GET",
        attempt,
        this.config.version,
        options,
      );
    }
    return clientGo.retryDelayAfterResponse(
      status,
      retryAfterSeconds > 0 ? retryAfterSeconds : undefined,
      attempt,
      options,
    );
  }
}
