/**
 * What a run produces: per simulated cluster a summary and its minute samples, the fleet's
 * event log and outcome measures. Deterministic: no wall-clock figures, so equal runs are equal
 * bytes.
 */
import type { StopReason } from "../sim/index.js";
import type { FleetOutcomes } from "./outcomes.js";
import type { ClusterClassResult } from "./cluster-result.js";

export type { ClusterClassResult } from "./cluster-result.js";
import type { OpsEvent } from "./ops/index.js";

export interface FleetSummary {
  clusterClasses: number;
  clusters: number;
  nodes: number;
  pods: number;
  /** Clusters simulated (classes × waves, or every cluster with --full). */
  simulated: number;
}

/** Everything a run produced. Deterministic: no wall-clock figures, so equal runs are equal bytes. */
export interface RunResult {
  scenario: { name: string; source: string };
  seed: number;
  /** ISO 8601 instants of simulated time 0 and of the end, when the scenario names a start. */
  start: string | undefined;
  end: string | undefined;
  timeZone: string | undefined;
  simulatedSeconds: number;
  fleet: FleetSummary;
  /** Components simulated in this run. */
  components: string[];
  /** One simulated cluster per class and wave, weighted by its count. */
  clusters: ClusterClassResult[];
  /** Pipeline, alerting, operators and traffic events, in time order. */
  events: OpsEvent[];
  /** Fleet-level measures: impact, detection, lockout, recovery. */
  outcomes: FleetOutcomes;
  outcome: {
    stopReason: StopReason;
    /** True when a limit cut the run short. */
    limitHit: boolean;
    events: number;
    message: string;
  };
}
