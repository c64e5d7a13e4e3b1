/**
 * API Priority and Fairness on one apiserver replica: classify each request to a flow schema
 * and priority level, estimate its seats, and queue it fairly in that level's QueueSet; exempt
 * levels run at once. Concurrency is re-divided between levels every 10 s (borrowing).
 * The logic is the port in src/k8s/apf; this file only connects it to simulated requests.
 */
import type { StateChecker } from "../../world/checker.js";
import { apf, type FeatureGates, type KubernetesVersion } from "../../k8s/index.js";
import type { Admission, AdmitDecision } from "../apiserver.js";
import type { ApiRequest, RequestTemplate } from "../request.js";

/** What the admission needs to know about the cluster's stored objects. */
export interface ObjectCounts {
  stats(resource: string): { objectCount: number; averageObjectSizeBytes: number } | undefined;
  watchers(resource: string): number;
}

export interface ApfAdmissionConfig {
  version: KubernetesVersion;
  featureGates: FeatureGates;
  etcdSupportsRequestWatchProgress: boolean;
  flowSchemas: readonly apf.FlowSchema[];
  priorityLevels: readonly apf.PriorityLevelConfiguration[];
  /** --max-requests-inflight + --max-mutating-requests-inflight. */
  serverConcurrencyLimit: number;
  /** --request-timeout (s); queue waits are capped at a quarter of it, and at 1 min. */
  requestTimeoutSeconds: number;
  /** Checks that dispatch keeps seats within each level's limit, when the run is checked. */
  checker?: StateChecker;
}

interface Level {
  concurrency: apf.PriorityLevelConcurrency;
  exempt: boolean;
  queueSet: apf.QueueSet<ApiRequest>;
  demand: apf.SeatDemandIntegrator;
  currentCL: number;
}

export class ApfAdmission implements Admission {
  readonly queueWaitLimitSeconds: number;
  private readonly configuration: apf.ApfConfiguration;
  private readonly estimatorContext: apf.WorkEstimatorContext;
  private readonly classifications = new Map<RequestTemplate, Map<string, apf.Classification>>();
  private levels = new Map<string, Level>();
  private readonly retryAfter = new apf.DroppedRequestsTracker();
  private readonly tickets = new WeakMap<ApiRequest, apf.Ticket<ApiRequest>>();
  private dispatch: (request: ApiRequest) => void = () => {};
  private schedule: (delaySeconds: number, run: () => void) => void = () => {};

  constructor(
    private readonly config: ApfAdmissionConfig,
    private readonly objects: ObjectCounts,
  ) {
    this.queueWaitLimitSeconds = Math.min(config.requestTimeoutSeconds / 4, 60);
    this.configuration = apf.digestConfiguration(config.flowSchemas, config.priorityLevels);
    this.estimatorContext = apf.createWorkEstimatorContext(config.version, {
      featureGates: config.featureGates,
      etcdSupportsRequestWatchProgress: config.etcdSupportsRequestWatchProgress,
    });
    this.reset();
  }

  attach(
    dispatch: (request: ApiRequest) => void,
    schedule: (delaySeconds: number, run: () => void) => void,
  ): void {
    this.dispatch = dispatch;
    this.schedule = schedule;
  }

  reset(now = 0): void {
    const limits = apf.computeConcurrencyLimits(
      [...this.configuration.priorityLevels.values()],
      this.config.serverConcurrencyLimit,
    );
    this.levels = new Map();
    for (const [name, concurrency] of limits) {
      const level = this.configuration.priorityLevels.get(name);
      const exempt = level?.spec.type === "Exempt";
      const queuing = level?.spec.limited?.limitResponse;
      const demand = new apf.SeatDemandIntegrator(now);
      this.levels.set(name, {
        concurrency,
        exempt,
        // The exempt level gets a QueueSet too (queues < 0: never limited) so that its seat
        // demand is measured, as upstream's borrowing expects from 1.31 on.
        queueSet: new apf.QueueSet<ApiRequest>(
          {
            name,
            concurrencyLimit: concurrency.initialCL,
            queues: exempt ? -1 : queuing?.type === "Queue" ? (queuing.queuing?.queues ?? 0) : 0,
            handSize: queuing?.queuing?.handSize ?? 1,
            queueLengthLimit: queuing?.queuing?.queueLengthLimit ?? 0,
          },
          { seatDemand: demand },
        ),
        demand,
        currentCL: concurrency.initialCL,
      });
    }
  }

  private classify(request: ApiRequest): apf.Classification {
    const template = request.template;
    // Keyed by template object, then user name: no string is built per request.
    let byUser = this.classifications.get(template);
    if (byUser === undefined) {
      byUser = new Map();
      this.classifications.set(template, byUser);
    }
    let classification = byUser.get(request.user.name);
    if (classification === undefined) {
      classification = apf.classifyRequest(this.configuration, {
        user: request.user,
        requestInfo: {
          isResourceRequest: true,
          verb: template.verb,
          apiGroup: template.apiGroup,
          resource: template.resource,
          namespace: template.scope === "cluster" || template.resource === "nodes" ? "" : "default",
        },
      });
      byUser.set(request.user.name, classification);
    }
    return classification;
  }

  admit(request: ApiRequest, now: number): AdmitDecision {
    const classification = this.classify(request);
    request.flowSchema = classification.flowSchema.metadata.name;
    request.priorityLevel = classification.priorityLevel.metadata.name;
    const level = this.levels.get(request.priorityLevel);
    if (level === undefined) return "execute";
    const template = request.template;
    const stats = this.objects.stats(template.resource);
    const estimate = apf.estimateWork(
      {
        verb: template.verb,
        resource: template.resource,
        options: request.options,
        stats: stats ?? "not-found",
        watchCount: this.objects.watchers(template.resource),
      },
      level.concurrency.maxSeats,
      this.estimatorContext,
    );
    const outcome = level.queueSet.startRequest(now, classification.hashValue, estimate, request);
    switch (outcome.kind) {
      case "execute":
      case "queued":
        if (outcome.kind === "execute" && !level.exempt) this.checkSeats(level, outcome.ticket);
        this.tickets.set(request, outcome.ticket);
        for (const other of outcome.othersDispatched) this.dispatch(other.payload);
        return outcome.kind;
      case "rejected":
        this.retryAfter.recordDroppedRequest(request.priorityLevel, now);
        return outcome.reason;
    }
  }

  /**
   * Upstream's dispatch rule: a request starts only if its seats fit under the level's limit,
   * or if nothing else executes (a request wider than the limit runs alone).
   */
  private checkSeats(level: Level, ticket: apf.Ticket<ApiRequest>): void {
    const checker = this.config.checker;
    if (checker === undefined) return;
    const seats = ticket.estimate.initialSeats;
    const inUse = level.queueSet.executingSeats;
    const limit = level.queueSet.concurrencyLimit;
    checker.seats(ticket.payload.priorityLevel, inUse === seats ? 0 : inUse, limit);
  }

  release(request: ApiRequest, now: number): ApiRequest[] {
    const ticket = this.tickets.get(request);
    const level = this.levels.get(request.priorityLevel);
    if (ticket === undefined || level === undefined) return [];
    this.tickets.delete(request);
    const queueSet = level.queueSet;
    const dispatched = queueSet.finishExecution(now, ticket).map((t) => t.payload);
    const latency = apf.additionalLatencySeconds(ticket.estimate);
    if (ticket.state === "lingering") {
      // The final seats stay taken while watch events go out; then they free more dispatches.
      this.schedule(latency, () => {
        if (this.levels.get(request.priorityLevel)?.queueSet !== queueSet) return;
        for (const next of queueSet.releaseFinal(now + latency, ticket))
          this.dispatch(next.payload);
      });
    }
    return dispatched;
  }

  expire(request: ApiRequest, now: number): boolean {
    const ticket = this.tickets.get(request);
    const level = this.levels.get(request.priorityLevel);
    if (ticket === undefined || level === undefined) return false;
    const expired = level.queueSet.timeoutWaiting(now, ticket);
    if (expired) {
      this.tickets.delete(request);
      this.retryAfter.recordDroppedRequest(request.priorityLevel, now);
    }
    return expired;
  }

  retryAfterSeconds(request: ApiRequest, now: number): number {
    return this.retryAfter.retryAfterSeconds(request.priorityLevel, now);
  }

  /** Every 10 s: re-divide seats between levels from their smoothed demand. */
  tick(now: number): ApiRequest[] {
    const levels = [...this.levels.values()];
    const allocation = apf.allocateConcurrency(now, levels, { version: this.config.version });
    const dispatched: ApiRequest[] = [];
    levels.forEach((level, index) => {
      level.currentCL = allocation[index];
      for (const ticket of level.queueSet.setConcurrencyLimit(now, allocation[index])) {
        dispatched.push(ticket.payload);
      }
    });
    return dispatched;
  }

  /** Seats executing and requests waiting per level, for metrics. */
  levelState(): { level: string; executingSeats: number; waiting: number; limit: number }[] {
    const state = [];
    for (const [level, { queueSet }] of this.levels) {
      state.push({
        level,
        executingSeats: queueSet.executingSeats,
        waiting: queueSet.waitingRequests,
        limit: queueSet.concurrencyLimit,
      });
    }
    return state;
  }
}
