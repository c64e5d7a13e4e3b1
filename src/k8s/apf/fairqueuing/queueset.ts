/**
 * Fair queuing for one priority level of one apiserver. Port of the behaviour of
 * k8s.io/apiserver/pkg/util/flowcontrol/fairqueuing/queueset/queueset.go (identical in
 * v0.29.0–v0.34.0), with the caller's clock passed in as `now` (seconds) instead of goroutines
 * waiting on promises:
 *
 * - a request is shuffle-sharded to the queue of its hand with the least waiting work, starting
 *   the walk at (enqueues mod handSize);
 * - it is refused ("queue-full") only when all seats are in use and that queue already holds
 *   queueLengthLimit requests;
 * - virtual time R advances at min(seats in use + seats waiting, limit) / active queues;
 * - dispatch takes the queue whose oldest request finishes first in the virtual world and stops
 *   as soon as that request does not fit;
 * - a request holds max(initialSeats, finalSeats) from dispatch until its final seats are
 *   released, and its queue's virtual clock is corrected by the actual service time.
 *
 * `queues` 0 is a Reject level (no queuing: start at once or "concurrency-limit"); a negative
 * `queues` is the exempt level, which is never limited, as upstream encodes them.
 */
import { Dealer } from "../shufflesharding.js";
import { seatsTimesDuration, seatSecondsToFloat } from "../request/seat-seconds.js";
import type { WorkEstimate } from "../request/work-estimate.js";
import { canAccommodateSeats, findMinFinishQueue, type SeatAccount } from "./dispatch-choice.js";
import type { SeatDemandObserver } from "./integrator.js";
import { FairQueue } from "./queue.js";
import { DEFAULT_ESTIMATED_SERVICE_NANOS, fitFinalSeats, requestWork } from "./request-work.js";
import { RequestTicket, type Ticket } from "./ticket.js";

export interface QueueSetConfig {
  name: string;
  /** Seats: the level's current concurrency limit. */
  concurrencyLimit: number;
  /** 0: the level rejects instead of queuing; negative: the exempt level. */
  queues: number;
  handSize: number;
  queueLengthLimit: number;
}

export interface QueueSetOptions {
  /** Service time assumed for virtual-time accounting until the real one is known (3 ms). */
  estimatedServiceSeconds?: number;
  /** Told seats in use + seats waiting at each change, like upstream's seat demand gauge. */
  seatDemand?: SeatDemandObserver;
}

export type RejectReason = "queue-full" | "concurrency-limit";

export type StartOutcome<R> =
  | {
      kind: "execute" | "queued";
      ticket: Ticket<R>;
      /** Other waiting requests this arrival let start; almost always empty. */
      othersDispatched: readonly Ticket<R>[];
    }
  | { kind: "rejected"; reason: RejectReason };

/**
 * R is kept in fixed-point seat-seconds (1e-8) as an integer-valued double. Upstream winds R back
 * by half its uint64 range when it reaches three quarters of it; here the same is done below
 * 2^53 so that every sum stays exact.
 */
const R_DECREMENT = 2 ** 51;
const HIGH_R = R_DECREMENT + R_DECREMENT / 2;

const NANOS_PER_SECOND = 1e9;
const NONE: readonly Ticket<never>[] = Object.freeze([]);

export class QueueSet<R> implements SeatAccount {
  readonly name: string;
  /** The exempt level: never limited, never queues. */
  readonly exempt: boolean;
  private concurrencyLimitSeats: number;
  private readonly queueLengthLimit: number;
  private readonly estimatedServiceNanos: number;
  private readonly seatDemand: SeatDemandObserver | undefined;
  private readonly dealer: Dealer | undefined;
  private readonly hand: number[] = [];
  private readonly queues: FairQueue<R>[] = [];

  /** Virtual time R (fixed-point seat-seconds). */
  private currentR = 0;
  /** The first `now` seen; times are kept as integer nanoseconds since then. */
  private originSeconds: number | undefined = undefined;
  private lastNanos = 0;
  private robinIndex = 0;
  private enqueues = 0;
  private activeQueues = 0;

  private totRequestsWaiting = 0;
  private totSeatsWaiting = 0;
  private totRequestsExecuting = 0;
  private totSeatsInUse = 0;

  constructor(config: QueueSetConfig, options: QueueSetOptions = {}) {
    const { name, concurrencyLimit, queues, handSize, queueLengthLimit } = config;
    checkSeatCount("concurrencyLimit", concurrencyLimit);
    if (!Number.isInteger(queues)) throw new RangeError(`queues ${queues} is not an integer`);
    this.name = name;
    this.concurrencyLimitSeats = concurrencyLimit;
    this.queueLengthLimit = queueLengthLimit;
    this.exempt = queues < 0;
    if (queues > 0) {
      // Validates deck and hand like upstream's checkConfig.
      this.dealer = new Dealer(queues, handSize);
      for (let index = 0; index < queues; index++) this.queues.push(new FairQueue<R>(index));
    }
    const serviceSeconds = options.estimatedServiceSeconds ?? DEFAULT_ESTIMATED_SERVICE_NANOS / 1e9;
    if (!(serviceSeconds >= 0)) {
      throw new RangeError(`estimatedServiceSeconds ${serviceSeconds} is negative`);
    }
    this.estimatedServiceNanos = Math.round(serviceSeconds * NANOS_PER_SECOND);
    this.seatDemand = options.seatDemand;
  }

  get concurrencyLimit(): number {
    return this.concurrencyLimitSeats;
  }
  /** Seats held, by executing and lingering requests. */
  get executingSeats(): number {
    return this.totSeatsInUse;
  }
  /** Requests in their main phase (lingering ones are done from the client's view). */
  get executingRequests(): number {
    return this.totRequestsExecuting;
  }
  get waitingRequests(): number {
    return this.totRequestsWaiting;
  }
  get waitingSeats(): number {
    return this.totSeatsWaiting;
  }
  /** Virtual time R in seat-seconds, as of the last operation. */
  get virtualTime(): number {
    return seatSecondsToFloat(this.currentR);
  }
  /** True when nothing waits or executes (lingering final seats aside), as upstream's IsIdle. */
  get isIdle(): boolean {
    return this.totRequestsWaiting === 0 && this.totRequestsExecuting === 0;
  }

  startRequest(
    now: number,
    hashValue: bigint,
    estimate: WorkEstimate,
    payload: R,
  ): StartOutcome<R> {
    checkEstimate(estimate);
    const nowNanos = this.syncTime(now);
    const work = requestWork(estimate, this.estimatedServiceNanos);
    const seats = Math.max(estimate.initialSeats, estimate.finalSeats);

    if (this.dealer === undefined) {
      if (!canAccommodateSeats(this, seats)) {
        return { kind: "rejected", reason: "concurrency-limit" };
      }
      const ticket = new RequestTicket<R>(
        this,
        payload,
        estimate,
        -1,
        now,
        this.currentR,
        work,
        "executing",
      );
      this.startExecuting(ticket, now, nowNanos);
      return { kind: "execute", ticket, othersDispatched: NONE };
    }

    const queue = this.queues[this.shuffleShard(hashValue, this.dealer)];
    if (
      this.totSeatsInUse >= this.concurrencyLimitSeats &&
      queue.waitingCount >= this.queueLengthLimit
    ) {
      this.boundNextDispatch(queue);
      return { kind: "rejected", reason: "queue-full" };
    }
    const ticket = new RequestTicket<R>(
      this,
      payload,
      estimate,
      queue.index,
      now,
      this.currentR,
      work,
      "waiting",
    );
    this.enqueue(queue, ticket, now);
    this.boundNextDispatch(queue);
    const dispatched = this.dispatchAsMuchAsPossible(now, nowNanos);
    if (ticket.state !== "executing") {
      return { kind: "queued", ticket, othersDispatched: dispatched };
    }
    const othersDispatched =
      dispatched.length === 1 ? NONE : dispatched.filter((other) => other !== ticket);
    return { kind: "execute", ticket, othersDispatched };
  }

  /**
   * The request's handler returned. Its seats stay held for its additional latency (state
   * "lingering"; the caller then calls releaseFinal) or are released now when there is none.
   * Returns the requests this let start.
   */
  finishExecution(now: number, ticket: Ticket<R>): readonly Ticket<R>[] {
    const request = this.own(ticket, "executing");
    const nowNanos = this.syncTime(now);
    this.totRequestsExecuting--;
    const queue = this.queueOf(request);
    if (queue !== undefined) {
      const wasActive = queue.isActive;
      queue.executingCount--;
      this.noteActivity(queue, wasActive);
      // Charge the queue for the actual service time instead of the estimate.
      const actualNanos = nowNanos - request.startNanos;
      queue.nextDispatchR -= seatsTimesDuration(
        request.estimate.initialSeats,
        this.estimatedServiceNanos - actualNanos,
      );
      this.boundNextDispatch(queue);
    }
    if (request.estimate.additionalLatencyNanos > 0) request.state = "lingering";
    else this.releaseSeats(request, now);
    // Even without freed seats, one fewer executing request may let a too-wide one start.
    return this.dispatchAsMuchAsPossible(now, nowNanos);
  }

  /** The additional latency is over: frees the seats. Returns the requests this let start. */
  releaseFinal(now: number, ticket: Ticket<R>): readonly Ticket<R>[] {
    const request = this.own(ticket, "lingering");
    const nowNanos = this.syncTime(now);
    this.releaseSeats(request, now);
    return this.dispatchAsMuchAsPossible(now, nowNanos);
  }

  /**
   * The request's queue-wait deadline passed. True if it was still waiting (it is removed; the
   * caller answers 429 "time-out"); false if it already started or left. Like upstream, removing
   * a waiting request does not by itself start others.
   */
  timeoutWaiting(now: number, ticket: Ticket<R>): boolean {
    return this.removeWaiting(now, ticket, "timed-out");
  }

  /** The client went away while its request waited; same bookkeeping as a time-out. */
  cancelWaiting(now: number, ticket: Ticket<R>): boolean {
    return this.removeWaiting(now, ticket, "cancelled");
  }

  /** Borrowing moved the level's limit. Returns the requests this let start. */
  setConcurrencyLimit(now: number, seats: number): readonly Ticket<R>[] {
    checkSeatCount("concurrencyLimit", seats);
    const nowNanos = this.syncTime(now);
    this.concurrencyLimitSeats = seats;
    return this.dispatchAsMuchAsPossible(now, nowNanos);
  }

  // ---- shuffle sharding and queuing ----

  private shuffleShard(hashValue: bigint, dealer: Dealer): number {
    const hand = dealer.dealIntoHand(hashValue, this.hand);
    const handSize = hand.length;
    // Start the walk at a rotating offset so flows with overlapping hands are not biased.
    const offset = this.enqueues % handSize;
    this.enqueues++;
    let best = -1;
    let leastWork = Number.POSITIVE_INFINITY;
    for (let i = 0; i < handSize; i++) {
      const index = hand[(offset + i) % handSize];
      const waitingWork = this.queues[index].waitingWork;
      if (waitingWork < leastWork) {
        leastWork = waitingWork;
        best = index;
      }
    }
    return best;
  }

  private enqueue(queue: FairQueue<R>, request: RequestTicket<R>, now: number): void {
    const wasActive = queue.isActive;
    // A queue that was empty in both worlds starts at the current virtual time.
    if (!wasActive) queue.nextDispatchR = this.currentR;
    queue.enqueue(request);
    this.noteActivity(queue, wasActive);
    this.totRequestsWaiting++;
    this.totSeatsWaiting += request.waitingSeats;
    this.reportSeatDemand(now);
  }

  private removeWaiting(
    now: number,
    ticket: Ticket<R>,
    outcome: "timed-out" | "cancelled",
  ): boolean {
    const request = this.own(ticket);
    this.syncTime(now);
    if (request.state !== "waiting") return false;
    const queue = this.queues[request.queueIndex];
    const wasActive = queue.isActive;
    queue.remove(request);
    this.noteActivity(queue, wasActive);
    this.boundNextDispatch(queue);
    request.state = outcome;
    this.totRequestsWaiting--;
    this.totSeatsWaiting -= request.waitingSeats;
    this.reportSeatDemand(now);
    return true;
  }

  /**
   * Anti-windup: a queue that cannot use its share must not bank virtual time, so its next
   * dispatch is never earlier than its oldest request's arrival.
   */
  private boundNextDispatch(queue: FairQueue<R>): void {
    const oldest = queue.peek();
    if (oldest !== undefined && queue.nextDispatchR < oldest.arrivalR) {
      queue.nextDispatchR = oldest.arrivalR;
    }
  }

  // ---- dispatching ----

  private dispatchAsMuchAsPossible(now: number, nowNanos: number): readonly Ticket<R>[] {
    let dispatched: Ticket<R>[] | undefined;
    while (this.totRequestsWaiting !== 0 && this.totSeatsInUse < this.concurrencyLimitSeats) {
      const request = this.dispatchOne(now, nowNanos);
      if (request === undefined) break;
      (dispatched ??= []).push(request);
    }
    return dispatched ?? NONE;
  }

  private dispatchOne(now: number, nowNanos: number): RequestTicket<R> | undefined {
    const minIndex = findMinFinishQueue(this.queues, this.robinIndex);
    if (minIndex < 0) return undefined;
    const queue = this.queues[minIndex];
    const request = queue.peek();
    // The oldest request of the winning queue must fit; upstream does not look further.
    if (request === undefined || !canAccommodateSeats(this, request.waitingSeats)) {
      return undefined;
    }
    const wasActive = queue.isActive;
    queue.remove(request);
    request.estimate = fitFinalSeats(
      request.estimate,
      request.finalWork,
      this.concurrencyLimitSeats,
    );
    this.robinIndex = minIndex;
    this.totRequestsWaiting--;
    this.totSeatsWaiting -= request.waitingSeats;
    queue.executingCount++;
    this.noteActivity(queue, wasActive);
    this.startExecuting(request, now, nowNanos);
    queue.seatsInUse += request.heldSeats;
    queue.nextDispatchR += request.totalWork;
    this.boundNextDispatch(queue);
    return request;
  }

  private startExecuting(request: RequestTicket<R>, now: number, nowNanos: number): void {
    request.state = "executing";
    request.dispatchTime = now;
    request.startNanos = nowNanos;
    request.heldSeats = Math.max(request.estimate.initialSeats, request.estimate.finalSeats);
    this.totRequestsExecuting++;
    this.totSeatsInUse += request.heldSeats;
    this.reportSeatDemand(now);
  }

  private releaseSeats(request: RequestTicket<R>, now: number): void {
    request.state = "finished";
    this.totSeatsInUse -= request.heldSeats;
    const queue = this.queueOf(request);
    if (queue !== undefined) queue.seatsInUse -= request.heldSeats;
    this.reportSeatDemand(now);
  }

  // ---- virtual time ----

  /** Advances R over the time since the last operation, under the state of that interval. */
  private syncTime(now: number): number {
    if (!Number.isFinite(now)) throw new RangeError(`now ${now} is not a finite number`);
    this.originSeconds ??= now;
    const nowNanos = Math.round((now - this.originSeconds) * NANOS_PER_SECOND);
    const elapsed = nowNanos - this.lastNanos;
    if (elapsed < 0) {
      throw new RangeError(`queue set ${this.name}: time went backwards to ${now}`);
    }
    this.lastNanos = nowNanos;
    if (elapsed > 0 && this.activeQueues > 0) {
      // Queue-less requests do not exist here when there are queues, so the set's totals equal
      // upstream's sums over the queues.
      const seatsRequested = this.totSeatsInUse + this.totSeatsWaiting;
      const ratio = Math.min(seatsRequested, this.concurrencyLimitSeats) / this.activeQueues;
      this.currentR += seatsTimesDuration(ratio, elapsed);
      while (this.currentR >= HIGH_R) this.advanceEpoch();
    }
    return nowNanos;
  }

  /** Winds R and every reading taken from it back by the same amount. */
  private advanceEpoch(): void {
    this.currentR -= R_DECREMENT;
    for (const queue of this.queues) {
      if (!queue.isActive) {
        // An idle queue's reading may be very old; the next arrival resets it to R anyway.
        queue.nextDispatchR = 0;
        continue;
      }
      queue.nextDispatchR -= R_DECREMENT;
      queue.forEachWaiting((request) => {
        request.arrivalR -= R_DECREMENT;
      });
    }
  }

  /** Keeps the count of queues with requests waiting or executing, O(1) per change. */
  private noteActivity(queue: FairQueue<R>, wasActive: boolean): void {
    const isActive = queue.isActive;
    if (isActive !== wasActive) this.activeQueues += isActive ? 1 : -1;
  }

  private reportSeatDemand(now: number): void {
    this.seatDemand?.set(now, this.totSeatsInUse + this.totSeatsWaiting);
  }

  // ---- bookkeeping ----

  private queueOf(request: RequestTicket<R>): FairQueue<R> | undefined {
    return request.queueIndex < 0 ? undefined : this.queues[request.queueIndex];
  }

  private own(ticket: Ticket<R>, expected?: RequestTicket<R>["state"]): RequestTicket<R> {
    if (!(ticket instanceof RequestTicket) || ticket.owner !== this) {
      throw new Error(`queue set ${this.name}: the ticket belongs to another queue set`);
    }
    const request = ticket as RequestTicket<R>;
    if (expected !== undefined && request.state !== expected) {
      throw new Error(`queue set ${this.name}: the request is ${request.state}, not ${expected}`);
    }
    return request;
  }
}

function checkSeatCount(what: string, seats: number): void {
  if (!Number.isInteger(seats) || seats < 0) {
    throw new RangeError(`${what} ${seats} is not a non-negative integer`);
  }
}

function checkEstimate(estimate: WorkEstimate): void {
  checkSeatCount("initialSeats", estimate.initialSeats);
  checkSeatCount("finalSeats", estimate.finalSeats);
  if (!(estimate.additionalLatencyNanos >= 0)) {
    throw new RangeError(`additionalLatencyNanos ${estimate.additionalLatencyNanos} is negative`);
  }
}
