/**
 * A population of identical clients that each send one kind of request on a period: kubelets
 * renewing their node lease every 10 s, an agent on every node listing pods every minute.
 * State lives in typed arrays, one row per member; each member is one chain of kernel events
 * carrying its row index, never an object with timers of its own.
 */
import type { Simulation, RandomStream } from "../../sim/index.js";
import { clientGo, type KubernetesVersion, type UserInfo } from "../../k8s/index.js";
import { grownTo, nextCapacity } from "../grow-array.js";
import {
  ApiRequest,
  STATUS_CONNECTION_REFUSED,
  STATUS_CONNECTION_RESET,
  STATUS_OK,
  HTTP_METHODS,
  type RequestTemplate,
  type ResponseSink,
} from "../request.js";

/** How a member reacts to a failed request. */
export type RetryPolicy =
  /** client-go (the port in src/k8s/client-go): retry 429 and 5xx carrying Retry-After after
   * that many seconds, at most `maxRetries` times; a reset connection on a GET as if
   * Retry-After were 1 s; a refused connection not at all. */
  | { kind: "client-go"; maxRetries: number; version: KubernetesVersion }
  /** Retry any failure after an exponential backoff (kubelet lease renewal: 200 ms to 7 s). */
  | { kind: "backoff"; initialSeconds: number; maxSeconds: number; factor: number }
  /** A badly behaved agent: retry any failure after a fixed delay, forever. */
  | { kind: "tight-loop"; delaySeconds: number };

export interface PeriodicCallersConfig {
  name: string;
  members: number;
  template: RequestTemplate;
  /** The identity of member i (kubelets each have their own; a DaemonSet shares one). */
  userOf: (member: number) => UserInfo;
  periodSeconds: number;
  /** When member i starts (s); Infinity leaves it to `startMember` (a DaemonSet's pod starts). */
  startOf: (member: number) => number;
  /** client-go token bucket per member. */
  qps: number;
  burst: number;
  retry: RetryPolicy;
  /**
   * When a started member makes its first call: at a random phase within the period (the
   * default: long-running processes drift apart), or at once (a CronJob's pods, a restart herd).
   */
  firstCall?: "spread" | "immediate";
  /** Hears each call's final outcome (after retries): a kubelet's lease renewed or not. */
  onOutcome?: (member: number, ok: boolean) => void;
}

/** What the population sends through: the cluster's load balancer. */
export interface RequestTransport {
  send(request: ApiRequest): void;
}

export interface PeriodicCallersStats {
  sent: number;
  succeeded: number;
  failed: number;
  retries: number;
  /** Ticks skipped because the previous call had not returned. */
  skipped: number;
}

export class PeriodicCallers implements ResponseSink {
  readonly stats: PeriodicCallersStats = {
    sent: 0,
    succeeded: 0,
    failed: 0,
    retries: 0,
    skipped: 0,
  };
  private inFlight: Uint8Array;
  private attempt: Int32Array;
  private tokens: Float64Array;
  private tokensAt: Float64Array;
  private readonly users: UserInfo[] = [];
  private readonly random: RandomStream;
  /** 1 while the member runs; its pod may not have started yet or may have been deleted. */
  private active: Uint8Array;
  /** Bumped at each start: responses to requests of an older generation belong to a dead pod. */
  private generation: Int32Array;
  /** The member's next periodic tick, cancelled when it stops. */
  private tickHandle: Float64Array;
  /** The member's pending send (a retry or a rate-limiter wait), cancelled when it stops. */
  private sendHandle: Float64Array;
  private running = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly config: PeriodicCallersConfig,
    private readonly transport: RequestTransport,
  ) {
    const n = config.members;
    this.inFlight = new Uint8Array(n);
    this.attempt = new Int32Array(n);
    this.tokens = new Float64Array(n).fill(config.burst);
    this.tokensAt = new Float64Array(n);
    this.random = sim.random(`clients/${config.name}`);
    this.active = new Uint8Array(n);
    this.generation = new Int32Array(n);
    this.tickHandle = new Float64Array(n).fill(-1);
    this.sendHandle = new Float64Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      this.users.push(config.userOf(i));
      const start = config.startOf(i);
      if (start < Infinity) this.sim.scheduleAt(Math.max(sim.now, start), this.onStart, i);
    }
  }

  /** Members the population has room for (its starting members and any added since). */
  get capacity(): number {
    return this.active.length;
  }

  /**
   * Makes room for members up to `count` (nodes added beyond the starting size); the new
   * members are stopped until `startMember`.
   */
  ensureMembers(count: number): void {
    const old = this.active.length;
    if (count <= old) return;
    const n = nextCapacity(old, count);
    this.inFlight = grownTo(this.inFlight, n);
    this.attempt = grownTo(this.attempt, n);
    this.tokens = grownTo(this.tokens, n, this.config.burst);
    this.tokensAt = grownTo(this.tokensAt, n);
    this.active = grownTo(this.active, n);
    this.generation = grownTo(this.generation, n);
    this.tickHandle = grownTo(this.tickHandle, n, -1);
    this.sendHandle = grownTo(this.sendHandle, n, -1);
    for (let i = old; i < n; i++) this.users.push(this.config.userOf(i));
  }

  /** Members running now. */
  get runningMembers(): number {
    return this.running;
  }

  isRunning(member: number): boolean {
    return this.active[member] === 1;
  }

  /** The member's process starts; its first call comes at a random phase within the period,
   * so members do not call in lockstep. */
  startMember(member: number): void {
    if (this.active[member] === 1) return;
    this.active[member] = 1;
    this.running++;
    this.generation[member]++;
    this.inFlight[member] = 0;
    const phase =
      this.config.firstCall === "immediate" ? 0 : this.random.next() * this.config.periodSeconds;
    this.tickHandle[member] = this.sim.schedule(phase, this.onTick, member);
  }

  /** The member's process ends (its pod was deleted): no more calls, late answers ignored. */
  stopMember(member: number): void {
    if (this.active[member] === 0) return;
    this.active[member] = 0;
    this.running--;
    this.inFlight[member] = 0;
    if (this.tickHandle[member] >= 0) this.sim.cancel(this.tickHandle[member]);
    if (this.sendHandle[member] >= 0) this.sim.cancel(this.sendHandle[member]);
    this.tickHandle[member] = -1;
    this.sendHandle[member] = -1;
  }

  private readonly onStart = (member: number): void => this.startMember(member);

  get name(): string {
    return this.config.name;
  }

  /** Stops every member (the DaemonSet was deleted). */
  stop(): void {
    for (let member = 0; member < this.active.length; member++) this.stopMember(member);
  }

  private readonly onTick = (member: number): void => {
    this.tickHandle[member] = this.sim.schedule(this.config.periodSeconds, this.onTick, member);
    if (this.inFlight[member] === 1) {
      this.stats.skipped++;
      return;
    }
    this.inFlight[member] = 1;
    this.attempt[member] = 0;
    this.sendThroughRateLimiter(member);
  };

  private sendThroughRateLimiter(member: number): void {
    const delay = this.reserveToken(member);
    if (delay > 0) this.sendHandle[member] = this.sim.schedule(delay, this.onSend, member);
    else this.onSend(member);
  }

  /** client-go's token bucket (the ported x/time/rate reservation); qps <= 0 means no limit. */
  private reserveToken(member: number): number {
    const { qps, burst } = this.config;
    if (!(qps > 0)) return 0;
    return clientGo.reserveTokenAt(this.tokens, this.tokensAt, member, this.sim.now, qps, burst);
  }

  private readonly onSend = (member: number): void => {
    this.sendHandle[member] = -1;
    if (this.active[member] === 0) return;
    this.stats.sent++;
    const request = new ApiRequest(
      this.config.template,
      member,
      this.users[member],
      this,
      this.sim.now,
      this.attempt[member],
    );
    request.generation = this.generation[member];
    this.transport.send(request);
  };

  onResponse(request: ApiRequest, status: number, retryAfterSeconds: number): void {
    const member = request.member;
    if (this.active[member] === 0 || request.generation !== this.generation[member]) {
      // The pod that sent it is gone; count the outcome but act on nothing.
      if (status === STATUS_OK) this.stats.succeeded++;
      else this.stats.failed++;
      return;
    }
    if (status === STATUS_OK) {
      this.stats.succeeded++;
      this.inFlight[member] = 0;
      this.config.onOutcome?.(member, true);
      return;
    }
    const delay = this.retryDelay(member, status, retryAfterSeconds);
    if (delay === undefined) {
      this.stats.failed++;
      this.inFlight[member] = 0;
      this.config.onOutcome?.(member, false);
      return;
    }
    this.stats.retries++;
    this.attempt[member]++;
    this.sendHandle[member] = this.sim.schedule(delay, this.onRetry, member);
  }

  private readonly onRetry = (member: number): void => {
    this.sendHandle[member] = -1;
    this.sendThroughRateLimiter(member);
  };

  private retryDelay(
    member: number,
    status: number,
    retryAfterSeconds: number,
  ): number | undefined {
    const retry = this.config.retry;
    const attempt = this.attempt[member];
    switch (retry.kind) {
      case "client-go": {
        // client-go's attempts are 1-based: this response answered attempt `attempt + 1`.
        const options = { maxRetries: retry.maxRetries };
        if (status === STATUS_CONNECTION_RESET || status === STATUS_CONNECTION_REFUSED) {
          const error =
            status === STATUS_CONNECTION_RESET ? "connectionReset" : "connectionRefused";
          const method = HTTP_METHODS[this.config.template.verb];
          return clientGo.retryDelayAfterTransportError(
            error,
            "request",
            method,
            attempt + 1,
            retry.version,
            options,
          );
        }
        return clientGo.retryDelayAfterResponse(
          status,
          retryAfterSeconds > 0 ? retryAfterSeconds : undefined,
          attempt + 1,
          options,
        );
      }
      case "backoff":
        return Math.min(retry.maxSeconds, retry.initialSeconds * retry.factor ** attempt);
      case "tight-loop":
        return retry.delaySeconds;
    }
  }
}
