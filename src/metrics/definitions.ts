/**
 * What a metric family is: name, help, type, label names and, for histograms, bucket upper
 * bounds. Validation follows the Prometheus data model so that every declared family can be
 * exposed in the text format unchanged.
 */

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricDefinition {
  readonly name: string;
  /** Shown after `# HELP`, exactly as given. */
  readonly help: string;
  readonly type: MetricType;
  /** Every series of the family has a value for each of these labels, and for no other. */
  readonly labelNames: readonly string[];
  /** Histograms only: finite, strictly increasing upper bounds; `+Inf` is implied. */
  readonly buckets?: readonly number[];
}

/** One series' label values, keyed by label name. */
export type LabelValues = Readonly<Record<string, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws a RangeError naming the first rule the definition breaks. */
export function validateDefinition(definition: MetricDefinition): void {
  const { name, type, labelNames, buckets } = definition;
  if (!METRIC_NAME.test(name)) {
    throw new RangeError(`metric name "${name}" does not match ${METRIC_NAME.source}`);
  }
  if (type !== "counter" && type !== "gauge" && type !== "histogram") {
    throw new RangeError(`metric ${name}: unknown type "${String(type)}"`);
  }
  const seen = new Set<string>();
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label) || label.startsWith("__")) {
      throw new RangeError(
        `metric ${name}: label name "${label}" must match ${LABEL_NAME.source} and not start with "__"`,
      );
    }
    if (type === "histogram" && label === "le") {
      throw new RangeError(`metric ${name}: a histogram cannot have a label named "le"`);
    }
    if (seen.has(label)) throw new RangeError(`metric ${name}: label "${label}" is listed twice`);
    seen.add(label);
  }
  if (type !== "histogram") {
    if (buckets !== undefined) throw new RangeError(`metric ${name}: only histograms have buckets`);
    return;
  }
  if (buckets === undefined || buckets.length === 0) {
    throw new RangeError(`metric ${name}: a histogram needs at least one finite bucket bound`);
  }
  for (let i = 0; i < buckets.length; i++) {
    const bound = buckets[i];
    if (!Number.isFinite(bound) || (i > 0 && !(bound > buckets[i - 1]))) {
      throw new RangeError(
        `metric ${name}: bucket bounds must be finite and strictly increasing (at index ${i}: ${bound})`,
      );
    }
  }
}

/** True when two definitions describe the same family, so declaring both is harmless. */
export function sameDefinition(a: MetricDefinition, b: MetricDefinition): boolean {
  return (
    a.name === b.name &&
    a.help === b.help &&
    a.type === b.type &&
    sameNumbersOrStrings(a.labelNames, b.labelNames) &&
    sameNumbersOrStrings(a.buckets ?? [], b.buckets ?? [])
  );
}

function sameNumbersOrStrings(
  a: readonly (number | string)[],
  b: readonly (number | string)[],
): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
