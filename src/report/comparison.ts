/**
 * The as-happened run beside its mitigation variants: one row per variant, the measures that
 * say how bad the outage was and how long it lasted.
 */
import type { RunResult } from "../fleet/index.js";
import { measureSeconds } from "./timeline.js";

export interface VariantRun {
  id: string;
  title: string;
  description: string;
  result: RunResult;
}

export interface ComparisonColumn {
  key: string;
  label: string;
  unit?: string;
  better: "lower" | "higher" | "none";
}

export interface ComparisonRow {
  id: string;
  title: string;
  description: string;
  values: Record<string, number | null>;
}

export interface ComparisonTable {
  columns: ComparisonColumn[];
  rows: ComparisonRow[];
}

const minutes = (seconds: number | undefined) =>
  seconds === undefined ? null : Math.round(seconds / 6) / 10;

export function comparisonTable(runs: readonly VariantRun[]): ComparisonTable {
  const products = [...new Set(runs.flatMap((r) => Object.keys(r.result.outcomes.errorMinutes)))];
  const columns: ComparisonColumn[] = [
    ...products.map((product) => ({
      key: `errors:${product}`,
      label: `${product} error minutes`,
      unit: "min",
      better: "lower" as const,
    })),
    { key: "affected", label: "clusters with user impact", better: "lower" },
    { key: "lost", label: "control planes lost", better: "lower" },
    { key: "detect", label: "time to detect", unit: "min", better: "lower" },
    { key: "lockout", label: "longest lockout", unit: "min", better: "lower" },
    { key: "recovery", label: "time to full recovery", unit: "min", better: "lower" },
  ];
  const rows = runs.map((run): ComparisonRow => {
    const o = run.result.outcomes;
    const applied = measureSeconds(run.result, "change-applied");
    const values: Record<string, number | null> = {};
    for (const product of products) {
      values[`errors:${product}`] = Math.round((o.errorMinutes[product] ?? 0) * 10) / 10;
    }
    values.affected = o.clustersAffected;
    values.lost = o.controlPlanesLost;
    values.detect =
      o.detectedSeconds === undefined || applied === undefined
        ? null
        : minutes(o.detectedSeconds - applied);
    values.lockout = minutes(o.longestLockoutSeconds);
    // Absent when there was nothing to recover from or some cluster never recovered.
    values.recovery =
      o.incidentStartSeconds === undefined || o.allRecoveredSeconds === undefined
        ? null
        : minutes(o.allRecoveredSeconds - o.incidentStartSeconds);
    return { id: run.id, title: run.title, description: run.description, values };
  });
  return { columns, rows };
}

/** The table for a terminal; "—" where a measure has no value (never detected, not recovered). */
export function comparisonText(table: ComparisonTable): string {
  const header = [
    "variant",
    ...table.columns.map((c) => (c.unit ? `${c.label} (${c.unit})` : c.label)),
  ];
  const body = table.rows.map((row) => [
    row.id,
    ...table.columns.map((c) => {
      const value = row.values[c.key];
      return value === null || value === undefined ? "—" : String(value);
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ");
  return [line(header), ...body.map(line)].map((l) => `  ${l}`).join("\n");
}
