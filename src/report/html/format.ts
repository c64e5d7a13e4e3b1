/** Number formatting shared by axes, tables and summaries. */

const GROUPED_INTEGER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const SIGNIFICANT = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });
const COMPACT = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 });

/** A value for a table cell: integers grouped above 100, otherwise three significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return GROUPED_INTEGER.format(value);
  return SIGNIFICANT.format(value);
}

/** An axis tick: short (1.5K, 20M) because the unit is in the axis title. */
export function formatTick(value: number): string {
  if (value === 0) return "0";
  if (Math.abs(value) < 0.01) return value.toExponential(0);
  return COMPACT.format(value);
}

/** A signed difference in minutes, e.g. "+4 min", "−12 min", "0 min". */
export function formatMinutesDelta(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes === 0) return "0 min";
  return `${minutes > 0 ? "+" : "\u2212"}${Math.abs(minutes)} min`;
}
