/**
 * One fair queue: a FIFO of waiting requests with running sums, plus the queue's share of the
 * virtual world. Port of `queue` in fairqueuing/queueset/types.go and of fifo_list.go (a
 * doubly linked list, so a timed-out request leaves in O(1)).
 */
import type { RequestTicket } from "./ticket.js";

export class FairQueue<R> {
  /** R at which the next request is dispatched in the virtual world (fixed-point). */
  nextDispatchR = 0;
  /** Requests in their main phase (upstream requestsExecuting; lingering ones excluded). */
  executingCount = 0;
  /** Seats held by this queue's requests, lingering final seats included. */
  seatsInUse = 0;
  /** Σ totalWork of the waiting requests (upstream queueSum.TotalWorkSum). */
  waitingWork = 0;
  /** Σ max seats of the waiting requests (upstream queueSum.MaxSeatsSum). */
  waitingSeats = 0;
  waitingCount = 0;
  private head: RequestTicket<R> | undefined = undefined;
  private tail: RequestTicket<R> | undefined = undefined;

  constructor(readonly index: number) {}

  /** Upstream counts a queue as active while it has requests waiting or executing. */
  get isActive(): boolean {
    return this.waitingCount > 0 || this.executingCount > 0;
  }

  /** The oldest waiting request. */
  peek(): RequestTicket<R> | undefined {
    return this.head;
  }

  /** Work of the oldest waiting request, or undefined when nothing waits. */
  headWork(): number | undefined {
    return this.head?.totalWork;
  }

  enqueue(request: RequestTicket<R>): void {
    request.previous = this.tail;
    request.next = undefined;
    if (this.tail === undefined) this.head = request;
    else this.tail.next = request;
    this.tail = request;
    this.waitingCount++;
    this.waitingWork += request.totalWork;
    this.waitingSeats += request.waitingSeats;
  }

  /** Removes a request known to be waiting in this queue. */
  remove(request: RequestTicket<R>): void {
    const { previous, next } = request;
    if (previous === undefined) this.head = next;
    else previous.next = next;
    if (next === undefined) this.tail = previous;
    else next.previous = previous;
    request.previous = undefined;
    request.next = undefined;
    this.waitingCount--;
    this.waitingWork -= request.totalWork;
    this.waitingSeats -= request.waitingSeats;
  }

  /** Calls `visit` on each waiting request, oldest first. */
  forEachWaiting(visit: (request: RequestTicket<R>) => void): void {
    for (let request = this.head; request !== undefined; request = request.next) visit(request);
  }
}
