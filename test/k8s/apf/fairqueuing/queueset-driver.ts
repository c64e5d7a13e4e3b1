/**
 * Plays the apiserver around a QueueSet in tests: requests run for a fixed service time once
 * dispatched, hold their final seats for the additional latency, and may time out in the queue.
 */
import {
  additionalLatencySeconds,
  type QueueSet,
  type Ticket,
  type WorkEstimate,
} from "../../../../src/k8s/apf/index.js";
import type { EventLoop } from "./event-loop.js";

export interface SimRequest {
  flow: string;
  serviceSeconds: number;
  /** Called when the handler returns (the client has its answer). */
  onComplete?: () => void;
}

export interface FlowRecord {
  submitted: number;
  rejected: number;
  timedOut: number;
  executed: number;
  waits: number[];
}

export class QueueSetDriver {
  readonly flows = new Map<string, FlowRecord>();

  constructor(
    private readonly loop: EventLoop,
    readonly queueSet: QueueSet<SimRequest>,
    private readonly queueWaitLimitSeconds = Number.POSITIVE_INFINITY,
  ) {}

  submit(hashValue: bigint, estimate: WorkEstimate, request: SimRequest): void {
    const record = this.record(request.flow);
    record.submitted++;
    const outcome = this.queueSet.startRequest(this.loop.now, hashValue, estimate, request);
    if (outcome.kind === "rejected") {
      record.rejected++;
      request.onComplete?.();
      return;
    }
    if (outcome.kind === "execute") this.started(outcome.ticket);
    else if (Number.isFinite(this.queueWaitLimitSeconds)) {
      this.loop.after(this.queueWaitLimitSeconds, () => {
        if (this.queueSet.timeoutWaiting(this.loop.now, outcome.ticket)) {
          record.timedOut++;
          request.onComplete?.();
        }
      });
    }
    this.startAll(outcome.othersDispatched);
  }

  meanWait(flow: string): number {
    const waits = this.record(flow).waits;
    return waits.reduce((sum, wait) => sum + wait, 0) / waits.length;
  }

  record(flow: string): FlowRecord {
    let record = this.flows.get(flow);
    if (record === undefined) {
      record = { submitted: 0, rejected: 0, timedOut: 0, executed: 0, waits: [] };
      this.flows.set(flow, record);
    }
    return record;
  }

  private startAll(tickets: readonly Ticket<SimRequest>[]): void {
    for (const ticket of tickets) this.started(ticket);
  }

  private started(ticket: Ticket<SimRequest>): void {
    const record = this.record(ticket.payload.flow);
    record.executed++;
    record.waits.push((ticket.dispatchTime ?? Number.NaN) - ticket.arrivalTime);
    this.loop.after(ticket.payload.serviceSeconds, () => {
      this.startAll(this.queueSet.finishExecution(this.loop.now, ticket));
      ticket.payload.onComplete?.();
      if (ticket.state === "lingering") {
        this.loop.after(additionalLatencySeconds(ticket.estimate), () => {
          this.startAll(this.queueSet.releaseFinal(this.loop.now, ticket));
        });
      }
    });
  }
}

export function seats(initialSeats: number, finalSeats = 0, latencySeconds = 0): WorkEstimate {
  return {
    initialSeats,
    finalSeats,
    additionalLatencyNanos: Math.round(latencySeconds * 1e9),
  };
}
