/**
 * A processor-sharing station: `capacity` units of service (CPU cores, etcd throughput) shared
 * equally by the jobs in it, each job using at most one unit. Latency grows with load, and one
 * huge job slows every other: how a few full LISTs hurt every request on an apiserver or etcd.
 *
 * Cost per arrival or departure is O(log n): jobs are ordered by the virtual time at which
 * they finish; virtual time advances at each job's current service rate, and one kernel event
 * stands for the next departure.
 */
import type { EventHandle, Simulation } from "../sim/index.js";

export type JobCallback<T> = (arg: T) => void;

const NO_EVENT = -1;
const NO_BATCH: readonly number[] = [];

export class ProcessorSharingStation {
  /** Work done per job so far, in service-unit seconds, advanced lazily. */
  private virtualTime = 0;
  private lastUpdate = 0;
  private active = 0;
  private departure: EventHandle = NO_EVENT;

  // Job slots: finish virtual time, callback, argument; heap of slots by finish time.
  private finish = new Float64Array(64);
  private callbacks: (JobCallback<unknown> | null)[] = [];
  private args: unknown[] = [];
  private free: number[] = [];
  private heap: number[] = [];
  /** Slots of the batch whose callbacks are running now (they have left the heap). */
  private departing: readonly number[] = NO_BATCH;
  /** Position in `departing` of the first slot whose callback has not run yet. */
  private departingNext = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly capacity: number,
  ) {
    if (!(capacity > 0)) throw new RangeError(`capacity must be > 0, got ${capacity}`);
  }

  get jobs(): number {
    return this.active;
  }

  /** Starts a job needing `work` unit-seconds; `onDone(arg)` runs when it completes. */
  submit<T>(work: number, onDone: JobCallback<T>, arg: T): number {
    this.advance();
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.callbacks.length;
      this.callbacks.push(null);
      this.args.push(undefined);
      if (slot >= this.finish.length) {
        const grown = new Float64Array(this.finish.length * 2);
        grown.set(this.finish);
        this.finish = grown;
      }
    }
    this.finish[slot] = this.virtualTime + Math.max(0, work);
    this.callbacks[slot] = onDone as JobCallback<unknown>;
    this.args[slot] = arg;
    this.heapPush(slot);
    this.active++;
    this.reschedule();
    return slot;
  }

  /** Removes a job without calling its callback (its server died). */
  abort(job: number): void {
    if (this.callbacks[job] === null || this.callbacks[job] === undefined) return;
    if (this.departing.indexOf(job, this.departingNext) >= 0) {
      // It has left the server in the batch now departing: only its callback is cancelled.
      this.callbacks[job] = null;
      this.args[job] = undefined;
      return;
    }
    this.advance();
    this.callbacks[job] = null;
    this.args[job] = undefined;
    this.active--;
    // The slot stays in the heap until it surfaces; then it is freed.
    this.reschedule();
  }

  /** Removes every job without calling callbacks, those of a departing batch included. */
  abortAll(): void {
    this.advance();
    for (const slot of this.heap) {
      this.callbacks[slot] = null;
      this.args[slot] = undefined;
      this.free.push(slot);
    }
    for (let i = this.departingNext; i < this.departing.length; i++) {
      const slot = this.departing[i];
      this.callbacks[slot] = null;
      this.args[slot] = undefined;
    }
    this.heap.length = 0;
    this.active = 0;
    this.reschedule();
  }

  private rate(): number {
    return this.active <= this.capacity ? 1 : this.capacity / this.active;
  }

  private advance(): void {
    const now = this.sim.now;
    const elapsed = now - this.lastUpdate;
    if (elapsed > 0 && this.active > 0) {
      this.virtualTime += elapsed * this.rate();
    }
    this.lastUpdate = now;
  }

  private reschedule(): void {
    if (this.departure !== NO_EVENT) {
      this.sim.cancel(this.departure);
      this.departure = NO_EVENT;
    }
    this.dropDeadTop();
    if (this.heap.length === 0) return;
    const remaining = Math.max(0, this.finish[this.heap[0]] - this.virtualTime);
    this.departure = this.sim.schedule(remaining / this.rate(), this.onDeparture, this);
  }

  private readonly onDeparture = (): void => {
    this.departure = NO_EVENT;
    this.advance();
    // Jobs finishing within rounding of now leave together, in submission-independent but
    // deterministic heap order.
    const threshold = this.virtualTime + 1e-9 * Math.max(1, this.virtualTime);
    const done: number[] = [];
    for (;;) {
      this.dropDeadTop();
      if (this.heap.length === 0 || this.finish[this.heap[0]] > threshold) break;
      done.push(this.heapPop());
    }
    this.active -= done.length;
    this.reschedule();
    // A callback may abort the station (its server dies): the rest of the batch then belongs
    // to a dead process and must not run, so each callback is read only when its turn comes.
    this.departing = done;
    for (let i = 0; i < done.length; i++) {
      const slot = done[i];
      this.departingNext = i + 1;
      const callback = this.callbacks[slot];
      const arg = this.args[slot];
      this.callbacks[slot] = null;
      this.args[slot] = undefined;
      this.free.push(slot);
      if (callback !== null) callback(arg);
    }
    this.departing = NO_BATCH;
    this.departingNext = 0;
  };

  private dropDeadTop(): void {
    while (this.heap.length > 0 && this.callbacks[this.heap[0]] === null) {
      this.free.push(this.heapPop());
    }
  }

  private heapPush(slot: number): void {
    const heap = this.heap;
    const key = this.finish[slot];
    let pos = heap.length;
    heap.push(slot);
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (this.finish[heap[parent]] <= key) break;
      heap[pos] = heap[parent];
      pos = parent;
    }
    heap[pos] = slot;
  }

  private heapPop(): number {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as number;
    if (heap.length > 0) {
      const key = this.finish[last];
      let pos = 0;
      for (;;) {
        let child = 2 * pos + 1;
        if (child >= heap.length) break;
        if (child + 1 < heap.length && this.finish[heap[child + 1]] < this.finish[heap[child]])
          child++;
        if (key <= this.finish[heap[child]]) break;
        heap[pos] = heap[child];
        pos = child;
      }
      heap[pos] = last;
    }
    return top;
  }
}
