/**
 * A request's handle in a QueueSet: what the caller sees (Ticket) and the record the queue set
 * keeps behind it (RequestTicket). Plays the part of `request` in upstream
 * fairqueuing/queueset/types.go.
 */
import type { WorkEstimate } from "../request/work-estimate.js";

/**
 * - waiting: in a queue;
 * - executing: holds its seats, handler running;
 * - lingering: handler returned, seats still held for the additional latency;
 * - finished: seats released;
 * - timed-out / cancelled: left its queue without executing.
 */
export type TicketState =
  "waiting" | "executing" | "lingering" | "finished" | "timed-out" | "cancelled";

export interface Ticket<R> {
  readonly payload: R;
  /**
   * The estimate in force. Dispatch may reshape it as upstream does: final seats above the
   * concurrency limit are cut to the limit and the additional latency stretched to keep the work.
   */
  readonly estimate: WorkEstimate;
  /** The queue it was put in; -1 for a level without queues. */
  readonly queueIndex: number;
  /** `now` when the request arrived (seconds). */
  readonly arrivalTime: number;
  /** `now` when it began executing; undefined while waiting or if it never executed. */
  readonly dispatchTime: number | undefined;
  readonly state: TicketState;
}

/** The queue set's record of a request; only fairqueuing modules touch its mutable fields. */
export class RequestTicket<R> implements Ticket<R> {
  state: TicketState;
  estimate: WorkEstimate;
  dispatchTime: number | undefined = undefined;
  /** Dispatch time in the queue set's integer nanoseconds, for the service-time correction. */
  startNanos = 0;
  /** R (fixed-point seat-seconds) at arrival; meaningful while waiting. */
  arrivalR: number;
  /** Estimated initial work plus final work (fixed-point seat-seconds). */
  readonly totalWork: number;
  /** Final seats × additional latency (fixed-point seat-seconds). */
  readonly finalWork: number;
  /** max(initialSeats, finalSeats) as counted among the waiting seats. */
  readonly waitingSeats: number;
  /** Seats held from dispatch until release: max(initialSeats, finalSeats) after reshaping. */
  heldSeats = 0;
  previous: RequestTicket<R> | undefined = undefined;
  next: RequestTicket<R> | undefined = undefined;

  constructor(
    /** The queue set that issued it; checked so tickets cannot cross sets. */
    readonly owner: object,
    readonly payload: R,
    estimate: WorkEstimate,
    readonly queueIndex: number,
    readonly arrivalTime: number,
    arrivalR: number,
    work: { totalWork: number; finalWork: number },
    state: TicketState,
  ) {
    this.estimate = { ...estimate };
    this.arrivalR = arrivalR;
    this.totalWork = work.totalWork;
    this.finalWork = work.finalWork;
    this.waitingSeats = Math.max(estimate.initialSeats, estimate.finalSeats);
    this.state = state;
  }
}
