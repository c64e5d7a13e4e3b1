/**
 * A request in flight between a simulated client and the apiservers. Clients of a population
 * share one RequestTemplate (what they call); a request carries the member index so that the
 * response reaches the right row of the population's arrays.
 */
import type { Encoding, ReadCost, WriteCost } from "../k8s/cost/index.js";
import type { ListOptions } from "../k8s/apf/index.js";
import type { UserInfo } from "../k8s/index.js";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete";

/** The HTTP method of each verb, which decides what client-go retries. */
export const HTTP_METHODS: Readonly<Record<Verb, string>> = {
  get: "GET",
  list: "GET",
  watch: "GET",
  create: "POST",
  update: "PUT",
  patch: "PATCH",
  delete: "DELETE",
};

/** Where a LIST looks: every object of the resource, one namespace, or one node's pods. */
export type ListScope = "cluster" | "namespace" | "node";

export interface RequestTemplate {
  /** Label for metrics and reports, e.g. "telemetry-agent list pods". */
  name: string;
  verb: Verb;
  resource: string;
  apiGroup: string;
  scope: ListScope;
  options: ListOptions;
  encoding: Encoding;
  /** True for requests the apiserver counts as mutating (max-inflight split, seats). */
  mutating: boolean;
  /**
   * One simulated request standing for this many identical ones sent together, e.g. the lease
   * renewals of a group of nodes: its etcd, CPU and memory cost and its counts are multiplied.
   */
  batch?: number;
}

/** Final status of a request as the client sees it: HTTP codes, 0 for a broken connection. */
export const STATUS_OK = 200;
export const STATUS_TOO_MANY_REQUESTS = 429;
export const STATUS_INTERNAL_ERROR = 500;
export const STATUS_GATEWAY_TIMEOUT = 504;
/** The replica died with the request in flight (connection reset). */
export const STATUS_CONNECTION_RESET = 0;
/** No replica was ready to accept the connection. Not an HTTP code; never sent by a server. */
export const STATUS_CONNECTION_REFUSED = 1;

export interface ResponseSink {
  /** Called once per request with the final status; `retryAfter` in seconds for 429. */
  onResponse(request: ApiRequest, status: number, retryAfterSeconds: number): void;
}

export class ApiRequest {
  /** Set when the client stops waiting (timeout) or the response is delivered. */
  answered = false;
  /** Seats, CPU, etcd and memory the request costs, fixed when it reaches a replica. */
  readCost: ReadCost | undefined = undefined;
  writeCost: WriteCost | undefined = undefined;
  memoryHeld = 0;
  /** Kernel handles of this request's pending timers, to cancel them when it ends. */
  clientTimeout = -1;
  queueTimeout = -1;
  /** The query of this request: the template's, or a reflector's (revision, page, continue). */
  options: ListOptions;
  /** Set by APF admission; "" under max-inflight. */
  priorityLevel = "";
  flowSchema = "";
  replica = -1;
  /** The sender's own mark: the generation of the client process that sent it. */
  generation = 0;

  constructor(
    readonly template: RequestTemplate,
    readonly member: number,
    readonly user: UserInfo,
    readonly sink: ResponseSink,
    readonly sentAt: number,
    readonly attempt: number,
    options?: ListOptions,
  ) {
    this.options = options ?? template.options;
  }
}
