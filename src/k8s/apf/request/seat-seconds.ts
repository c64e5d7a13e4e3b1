/**
 * Work in seat-seconds, fixed point with 1e-8 resolution, so that reshaping a request's final
 * phase rounds exactly as upstream does. Port of
 * k8s.io/apiserver/pkg/util/flowcontrol/request/seat_seconds.go.
 */

const SS_SCALE = 1e8;
const NANOS_PER_SECOND = 1e9;

/** seats × duration in fixed-point seat-seconds (units of 1e-8), rounded half away from zero. */
export function seatsTimesDuration(seats: number, durationNanos: number): number {
  const scaled = (seats * durationNanos) / (NANOS_PER_SECOND / SS_SCALE);
  return scaled < 0 ? -Math.round(-scaled) : Math.round(scaled);
}

/** The duration (ns, truncated like Go's time.Duration conversion) `seats` need for `work`. */
export function durationPerSeat(seatSeconds: number, seats: number): number {
  return Math.trunc((seatSeconds / seats) * (NANOS_PER_SECOND / SS_SCALE));
}

/** Fixed-point seat-seconds as a plain number of seat-seconds. */
export function seatSecondsToFloat(seatSeconds: number): number {
  return seatSeconds / SS_SCALE;
}
