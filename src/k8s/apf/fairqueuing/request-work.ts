/**
 * The work a request is charged in the virtual world, in fixed-point seat-seconds. Port of
 * completeWorkEstimate, computeInitialWork and computeFinalWork in
 * fairqueuing/queueset/types.go, and of the final-seat reshaping in findDispatchQueueToBoundLocked.
 */
import { durationPerSeat, seatsTimesDuration } from "../request/seat-seconds.js";
import type { WorkEstimate } from "../request/work-estimate.js";

/** Upstream's estimated service duration G, used until a request's real duration is known. */
export const DEFAULT_ESTIMATED_SERVICE_NANOS = 3_000_000;

export interface RequestWork {
  /** initialSeats × G + finalWork. */
  totalWork: number;
  /** finalSeats × additionalLatency. */
  finalWork: number;
}

export function requestWork(estimate: WorkEstimate, estimatedServiceNanos: number): RequestWork {
  const finalWork = seatsTimesDuration(estimate.finalSeats, estimate.additionalLatencyNanos);
  return {
    totalWork: seatsTimesDuration(estimate.initialSeats, estimatedServiceNanos) + finalWork,
    finalWork,
  };
}

/**
 * Final seats above the level's limit are cut to the limit, and the additional latency
 * stretched so the final work stays the same. Returns the estimate unchanged otherwise.
 */
export function fitFinalSeats(
  estimate: WorkEstimate,
  finalWork: number,
  concurrencyLimit: number,
): WorkEstimate {
  // Nothing dispatches at a limit of 0, so there is nothing to fit then.
  if (estimate.finalSeats <= concurrencyLimit || concurrencyLimit <= 0) return estimate;
  return {
    initialSeats: estimate.initialSeats,
    finalSeats: concurrencyLimit,
    additionalLatencyNanos: durationPerSeat(finalWork, concurrencyLimit),
  };
}
