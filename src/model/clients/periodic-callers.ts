/**
 * A population of identical clients that each send one kind of request on a period: kubelets
 * renewing their node lease every 10 s, an agent on every node listing pods every minute.
 * State lives in typed arrays, one row per member; each member is one chain of kernel events
 * carrying its row index, never an object with timers of its own.
 */
import type { Simulation, RandomStream } from "../../sim/index.js";
import { clientGo, type UserInfo } from "../../k8s/index.js";
import {
  ApiRequest,
  STATUS_CONNECTION_ERROR,
  STATUS_OK,
  type RequestTemplate,
  type ResponseSink,
} from "../request.js";

/** How a member reacts to a failed request. */
export type RetryPolicy =
  /** client-go: retry 429 and 5xx carrying Retry-After after that many seconds, at most
   * `maxRetries` times; connection errors on reads as if Retry-After were 1 s. */
  | { kind: "client-go"; maxRetries: number }
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
  /** When member i starts (s); a DaemonSet rollout staggers these. */
  startOf: (member: number) => number;
  /** client-go token bucket per member. */
  qps: number;
  burst: number;
  retry: RetryPolicy;
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
  private readonly inFlight: Uint8Array;
  private readonly attempt: Int32Array;
  private readonly tokens: Float64Array;
  private readonly tokensAt: Float64Array;
  /** Simulated time of each member's last success (-Infinity before the first). */
  readonly lastSuccess: Float64Array;
  private readonly users: UserInfo[] = [];
  private readonly random: RandomStream;
  private stopped = false;

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
    this.lastSuccess = new Float64Array(n).fill(-Infinity);
    this.random = sim.random(`clients/${config.name}`);
    for (let i = 0; i < n; i++) {
      this.users.push(config.userOf(i));
      // A random phase within the period: members do not start in lockstep.
      const start = config.startOf(i) + this.random.next() * config.periodSeconds;
      this.sim.scheduleAt(Math.max(sim.now, start), this.onTick, i);
    }
  }

  get name(): string {
    return this.config.name;
  }

  /** Stops every member after its current request (the DaemonSet was deleted). */
  stop(): void {
    this.stopped = true;
  }

  /** Members whose last success is older than `age` seconds at `now` (or never succeeded). */
  countStale(now: number, age: number): number {
    let stale = 0;
    for (let i = 0; i < this.lastSuccess.length; i++) if (now - this.lastSuccess[i] > age) stale++;
    return stale;
  }

  private readonly onTick = (member: number): void => {
    if (this.stopped) return;
    this.sim.schedule(this.config.periodSeconds, this.onTick, member);
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
    if (delay > 0) this.sim.schedule(delay, this.onSend, member);
    else this.onSend(member);
  }

  /** client-go's token bucket (the ported x/time/rate reservation); qps <= 0 means no limit. */
  private reserveToken(member: number): number {
    const { qps, burst } = this.config;
    if (!(qps > 0)) return 0;
    return clientGo.reserveTokenAt(this.tokens, this.tokensAt, member, this.sim.now, qps, burst);
  }

  private readonly onSend = (member: number): void => {
    if (this.stopped && this.attempt[member] === 0) {
      this.inFlight[member] = 0;
      return;
    }
    this.stats.sent++;
    this.transport.send(
      new ApiRequest(
        this.config.template,
        member,
        this.users[member],
        this,
        this.sim.now,
        this.attempt[member],
      ),
    );
  };

  onResponse(request: ApiRequest, status: number, retryAfterSeconds: number): void {
    const member = request.member;
    if (status === STATUS_OK) {
      this.stats.succeeded++;
      this.lastSuccess[member] = this.sim.now;
      this.inFlight[member] = 0;
      return;
    }
    const delay = this.retryDelay(member, status, retryAfterSeconds);
    if (delay === undefined || this.stopped) {
      this.stats.failed++;
      this.inFlight[member] = 0;
      return;
    }
    this.stats.retries++;
    this.attempt[member]++;
    this.sim.schedule(delay, this.onRetry, member);
  }

  private readonly onRetry = (member: number): void => this.sendThroughRateLimiter(member);

  private retryDelay(
    member: number,
    status: number,
    retryAfterSeconds: number,
  ): number | undefined {
    const retry = this.config.retry;
    const attempt = this.attempt[member];
    switch (retry.kind) {
      case "client-go": {
        if (attempt >= retry.maxRetries) return undefined;
        if (retryAfterSeconds > 0 && (status === 429 || status >= 500)) return retryAfterSeconds;
        const isRead = this.config.template.verb === "get" || this.config.template.verb === "list";
        return status === STATUS_CONNECTION_ERROR && isRead ? 1 : undefined;
      }
      case "backoff":
        return Math.min(retry.maxSeconds, retry.initialSeconds * retry.factor ** attempt);
      case "tight-loop":
        return retry.delaySeconds;
    }
  }
}
