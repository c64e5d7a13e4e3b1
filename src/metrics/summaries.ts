/**
 * Turns a recorder into plain, JSON-ready objects: per-window series and whole-run totals of
 * chosen families, filtered and grouped by label. Groups are sorted by label values and series are
 * summed in a fixed order, so equal recordings give byte-identical JSON. Values that do not exist
 * (a quantile of an empty window, a gauge before its first set) are `null`.
 */
import type { LabelValues, MetricType } from "./definitions.js";
import { bucketQuantile, cumulate } from "./histogram-quantile.js";
import { groupSeries, type Selection } from "./label-selection.js";
import type { FamilyView, MetricsRecorder } from "./recorder.js";

/** One window: `t` is the window's start in simulated seconds. */
export interface WindowPoint {
  readonly t: number;
  readonly value: number | null;
}

export interface WindowSeries {
  /** The `by` labels of the group. */
  readonly labels: Record<string, string>;
  /** One point per window, in time order. */
  readonly points: readonly WindowPoint[];
}

/** Counter per window: the increase, or the increase divided by the window's length. */
export type CounterMeasure = "increase" | "rate";
/** Gauge per window: value at the end, highest, lowest, or time-weighted average. */
export type GaugeStatistic = "last" | "max" | "min" | "average";
/** How the gauges of one group combine; series not yet set are left out, as in PromQL. */
export type GaugeAggregation = "sum" | "max" | "min";
/**
 * Histogram per window: a quantile by histogram_quantile's interpolation, the largest
 * observation, the mean, the number of observations, or observations per second.
 */
export type HistogramStatistic = { readonly quantile: number } | "max" | "mean" | "count" | "rate";

export interface CounterTotal {
  readonly labels: Record<string, string>;
  readonly total: number;
}

export interface GaugeTotal {
  readonly labels: Record<string, string>;
  readonly last: number | null;
  readonly max: number | null;
  readonly min: number | null;
  /** Time-weighted from each series' first set to the end of the run. */
  readonly average: number | null;
}

export interface QuantileValue {
  readonly q: number;
  readonly value: number | null;
}

export interface HistogramTotal {
  readonly labels: Record<string, string>;
  readonly count: number;
  readonly sum: number;
  readonly mean: number | null;
  readonly max: number | null;
  readonly quantiles: readonly QuantileValue[];
}

/** Every series of every family with its whole-run figures. */
export interface FamilyTotals {
  readonly name: string;
  readonly type: MetricType;
  readonly series: readonly (
    | { readonly labels: LabelValues; readonly total: number }
    | {
        readonly labels: LabelValues;
        readonly last: number | null;
        readonly max: number | null;
        readonly min: number | null;
        readonly average: number | null;
      }
    | {
        readonly labels: LabelValues;
        readonly count: number;
        readonly sum: number;
        readonly max: number | null;
      }
  )[];
}

export function counterWindows(
  recorder: MetricsRecorder,
  name: string,
  options: Selection & { readonly measure?: CounterMeasure } = {},
): WindowSeries[] {
  const family = familyOfType(recorder, name, "counter");
  const windows = recorder.windows;
  return groupSeries(family.series, options).map(({ labels, members }) => {
    const values = new Float64Array(windows.count);
    for (const member of members) {
      const increases = member.windowIncreases();
      for (let i = 0; i < values.length; i++) values[i] += increases[i];
    }
    if (options.measure === "rate") {
      for (let i = 0; i < values.length; i++) values[i] /= windows.duration(i);
    }
    return { labels, points: toPoints(recorder, values) };
  });
}

export function gaugeWindows(
  recorder: MetricsRecorder,
  name: string,
  options: Selection & {
    readonly statistic: GaugeStatistic;
    readonly across?: GaugeAggregation;
  },
): WindowSeries[] {
  const family = familyOfType(recorder, name, "gauge");
  const across = options.across ?? "sum";
  return groupSeries(family.series, options).map(({ labels, members }) => {
    const values = new Float64Array(recorder.windowCount).fill(NaN);
    for (const member of members) {
      const stats = member.windowStats()[options.statistic];
      for (let i = 0; i < values.length; i++) values[i] = combine(values[i], stats[i], across);
    }
    return { labels, points: toPoints(recorder, values) };
  });
}

export function histogramWindows(
  recorder: MetricsRecorder,
  name: string,
  options: Selection & { readonly statistic: HistogramStatistic },
): WindowSeries[] {
  const family = familyOfType(recorder, name, "histogram");
  const windows = recorder.windows;
  const { statistic } = options;
  return groupSeries(family.series, options).map(({ labels, members }) => {
    const count = windows.count;
    const upperBounds = family.definition.buckets ?? [];
    const stride = upperBounds.length + 1;
    const buckets = new Float64Array(count * stride);
    const counts = new Float64Array(count);
    const sums = new Float64Array(count);
    const maxes = new Float64Array(count).fill(NaN);
    for (const member of members) {
      const data = member.windowData();
      for (let i = 0; i < buckets.length; i++) buckets[i] += data.bucketCounts[i];
      for (let i = 0; i < count; i++) {
        counts[i] += data.count[i];
        sums[i] += data.sum[i];
        maxes[i] = combine(maxes[i], data.max[i], "max");
      }
    }
    const values = new Float64Array(count);
    const cumulative = new Float64Array(stride);
    for (let i = 0; i < count; i++) {
      if (typeof statistic === "object") {
        cumulate(buckets, i * stride, stride, cumulative);
        values[i] = bucketQuantile(statistic.quantile, upperBounds, cumulative);
      } else if (statistic === "max") {
        values[i] = maxes[i];
      } else if (statistic === "mean") {
        values[i] = counts[i] > 0 ? sums[i] / counts[i] : NaN;
      } else if (statistic === "count") {
        values[i] = counts[i];
      } else {
        values[i] = counts[i] / windows.duration(i);
      }
    }
    return { labels, points: toPoints(recorder, values) };
  });
}

export function counterTotals(
  recorder: MetricsRecorder,
  name: string,
  options: Selection = {},
): CounterTotal[] {
  const family = familyOfType(recorder, name, "counter");
  return groupSeries(family.series, options).map(({ labels, members }) => {
    let total = 0;
    for (const member of members) total += member.total;
    return { labels, total };
  });
}

export function gaugeTotals(
  recorder: MetricsRecorder,
  name: string,
  options: Selection & { readonly across?: GaugeAggregation } = {},
): GaugeTotal[] {
  const family = familyOfType(recorder, name, "gauge");
  const across = options.across ?? "sum";
  return groupSeries(family.series, options).map(({ labels, members }) => {
    let last = NaN;
    let max = NaN;
    let min = NaN;
    let average = NaN;
    for (const member of members) {
      const stats = member.runStats();
      last = combine(last, stats.last, across);
      max = combine(max, stats.max, across);
      min = combine(min, stats.min, across);
      average = combine(average, stats.average, across);
    }
    return {
      labels,
      last: jsonNumber(last),
      max: jsonNumber(max),
      min: jsonNumber(min),
      average: jsonNumber(average),
    };
  });
}

export function histogramTotals(
  recorder: MetricsRecorder,
  name: string,
  options: Selection & { readonly quantiles?: readonly number[] } = {},
): HistogramTotal[] {
  const family = familyOfType(recorder, name, "histogram");
  const upperBounds = family.definition.buckets ?? [];
  return groupSeries(family.series, options).map(({ labels, members }) => {
    const buckets = new Float64Array(upperBounds.length + 1);
    let count = 0;
    let sum = 0;
    let max = NaN;
    for (const member of members) {
      const data = member.runData();
      for (let i = 0; i < buckets.length; i++) buckets[i] += data.bucketCounts[i];
      count += data.count;
      sum += data.sum;
      max = combine(max, data.max, "max");
    }
    const cumulative = cumulate(buckets, 0, buckets.length);
    return {
      labels,
      count,
      sum,
      mean: count > 0 ? sum / count : null,
      max: jsonNumber(max),
      quantiles: (options.quantiles ?? []).map((q) => ({
        q,
        value: jsonNumber(bucketQuantile(q, upperBounds, cumulative)),
      })),
    };
  });
}

/** Whole-run figures of every series, families by name and series by label values. */
export function recorderTotals(recorder: MetricsRecorder): FamilyTotals[] {
  return recorder.allFamilies().map((family) => ({
    name: family.definition.name,
    type: family.type,
    series: seriesTotals(family),
  }));
}

function seriesTotals(family: FamilyView): FamilyTotals["series"] {
  switch (family.type) {
    case "counter":
      return family.series.map((series) => ({ labels: series.labels, total: series.total }));
    case "gauge":
      return family.series.map((series) => {
        const stats = series.runStats();
        return {
          labels: series.labels,
          last: jsonNumber(stats.last),
          max: jsonNumber(stats.max),
          min: jsonNumber(stats.min),
          average: jsonNumber(stats.average),
        };
      });
    case "histogram":
      return family.series.map((series) => {
        const data = series.runData();
        return {
          labels: series.labels,
          count: data.count,
          sum: data.sum,
          max: jsonNumber(data.max),
        };
      });
  }
}

function familyOfType<T extends MetricType>(
  recorder: MetricsRecorder,
  name: string,
  type: T,
): Extract<FamilyView, { type: T }> {
  const family = recorder.family(name);
  if (family === undefined) throw new Error(`metric ${name} is not declared`);
  if (family.type !== type)
    throw new TypeError(`metric ${name} is a ${family.type}, not a ${type}`);
  return family as Extract<FamilyView, { type: T }>;
}

/** Folds `value` into `accumulated`, NaN meaning "nothing yet" on either side. */
function combine(accumulated: number, value: number, how: GaugeAggregation): number {
  if (Number.isNaN(value)) return accumulated;
  if (Number.isNaN(accumulated)) return value;
  if (how === "sum") return accumulated + value;
  return how === "max" ? Math.max(accumulated, value) : Math.min(accumulated, value);
}

function toPoints(recorder: MetricsRecorder, values: Float64Array): WindowPoint[] {
  const points: WindowPoint[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    points[i] = { t: recorder.windows.start(i), value: jsonNumber(values[i]) };
  }
  return points;
}

/** NaN has no JSON form; infinities (a quantile outside [0, 1]) neither. */
function jsonNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
