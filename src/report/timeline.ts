/**
 * The published incident timeline beside the simulated one: each calibration target of the
 * scenario against the run's value of the measure it names.
 */
import type { RunResult } from "../fleet/index.js";
import type { CalibrationTarget, TimelineMeasure } from "../scenario/index.js";

/** When the run reached a measure (s from the start), or undefined if it never did. */
export function measureSeconds(result: RunResult, measure: TimelineMeasure): number | undefined {
  const o = result.outcomes;
  const first = (predicate: (e: RunResult["events"][number]) => boolean) =>
    result.events.find(predicate)?.t;
  switch (measure) {
    case "change-applied":
      return first((e) => e.actor === "pipeline" && e.kind === "wave-applied");
    case "rollout-complete":
      return result.events.filter((e) => e.actor === "pipeline" && e.kind === "wave-applied").at(-1)
        ?.t;
    case "alert-notified":
      return o.detectedSeconds;
    case "first-control-plane-down":
      return o.firstControlPlaneDownSeconds;
    case "impact-start":
      return o.impactStartSeconds;
    case "traffic-shifted":
      return first((e) => e.actor === "traffic-manager" && e.kind === "shift");
    case "peak-impact":
      return o.peakImpactSeconds;
    case "first-cluster-recovered":
      return o.firstRecoveredSeconds;
    case "all-clusters-recovered":
      return o.allRecoveredSeconds;
  }
}

export interface TimelineRow {
  event: string;
  measure: TimelineMeasure;
  publishedSeconds: number;
  simulatedSeconds: number | undefined;
  /** Simulated minus published (s). */
  differenceSeconds: number | undefined;
  toleranceSeconds: number;
  withinTolerance: boolean;
}

export function timelineRows(
  result: RunResult,
  targets: readonly CalibrationTarget[],
): TimelineRow[] {
  return targets.map((target) => {
    const simulated = measureSeconds(result, target.measure);
    const difference = simulated === undefined ? undefined : simulated - target.publishedSeconds;
    return {
      event: target.event,
      measure: target.measure,
      publishedSeconds: target.publishedSeconds,
      simulatedSeconds: simulated,
      differenceSeconds: difference,
      toleranceSeconds: target.toleranceSeconds,
      withinTolerance: difference !== undefined && Math.abs(difference) <= target.toleranceSeconds,
    };
  });
}
