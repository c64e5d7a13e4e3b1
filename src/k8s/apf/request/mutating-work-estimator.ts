/**
 * Seats for create, update, patch and delete: one while executing, then, when at least
 * watchesPerSeat watchers will receive the event, extra seats for the fan-out, held after the
 * response. Port of k8s.io/apiserver/pkg/util/flowcontrol/request/mutating_work_estimator.go.
 */
import type { WorkEstimatorConfig } from "./config.js";
import { durationPerSeat, seatsTimesDuration } from "./seat-seconds.js";
import type { WorkEstimate } from "./work-estimate.js";

export interface MutatingWorkRequest {
  resource?: string;
  subresource?: string;
  /** Watchers that will be sent this change (the apiserver's watch tracker count). */
  watchCount: number;
}

/**
 * @param levelMaxSeats the priority level's per-request cap (0 = none; see maxSeatsForLevel).
 */
export function estimateMutatingWork(
  request: MutatingWorkRequest,
  levelMaxSeats: number,
  config: WorkEstimatorConfig,
): WorkEstimate {
  const minSeats = config.minimumSeats;
  const maxSeats =
    levelMaxSeats === 0 || levelMaxSeats > config.maximumMutatingSeatsLimit
      ? config.maximumMutatingSeatsLimit
      : levelMaxSeats;

  if (!config.mutatingEstimatorEnabled || isExemptFromWatchEvents(request)) {
    return { initialSeats: minSeats, finalSeats: 0, additionalLatencyNanos: 0 };
  }
  // Below the threshold the fan-out is not charged at all, to spare most writes the latency.
  if (request.watchCount < config.watchesPerSeat) {
    return { initialSeats: 1, finalSeats: 0, additionalLatencyNanos: 0 };
  }
  // Each watcher costs 1/watchesPerSeat of a seat for eventAdditionalDuration. Capping the
  // seats keeps the area (seat-seconds) and stretches the duration instead.
  const uncappedSeats = Math.ceil(request.watchCount / config.watchesPerSeat);
  const finalWork = seatsTimesDuration(uncappedSeats, config.eventAdditionalDurationNanos);
  const finalSeats = Math.min(uncappedSeats, maxSeats);
  return {
    initialSeats: 1,
    finalSeats,
    additionalLatencyNanos: durationPerSeat(finalWork, finalSeats),
  };
}

/** Creating a service-account token produces no watch event, however many watchers exist. */
function isExemptFromWatchEvents(request: MutatingWorkRequest): boolean {
  return request.resource === "serviceaccounts" && request.subresource === "token";
}
