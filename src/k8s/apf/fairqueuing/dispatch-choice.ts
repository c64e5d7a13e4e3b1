/**
 * The two decisions behind each dispatch, as pure functions. Port of the queue scan in
 * findDispatchQueueToBoundLocked and of canAccommodateSeatsLocked in
 * fairqueuing/queueset/queueset.go.
 */

/** What the scan needs to know about a queue. */
export interface DispatchCandidate {
  /** R at which the queue's next request starts in the virtual world. */
  readonly nextDispatchR: number;
  /** Work of the oldest waiting request; undefined when nothing waits. */
  headWork(): number | undefined;
}

/**
 * The queue whose oldest waiting request has the smallest virtual finish
 * (nextDispatchR + its work), scanning round-robin from the queue after `robinIndex` so that on a
 * tie the first queue after the last one served wins. -1 when no queue has a waiting request.
 * The scan visits every queue once, so the round-robin position is unchanged by it (modulo the
 * number of queues); the caller moves it to the chosen queue only if that request dispatches.
 */
export function findMinFinishQueue(
  queues: readonly DispatchCandidate[],
  robinIndex: number,
): number {
  const count = queues.length;
  let minFinish = Number.POSITIVE_INFINITY;
  let minIndex = -1;
  let index = robinIndex;
  for (let visited = 0; visited < count; visited++) {
    index = (index + 1) % count;
    const queue = queues[index];
    const work = queue.headWork();
    if (work === undefined) continue;
    const finish = queue.nextDispatchR + work;
    if (finish < minFinish) {
      minFinish = finish;
      minIndex = index;
    }
  }
  return minIndex;
}

/** The seat accounting canAccommodateSeatsLocked reads. */
export interface SeatAccount {
  /** The level's current concurrency limit (seats). */
  readonly concurrencyLimit: number;
  /** Seats held, lingering final seats included. */
  readonly executingSeats: number;
  /** Requests in their main phase; lingering ones do not count. */
  readonly executingRequests: number;
  /** An exempt level is never limited. */
  readonly exempt: boolean;
}

/**
 * Whether a request needing `seats` may start now. A request wider than the whole limit starts
 * only when no other request is in its main phase, and then alone (upstream's stopgap until
 * such requests are refused or stretched).
 */
export function canAccommodateSeats(account: SeatAccount, seats: number): boolean {
  if (account.exempt) return true;
  if (seats > account.concurrencyLimit) return account.executingRequests === 0;
  return account.executingSeats + seats <= account.concurrencyLimit;
}
