/**
 * Choosing series by label and grouping them, as a PromQL selector and `sum by (...)` do. A label
 * a series does not have counts as the empty string, as in PromQL.
 */
import type { LabelValues } from "./definitions.js";
import { compareLabelValues, sortedLabelNames } from "./label-order.js";

/**
 * Which series to keep: each listed label must equal the string or be one of the strings, or a
 * predicate over the whole label set.
 */
export type LabelFilter =
  Readonly<Record<string, string | readonly string[]>> | ((labels: LabelValues) => boolean);

export interface Selection {
  /** Keep only matching series; all of them when absent. */
  readonly where?: LabelFilter;
  /** Labels to group by; one group of everything when absent or empty. */
  readonly by?: readonly string[];
}

/** Series sharing the values of the `by` labels. */
export interface SeriesGroup<T> {
  /** The `by` labels and their values, keys in sorted order. */
  readonly labels: Record<string, string>;
  /** In the order they were given. */
  readonly members: readonly T[];
}

export function matchesFilter(labels: LabelValues, filter: LabelFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "function") return filter(labels);
  for (const name of Object.keys(filter)) {
    const wanted = filter[name];
    const value = labelValue(labels, name);
    if (typeof wanted === "string" ? value !== wanted : !wanted.includes(value)) return false;
  }
  return true;
}

/** Matching series grouped by the `by` labels; groups sorted by those labels' values. */
export function groupSeries<T extends { readonly labels: LabelValues }>(
  series: readonly T[],
  selection: Selection = {},
): SeriesGroup<T>[] {
  const byNames = sortedLabelNames([...new Set(selection.by ?? [])]);
  const groups = new Map<string, { labels: Record<string, string>; members: T[] }>();
  for (const member of series) {
    if (!matchesFilter(member.labels, selection.where)) continue;
    const labels: Record<string, string> = {};
    for (const name of byNames) labels[name] = labelValue(member.labels, name);
    const key = JSON.stringify(byNames.map((name) => labels[name]));
    let group = groups.get(key);
    if (group === undefined) {
      group = { labels, members: [] };
      groups.set(key, group);
    }
    group.members.push(member);
  }
  return [...groups.values()].sort((a, b) => compareLabelValues(a.labels, b.labels, byNames));
}

function labelValue(labels: LabelValues, name: string): string {
  return Object.hasOwn(labels, name) ? labels[name] : "";
}
