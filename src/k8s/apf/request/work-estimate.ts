/**
 * How much of a priority level's capacity one request takes. Port of WorkEstimate in
 * k8s.io/apiserver/pkg/util/flowcontrol/request/width.go; the latency is in nanoseconds, like
 * Go's time.Duration, so it stays an exact integer.
 */
export interface WorkEstimate {
  /** Seats held while the request executes. */
  initialSeats: number;
  /** Seats held after it finishes, while its watch events are sent (mutating requests). */
  finalSeats: number;
  /** How long the final seats stay taken after the response (ns); the client does not wait. */
  additionalLatencyNanos: number;
}

/** The seats the request needs at its widest; dispatch waits until that many are free. */
export function maxSeatsOfEstimate(estimate: WorkEstimate): number {
  return Math.max(estimate.initialSeats, estimate.finalSeats);
}

export function additionalLatencySeconds(estimate: WorkEstimate): number {
  return estimate.additionalLatencyNanos / 1e9;
}
