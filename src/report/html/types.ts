/** The data a report page shows; the caller fills it from simulation results. */

/** One published incident milestone beside its simulated counterpart. */
export interface TimelineEntry {
  event: string;
  /** Seconds since the report start at which the published report places the event. */
  publishedSeconds?: number;
  /** Seconds since the report start at which the simulation reached the event. */
  simulatedSeconds?: number;
  /** How far (minutes) the simulated time may stray from the published one and still match. */
  toleranceMinutes?: number;
  note?: string;
}

export interface ChartLine {
  label: string;
  /** [seconds since start, value]; null (or a non-finite value) breaks the line. */
  points: [number, number | null][];
}

export interface ChartMarker {
  seconds: number;
  label: string;
}

export interface ChartSpec {
  /** Stable identifier, used for the element id and anchors. */
  id: string;
  title: string;
  /** Unit of the y axis, e.g. "s", "req/s", "%", "GiB". */
  unit: string;
  /** Fixed top of the y axis; values above it are clipped. */
  yMax?: number;
  /** Logarithmic y axis; values <= 0 are left out. */
  log?: boolean;
  lines: ChartLine[];
  /** Markers that concern this chart only (the timeline and events are marked on every chart). */
  markers?: ChartMarker[];
}

/** An operator, pipeline or alert action. */
export interface ReportEvent {
  seconds: number;
  cluster?: string;
  actor: string;
  detail: string;
  /** true: succeeded, false: failed, undefined: not applicable. */
  ok?: boolean;
}

export interface ComparisonColumn {
  key: string;
  label: string;
  unit?: string;
  /** Which direction is better for highlighting; numbers default to "lower". */
  better?: "lower" | "higher" | "none";
}

export interface ComparisonRow {
  variant: string;
  description: string;
  values: Record<string, number | string | null>;
}

export interface Comparison {
  columns: ComparisonColumn[];
  /** The first row is the baseline the others are compared with (usually "as happened"). */
  rows: ComparisonRow[];
}

export interface ReportInput {
  title: string;
  /** Scenario name, seed, version. */
  subtitle: string;
  /** IANA time zone of the wall-clock axes, e.g. "America/Los_Angeles". */
  timeZone: string;
  /** ISO instant of simulated t=0. */
  startIso: string;
  timeline: TimelineEntry[];
  charts: ChartSpec[];
  events: ReportEvent[];
  comparison?: Comparison;
  /** Headline numbers. */
  summary: { label: string; value: string }[];
  /** Assumptions and model caveats. */
  notes: string[];
}
