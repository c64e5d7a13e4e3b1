/**
 * A priority level's seat demand as borrowing sees it: the last period's average, deviation and
 * high watermark, and a slowly decaying envelope. Port of the seatDemandIntegrator and
 * seatDemandStats.update in k8s.io/apiserver/pkg/util/flowcontrol/apf_controller.go.
 */
import { Integrator, type IntegratorResults } from "../fairqueuing/integrator.js";
import { isAtLeast, type KubernetesVersion } from "../../version.js";

/** How often borrowing is recomputed (borrowingAdjustmentPeriod). */
export const BORROWING_ADJUSTMENT_PERIOD_SECONDS = 10;

/** Weight of the old smoothed demand per period: a half-life of about 5 minutes at 10 s. */
export const SEAT_DEMAND_SMOOTHING_COEFFICIENT = 0.977;

export interface SeatDemandStats {
  average: number;
  standardDeviation: number;
  /** Largest demand seen in the period; rounded to an integer from 1.31 on. */
  highWatermark: number;
  /** max(envelope, A·smoothed + (1−A)·envelope) with envelope = average + deviation. */
  smoothed: number;
}

export const ZERO_SEAT_DEMAND_STATS: Readonly<SeatDemandStats> = Object.freeze({
  average: 0,
  standardDeviation: 0,
  highWatermark: 0,
  smoothed: 0,
});

/** The stats after a period with `observed` results; a zero-length period keeps the rest. */
export function updateSeatDemandStats(
  previous: Readonly<SeatDemandStats>,
  observed: IntegratorResults,
  version: KubernetesVersion,
): SeatDemandStats {
  const highWatermark = isAtLeast(version, "1.31") ? Math.round(observed.max) : observed.max;
  if (observed.duration <= 0) return { ...previous, highWatermark };
  const deviation = Number.isNaN(observed.deviation) ? 0 : observed.deviation;
  const envelope = observed.average + deviation;
  return {
    average: observed.average,
    standardDeviation: deviation,
    highWatermark,
    smoothed: Math.max(
      envelope,
      SEAT_DEMAND_SMOOTHING_COEFFICIENT * previous.smoothed +
        (1 - SEAT_DEMAND_SMOOTHING_COEFFICIENT) * envelope,
    ),
  };
}

/**
 * Seats demanded by one level (in use + waiting) over time, plus the stats borrowing keeps
 * between periods. Give it to the level's QueueSet as `seatDemand`, which reports every change.
 */
export class SeatDemandIntegrator extends Integrator {
  private statsSoFar: Readonly<SeatDemandStats> = ZERO_SEAT_DEMAND_STATS;

  /** The stats as of the last period that ended. */
  get stats(): Readonly<SeatDemandStats> {
    return this.statsSoFar;
  }

  /** Ends the period at `now`: folds it into the stats and starts a new one. */
  endPeriod(now: number, version: KubernetesVersion): Readonly<SeatDemandStats> {
    this.statsSoFar = updateSeatDemandStats(this.statsSoFar, this.reset(now), version);
    return this.statsSoFar;
  }
}
