/**
 * The recorder the simulated control plane writes to. Families are declared once; each label set
 * is resolved once to a numeric handle; the hot path (`add`, `set`, `observe`) then indexes an
 * array and updates typed arrays, allocating only when a series' window arrays double.
 */
import { CounterSeries, type CounterReader } from "./counter-series.js";
import {
  sameDefinition,
  validateDefinition,
  type LabelValues,
  type MetricDefinition,
  type MetricType,
} from "./definitions.js";
import { GaugeSeries, type GaugeReader } from "./gauge-series.js";
import type { CounterHandle, GaugeHandle, HistogramHandle } from "./handles.js";
import { HistogramSeries, type HistogramReader } from "./histogram-series.js";
import { compareCodePoints, compareLabelValues, sortedLabelNames } from "./label-order.js";
import { SamplingWindows } from "./sampling-windows.js";

export interface RecorderOptions {
  /** Length of a sampling window in simulated seconds, e.g. 10. */
  stepSeconds: number;
  /** The run's end time in simulated seconds; recording after it is refused. */
  endSeconds: number;
}

/** A declared family and its series, in exposition order (by label values). */
export type FamilyView =
  | {
      readonly type: "counter";
      readonly definition: MetricDefinition;
      readonly series: readonly CounterReader[];
    }
  | {
      readonly type: "gauge";
      readonly definition: MetricDefinition;
      readonly series: readonly GaugeReader[];
    }
  | {
      readonly type: "histogram";
      readonly definition: MetricDefinition;
      readonly series: readonly HistogramReader[];
    };

interface Family {
  readonly definition: MetricDefinition;
  readonly sortedLabelNames: readonly string[];
  /** Handle (index into the recorder's series of this type) by label-set key. */
  readonly handleByKey: Map<string, number>;
  /** Histograms only; shared by every series of the family. */
  readonly bounds: Float64Array;
}

export class MetricsRecorder {
  readonly windows: SamplingWindows;
  private readonly families = new Map<string, Family>();
  private readonly counters: CounterSeries[] = [];
  private readonly gauges: GaugeSeries[] = [];
  private readonly histograms: HistogramSeries[] = [];

  constructor(options: RecorderOptions) {
    this.windows = new SamplingWindows(options.stepSeconds, options.endSeconds);
  }

  get stepSeconds(): number {
    return this.windows.stepSeconds;
  }

  get endSeconds(): number {
    return this.windows.endSeconds;
  }

  get windowCount(): number {
    return this.windows.count;
  }

  /**
   * Declares a family. Declaring an identical definition again does nothing; a different
   * definition under a declared name is an error.
   */
  declare(definition: MetricDefinition): void {
    validateDefinition(definition);
    const existing = this.families.get(definition.name);
    if (existing !== undefined) {
      if (sameDefinition(existing.definition, definition)) return;
      throw new Error(`metric ${definition.name} is already declared with another definition`);
    }
    const copy: MetricDefinition = Object.freeze({
      name: definition.name,
      help: definition.help,
      type: definition.type,
      labelNames: Object.freeze([...definition.labelNames]),
      ...(definition.buckets === undefined
        ? {}
        : { buckets: Object.freeze([...definition.buckets]) }),
    });
    this.families.set(definition.name, {
      definition: copy,
      sortedLabelNames: sortedLabelNames(definition.labelNames),
      handleByKey: new Map(),
      bounds: Float64Array.from(definition.buckets ?? []),
    });
  }

  declareAll(definitions: Iterable<MetricDefinition>): void {
    for (const definition of definitions) this.declare(definition);
  }

  /** The handle of a counter series; the same label values always give the same handle. */
  counter(name: string, labels: LabelValues = {}): CounterHandle {
    return this.resolve(name, "counter", labels) as CounterHandle;
  }

  /** The handle of a gauge series; the same label values always give the same handle. */
  gauge(name: string, labels: LabelValues = {}): GaugeHandle {
    return this.resolve(name, "gauge", labels) as GaugeHandle;
  }

  /** The handle of a histogram series; the same label values always give the same handle. */
  histogram(name: string, labels: LabelValues = {}): HistogramHandle {
    return this.resolve(name, "histogram", labels) as HistogramHandle;
  }

  /** Adds `amount` (finite, >= 0) to a counter at simulated time `now`. */
  add(handle: CounterHandle, now: number, amount: number): void {
    const series = this.counters[handle];
    const window = this.windows.indexOf(now);
    if (window < 0) throw this.outsideRun(series.name, now);
    if (!(amount >= 0 && amount < Infinity)) {
      throw new RangeError(`counter ${series.name}: cannot add ${amount}`);
    }
    series.add(window, amount);
  }

  /** Sets a gauge to `value` (finite) at simulated time `now`, which must not go back. */
  set(handle: GaugeHandle, now: number, value: number): void {
    const series = this.gauges[handle];
    const window = this.windows.indexOf(now);
    if (window < 0) throw this.outsideRun(series.name, now);
    if (!Number.isFinite(value)) throw new RangeError(`gauge ${series.name}: cannot set ${value}`);
    series.set(window, now, value);
  }

  /** Moves a gauge by `delta`, as client_golang's Gauge.Add; a gauge never set counts as 0. */
  addToGauge(handle: GaugeHandle, now: number, delta: number): void {
    const current = this.gauges[handle].value;
    this.set(handle, now, (Number.isNaN(current) ? 0 : current) + delta);
  }

  /** The gauge's value now; NaN before its first set. */
  gaugeValue(handle: GaugeHandle): number {
    return this.gauges[handle].value;
  }

  /**
   * Records one observation (finite) in a histogram at simulated time `now`, or `count`
   * identical ones (a positive integer).
   */
  observe(handle: HistogramHandle, now: number, value: number, count = 1): void {
    const series = this.histograms[handle];
    const window = this.windows.indexOf(now);
    if (window < 0) throw this.outsideRun(series.name, now);
    if (!Number.isFinite(value)) {
      throw new RangeError(`histogram ${series.name}: cannot observe ${value}`);
    }
    if (!(Number.isInteger(count) && count > 0)) {
      throw new RangeError(`histogram ${series.name}: cannot observe ${count} times`);
    }
    series.observe(window, value, count);
  }

  /** Declared family names in byte order. */
  familyNames(): string[] {
    return [...this.families.keys()].sort(compareCodePoints);
  }

  /** One family with its series sorted by label values, or undefined when not declared. */
  family(name: string): FamilyView | undefined {
    const family = this.families.get(name);
    if (family === undefined) return undefined;
    const { definition, sortedLabelNames: names, handleByKey } = family;
    const handles = [...handleByKey.values()];
    const byLabels = (a: { labels: LabelValues }, b: { labels: LabelValues }) =>
      compareLabelValues(a.labels, b.labels, names);
    switch (definition.type) {
      case "counter":
        return {
          type: "counter",
          definition,
          series: handles.map((h) => this.counters[h]).sort(byLabels),
        };
      case "gauge":
        return {
          type: "gauge",
          definition,
          series: handles.map((h) => this.gauges[h]).sort(byLabels),
        };
      case "histogram":
        return {
          type: "histogram",
          definition,
          series: handles.map((h) => this.histograms[h]).sort(byLabels),
        };
    }
  }

  /** Every declared family by name, each with its series sorted by label values. */
  allFamilies(): FamilyView[] {
    return this.familyNames().map((name) => this.family(name) as FamilyView);
  }

  private resolve(name: string, type: MetricType, labels: LabelValues): number {
    const family = this.families.get(name);
    if (family === undefined) throw new Error(`metric ${name} is not declared`);
    const { definition } = family;
    if (definition.type !== type) {
      throw new TypeError(`metric ${name} is a ${definition.type}, not a ${type}`);
    }
    const values = definition.labelNames.map((label) => {
      const value = Object.hasOwn(labels, label) ? labels[label] : undefined;
      if (typeof value !== "string") {
        throw new RangeError(`metric ${name}: label "${label}" needs a string value`);
      }
      return value;
    });
    for (const label of Object.keys(labels)) {
      if (!definition.labelNames.includes(label)) {
        throw new RangeError(
          `metric ${name} has no label "${label}" (labels: ${definition.labelNames.join(", ") || "none"})`,
        );
      }
    }
    const key = JSON.stringify(values);
    const known = family.handleByKey.get(key);
    if (known !== undefined) return known;

    const canonical: Record<string, string> = {};
    for (const label of family.sortedLabelNames) canonical[label] = labels[label];
    Object.freeze(canonical);
    let handle: number;
    switch (type) {
      case "counter":
        handle = this.counters.push(new CounterSeries(name, canonical, this.windows)) - 1;
        break;
      case "gauge":
        handle = this.gauges.push(new GaugeSeries(name, canonical, this.windows)) - 1;
        break;
      case "histogram":
        handle =
          this.histograms.push(new HistogramSeries(name, canonical, family.bounds, this.windows)) -
          1;
        break;
    }
    family.handleByKey.set(key, handle);
    return handle;
  }

  private outsideRun(name: string, now: number): RangeError {
    return new RangeError(
      `metric ${name} recorded at ${now} s, outside the run [0, ${this.windows.endSeconds}] s`,
    );
  }
}
