/**
 * The recorder's final cumulative state in the Prometheus text exposition format 0.0.4, written
 * as client_golang writes it (prometheus/common expfmt/text_create.go): families sorted by name,
 * `# HELP` then `# TYPE`, series sorted by label values, labels sorted by name, `le` last on
 * histogram buckets, then `_sum` and `_count`. Families without series are left out, as a vector
 * with no children gathers nothing.
 */
import type { LabelValues } from "./definitions.js";
import { formatGoFloat } from "./go-float.js";
import type { FamilyView, MetricsRecorder } from "./recorder.js";

export const PROMETHEUS_TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function prometheusText(recorder: MetricsRecorder): string {
  const lines: string[] = [];
  for (const family of recorder.allFamilies()) {
    if (family.series.length === 0) continue;
    const { name, help } = family.definition;
    lines.push(`# HELP ${name} ${escapeHelp(help)}`);
    lines.push(`# TYPE ${name} ${family.type}`);
    writeSeries(family, lines);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function writeSeries(family: FamilyView, lines: string[]): void {
  const name = family.definition.name;
  switch (family.type) {
    case "counter":
      for (const series of family.series) {
        lines.push(`${name}${labelBlock(series.labels)} ${formatGoFloat(series.total)}`);
      }
      return;
    case "gauge":
      for (const series of family.series) {
        // A resolved client_golang child reads 0 until set.
        const value = Number.isNaN(series.value) ? 0 : series.value;
        lines.push(`${name}${labelBlock(series.labels)} ${formatGoFloat(value)}`);
      }
      return;
    case "histogram":
      for (const series of family.series) {
        const data = series.runData();
        let cumulative = 0;
        for (let i = 0; i < data.upperBounds.length; i++) {
          cumulative += data.bucketCounts[i];
          const le = formatGoFloat(data.upperBounds[i]);
          lines.push(`${name}_bucket${labelBlock(series.labels, le)} ${formatGoFloat(cumulative)}`);
        }
        lines.push(
          `${name}_bucket${labelBlock(series.labels, "+Inf")} ${formatGoFloat(data.count)}`,
        );
        lines.push(`${name}_sum${labelBlock(series.labels)} ${formatGoFloat(data.sum)}`);
        lines.push(`${name}_count${labelBlock(series.labels)} ${formatGoFloat(data.count)}`);
      }
      return;
  }
}

/** `{a="1",b="2"}` with `le` appended last when given; nothing for no labels. */
function labelBlock(labels: LabelValues, le?: string): string {
  const pairs = Object.keys(labels).map((label) => `${label}="${escapeLabelValue(labels[label])}"`);
  if (le !== undefined) pairs.push(`le="${le}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** Help text escapes backslash and line feed, not quotes. */
export function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}
