/**
 * Work estimator parameters. Port of k8s.io/apiserver/pkg/util/flowcontrol/request/config.go:
 * before 1.34 one cap of 10 seats served LIST and mutating requests alike; 1.34 splits it and
 * raises the LIST cap to 100 when SizeBasedListCostEstimate is on.
 */
import type { FeatureGates } from "../../features.js";

export interface WorkEstimatorConfig {
  minimumSeats: number;
  maximumListSeatsLimit: number;
  maximumMutatingSeatsLimit: number;
  /** LIST by object count: one seat per this many objects processed. */
  objectsPerSeat: number;
  /** LIST by size (1.34): one seat per this many bytes held in memory at once. */
  bytesPerSeat: number;
  /** Mutating requests: one final seat per this many watchers. */
  watchesPerSeat: number;
  /** Mutating requests: seat time per watch event. */
  eventAdditionalDurationNanos: number;
  /** The mutating estimator is on by default upstream; off gives every write 1 seat. */
  mutatingEstimatorEnabled: boolean;
}

/** Objects upstream assumes when the count is stale: the estimate then hits the cap. */
export const INFINITE_OBJECT_COUNT = 1_000_000_000;
/** Largest object etcd accepts by default (1.5 MB); used when the average size is unknown. */
export const MAX_OBJECT_SIZE_BYTES = 1_500_000;
/**
 * Memory a LIST served from the watch cache is assumed to hold at once with streaming encoding,
 * however big the result.
 */
export const CACHE_WITH_STREAMING_MAX_MEMORY_BYTES = 1_000_000;

export function defaultWorkEstimatorConfig(
  gates: Pick<FeatureGates, "SizeBasedListCostEstimate">,
): WorkEstimatorConfig {
  return {
    minimumSeats: 1,
    maximumListSeatsLimit: gates.SizeBasedListCostEstimate ? 100 : 10,
    maximumMutatingSeatsLimit: 10,
    objectsPerSeat: 100,
    bytesPerSeat: 100_000,
    watchesPerSeat: 10,
    eventAdditionalDurationNanos: 5_000_000,
    mutatingEstimatorEnabled: true,
  };
}
