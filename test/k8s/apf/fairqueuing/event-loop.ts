/**
 * A minimal deterministic event loop for driving queue sets in tests: events run in time order,
 * ties in scheduling order.
 */
interface ScheduledEvent {
  time: number;
  sequence: number;
  run: () => void;
}

export class EventLoop {
  now = 0;
  private sequence = 0;
  private readonly heap: ScheduledEvent[] = [];

  at(time: number, run: () => void): void {
    if (time < this.now) throw new RangeError(`cannot schedule at ${time} before ${this.now}`);
    this.heap.push({ time, sequence: this.sequence++, run });
    this.siftUp(this.heap.length - 1);
  }

  after(delay: number, run: () => void): void {
    this.at(this.now + delay, run);
  }

  /** Runs every event due at or before `end`, then leaves the clock at `end`. */
  runUntil(end: number): void {
    while (this.heap.length > 0 && this.heap[0].time <= end) {
      const next = this.pop();
      this.now = next.time;
      next.run();
    }
    this.now = end;
  }

  private pop(): ScheduledEvent {
    const top = this.heap[0];
    const last = this.heap.pop() as ScheduledEvent;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private before(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
  }

  private siftUp(index: number): void {
    const { heap } = this;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index], heap[parent])) return;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const { heap } = this;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && this.before(heap[left], heap[smallest])) smallest = left;
      if (right < heap.length && this.before(heap[right], heap[smallest])) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest], heap[index]];
      index = smallest;
    }
  }
}
