/**
 * One client-go client (one process, one token bucket) sending individual requests: a
 * controller creating pods, an operator's kubectl. Each call passes the rate limiter, is
 * retried by client-go's rules, and ends in one callback with the final status.
 */
import type { Simulation } from "../../sim/index.js";
import { clientGo, type KubernetesVersion, type UserInfo } from "../../k8s/index.js";
import {
  ApiRequest,
  STATUS_CONNECTION_REFUSED,
  STATUS_CONNECTION_RESET,
  STATUS_OK,
  HTTP_METHODS,
  type RequestTemplate,
  type ResponseSink,
} from "../request.js";
import type { RequestTransport } from "./periodic-callers.js";

export interface ApiClientConfig {
  name: string;
  user: UserInfo;
  /** client-go's token bucket; qps <= 0 means no limit. */
  qps: number;
  burst: number;
  maxRetries: number;
  version: KubernetesVersion;
}

/** Receives the final status of a call: 200, or the last failure after retries. */
export type CallDone<T> = (status: number, context: T) => void;

interface Call {
  template: RequestTemplate;
  attempt: number;
  done: CallDone<unknown>;
  context: unknown;
}

export class ApiClient implements ResponseSink {
  readonly stats = { sent: 0, succeeded: 0, failed: 0, retries: 0 };
  private readonly tokens = new Float64Array(1);
  private readonly tokensAt = new Float64Array(1);
  /** Calls in flight, indexed by the request's member number. */
  private readonly calls = new Map<number, Call>();
  private nextCall = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly config: ApiClientConfig,
    private transport: RequestTransport,
  ) {
    this.tokens[0] = config.burst;
    this.tokensAt[0] = sim.now;
  }

  get name(): string {
    return this.config.name;
  }

  /** Sends through another path from now on (e.g. a break-glass endpoint). */
  useTransport(transport: RequestTransport): void {
    this.transport = transport;
  }

  call<T>(template: RequestTemplate, done: CallDone<T>, context: T): void {
    const id = this.nextCall++;
    this.calls.set(id, { template, attempt: 0, done: done as CallDone<unknown>, context });
    this.sendThroughRateLimiter(id);
  }

  get inFlight(): number {
    return this.calls.size;
  }

  private sendThroughRateLimiter(id: number): void {
    const { qps, burst } = this.config;
    const delay =
      qps > 0
        ? clientGo.reserveTokenAt(this.tokens, this.tokensAt, 0, this.sim.now, qps, burst)
        : 0;
    if (delay > 0) this.sim.schedule(delay, this.send, id);
    else this.send(id);
  }

  private readonly send = (id: number): void => {
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.stats.sent++;
    this.transport.send(
      new ApiRequest(call.template, id, this.config.user, this, this.sim.now, call.attempt),
    );
  };

  onResponse(request: ApiRequest, status: number, retryAfterSeconds: number): void {
    const call = this.calls.get(request.member);
    if (call === undefined) return;
    if (status !== STATUS_OK) {
      const delay = this.retryDelay(call, status, retryAfterSeconds);
      if (delay !== undefined) {
        this.stats.retries++;
        call.attempt++;
        this.sim.schedule(delay, this.retry, request.member);
        return;
      }
    }
    this.calls.delete(request.member);
    if (status === STATUS_OK) this.stats.succeeded++;
    else this.stats.failed++;
    call.done(status, call.context);
  }

  private readonly retry = (id: number): void => this.sendThroughRateLimiter(id);

  private retryDelay(call: Call, status: number, retryAfterSeconds: number): number | undefined {
    const options = { maxRetries: this.config.maxRetries };
    if (status === STATUS_CONNECTION_RESET || status === STATUS_CONNECTION_REFUSED) {
      return clientGo.retryDelayAfterTransportError(
        status === STATUS_CONNECTION_RESET ? "connectionReset" : "connectionRefused",
        "request",
        HTTP_METHODS[call.template.verb],
        call.attempt + 1,
        this.config.version,
        options,
      );
    }
    return clientGo.retryDelayAfterResponse(
      status,
      retryAfterSeconds > 0 ? retryAfterSeconds : undefined,
      call.attempt + 1,
      options,
    );
  }
}
