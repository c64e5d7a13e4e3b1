/**
 * The pending-event set of the kernel: a binary min-heap ordered by (time, scheduling order),
 * stored in typed arrays so that scheduling and firing allocate nothing.
 *
 * Cancellation is lazy: a cancelled event stays in the heap, loses its callback and is skipped
 * when it reaches the top. Models schedule and cancel timeouts constantly, so cancel is O(1);
 * the heap is compacted when cancelled entries outnumber live ones, which bounds its size.
 */

/** Opaque, never-reused identifier of a scheduled event; pass it to `cancel`. */
export type EventHandle = number;

export type EventCallback<T> = (arg: T) => void;

// A handle packs (generation, slot) into one float64-safe integer: slot in the low 24 bits.
const SLOT_SPACE = 16_777_216; // 2^24 pending events at most
const GENERATION_SPACE = 536_870_912; // 2^29, so generation * SLOT_SPACE stays below 2^53
const INITIAL_CAPACITY = 1024;
const MIN_COMPACTION_SIZE = 4096;

export class EventQueue {
  // Heap arrays, indexed by heap position. The time is copied into the heap so that sifting
  // touches contiguous memory; the scheduling order is looked up through the slot only on ties.
  private heapTime = new Float64Array(INITIAL_CAPACITY);
  private heapSlot = new Int32Array(INITIAL_CAPACITY);
  private heapSize = 0;

  // Slot arrays, indexed by slot: the payload of each pending event.
  private slotCallback: (EventCallback<unknown> | null)[] = new Array(INITIAL_CAPACITY).fill(null);
  private slotArg: unknown[] = new Array(INITIAL_CAPACITY).fill(undefined);
  private slotGeneration = new Uint32Array(INITIAL_CAPACITY);
  /** Scheduling order of each slot's event: breaks ties in time (first scheduled fires first). */
  private slotOrder = new Float64Array(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotCount = 0;

  private nextOrder = 0;
  private cancelledInHeap = 0;

  /**
   * While an event's callback runs its heap entry is still at the root: an event scheduled
   * from the callback replaces the root with one sift-down instead of a removal and an insertion
   * (the common "hold" pattern of periodic sources and request chains).
   */
  private rootConsumed = false;

  /** Time of the event most recently taken by `take`. */
  takenTime = 0;
  /** Callback and argument of the event most recently taken by `take`. */
  takenCallback: EventCallback<unknown> | null = null;
  takenArg: unknown = undefined;

  /** Number of pending, not cancelled events. */
  get size(): number {
    return this.heapSize - this.cancelledInHeap - (this.rootConsumed ? 1 : 0);
  }

  push(time: number, callback: EventCallback<unknown>, arg: unknown): EventHandle {
    const slot = this.allocateSlot();
    this.slotCallback[slot] = callback;
    this.slotArg[slot] = arg;
    this.slotOrder[slot] = this.nextOrder++;
    if (this.rootConsumed) {
      this.rootConsumed = false;
      this.releaseSlot(this.heapSlot[0]);
      this.siftDown(0, time, slot);
    } else {
      if (this.heapSize === this.heapTime.length) this.growHeap();
      this.siftUp(this.heapSize++, time, slot);
    }
    return this.slotGeneration[slot] * SLOT_SPACE + slot;
  }

  /** Cancels a pending event. Returns false when it already fired or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_SPACE;
    if (
      slot >= this.slotCount ||
      this.slotGeneration[slot] !== (handle - slot) / SLOT_SPACE ||
      this.slotCallback[slot] === null
    ) {
      return false;
    }
    this.slotCallback[slot] = null;
    this.slotArg[slot] = undefined;
    this.cancelledInHeap++;
    if (this.cancelledInHeap > MIN_COMPACTION_SIZE && this.cancelledInHeap * 2 > this.heapSize) {
      this.compact();
    }
    return true;
  }

  /** Time of the earliest live event, or Infinity when none is pending. */
  peekTime(): number {
    this.finishTake();
    while (this.heapSize > 0 && this.slotCallback[this.heapSlot[0]] === null) {
      this.cancelledInHeap--;
      this.releaseSlot(this.heapSlot[0]);
      this.removeRoot();
    }
    return this.heapSize > 0 ? this.heapTime[0] : Infinity;
  }

  /**
   * Takes the earliest live event into `takenTime`, `takenCallback` and `takenArg`.
   * The caller must have checked that `peekTime()` is finite, and must call the callback
   * before the next call to any other method.
   */
  take(): void {
    const slot = this.heapSlot[0];
    this.takenTime = this.heapTime[0];
    this.takenCallback = this.slotCallback[slot];
    this.takenArg = this.slotArg[slot];
    this.slotCallback[slot] = null;
    this.slotArg[slot] = undefined;
    this.rootConsumed = true;
  }

  /** Removes the root taken by `take` if the callback did not reuse its place. */
  finishTake(): void {
    if (this.rootConsumed) {
      this.rootConsumed = false;
      this.releaseSlot(this.heapSlot[0]);
      this.removeRoot();
    }
  }

  clear(): void {
    this.finishTake();
    for (let i = 0; i < this.heapSize; i++) this.releaseSlot(this.heapSlot[i]);
    this.heapSize = 0;
    this.cancelledInHeap = 0;
  }

  private removeRoot(): void {
    const last = --this.heapSize;
    if (last > 0) {
      this.siftDown(0, this.heapTime[last], this.heapSlot[last]);
    }
  }

  /** Moves the hole at `pos` up until (time, order of slot) fits, then stores the entry there. */
  private siftUp(pos: number, time: number, slot: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const slotOrder = this.slotOrder;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const parentTime = heapTime[parent];
      if (
        parentTime < time ||
        (parentTime === time && slotOrder[heapSlot[parent]] < slotOrder[slot])
      ) {
        break;
      }
      heapTime[pos] = parentTime;
      heapSlot[pos] = heapSlot[parent];
      pos = parent;
    }
    heapTime[pos] = time;
    heapSlot[pos] = slot;
  }

  /** Moves the hole at `pos` down until (time, order of slot) fits, then stores the entry there. */
  private siftDown(pos: number, time: number, slot: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const slotOrder = this.slotOrder;
    const size = this.heapSize;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      let childTime = heapTime[child];
      const right = child + 1;
      if (right < size) {
        const rightTime = heapTime[right];
        if (
          rightTime < childTime ||
          (rightTime === childTime && slotOrder[heapSlot[right]] < slotOrder[heapSlot[child]])
        ) {
          child = right;
          childTime = rightTime;
        }
      }
      if (
        time < childTime ||
        (time === childTime && slotOrder[slot] < slotOrder[heapSlot[child]])
      ) {
        break;
      }
      heapTime[pos] = childTime;
      heapSlot[pos] = heapSlot[child];
      pos = child;
    }
    heapTime[pos] = time;
    heapSlot[pos] = slot;
  }

  /** Drops cancelled entries and rebuilds the heap in O(n). */
  private compact(): void {
    const consumedRoot = this.rootConsumed ? this.heapSlot[0] : -1;
    let kept = 0;
    for (let i = 0; i < this.heapSize; i++) {
      const slot = this.heapSlot[i];
      if (this.slotCallback[slot] === null && slot !== consumedRoot) {
        this.releaseSlot(slot);
        continue;
      }
      this.heapTime[kept] = this.heapTime[i];
      this.heapSlot[kept] = slot;
      kept++;
    }
    this.heapSize = kept;
    this.cancelledInHeap = 0;
    if (consumedRoot >= 0) {
      // The consumed root is released now; the caller's callback no longer needs its place.
      this.rootConsumed = false;
      let rootIndex = 0;
      while (this.heapSlot[rootIndex] !== consumedRoot) rootIndex++;
      this.releaseSlot(consumedRoot);
      const last = --this.heapSize;
      this.heapTime[rootIndex] = this.heapTime[last];
      this.heapSlot[rootIndex] = this.heapSlot[last];
    }
    for (let i = (this.heapSize >> 1) - 1; i >= 0; i--) {
      this.siftDown(i, this.heapTime[i], this.heapSlot[i]);
    }
  }

  private allocateSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount];
    if (this.slotCount === this.slotGeneration.length) this.growSlots();
    return this.slotCount++;
  }

  private releaseSlot(slot: number): void {
    const generation = this.slotGeneration[slot] + 1;
    this.slotGeneration[slot] = generation === GENERATION_SPACE ? 0 : generation;
    this.freeSlots[this.freeCount++] = slot;
  }

  private growHeap(): void {
    const capacity = this.heapTime.length * 2;
    this.heapTime = grow(this.heapTime, new Float64Array(capacity));
    this.heapSlot = grow(this.heapSlot, new Int32Array(capacity));
  }

  private growSlots(): void {
    const capacity = this.slotGeneration.length * 2;
    if (this.slotGeneration.length >= SLOT_SPACE) {
      throw new RangeError(`more than ${SLOT_SPACE} events pending at once`);
    }
    this.slotGeneration = grow(this.slotGeneration, new Uint32Array(capacity));
    this.slotOrder = grow(this.slotOrder, new Float64Array(capacity));
    this.freeSlots = grow(this.freeSlots, new Int32Array(capacity));
    for (let i = this.slotCallback.length; i < capacity; i++) {
      this.slotCallback.push(null);
      this.slotArg.push(undefined);
    }
  }
}

function grow<T extends Float64Array | Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
