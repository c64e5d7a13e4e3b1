/**
 * Durations ("90s", "20m", "4h", "1h30m", "250ms", "2d") and Kubernetes resource quantities
 * ("64Gi", "500m", "1.5G", "2"), parsed into plain numbers: seconds, and base units.
 */

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
};

/** Matches what `parseDuration` accepts; exported for the JSON Schema. */
export const DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$";
const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/gy;

/** Seconds in a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (text.length === 0) return undefined;
  DURATION_PART.lastIndex = 0;
  let seconds = 0;
  let consumed = 0;
  for (let match = DURATION_PART.exec(text); match !== null; match = DURATION_PART.exec(text)) {
    seconds += Number(match[1]) * DURATION_UNITS[match[2]];
    consumed = DURATION_PART.lastIndex;
  }
  return consumed === text.length ? seconds : undefined;
}

/** "1h30m", "45s", "250ms": the shortest exact spelling, for messages and reports. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  if (seconds < 1) return `${Number((seconds * 1000).toFixed(3))}ms`;
  let rest = Math.round(seconds * 1000) / 1000;
  let text = "";
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (rest >= size) {
      const whole = Math.floor(rest / size);
      text += `${whole}${unit}`;
      rest = Math.round((rest - whole * size) * 1000) / 1000;
    }
  }
  if (rest > 0) text += `${rest}s`;
  return text;
}

const QUANTITY_SUFFIXES: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Matches what `parseQuantity` accepts; exported for the JSON Schema. */
export const QUANTITY_PATTERN = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$";
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/;

/** The value of a Kubernetes quantity in base units (bytes, cores), or undefined. */
export function parseQuantity(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = QUANTITY.exec(value);
  if (match === null) return undefined;
  return Number(match[1]) * QUANTITY_SUFFIXES[match[2] ?? ""];
}

/** "64Gi", "1.5Mi", "512": binary units for bytes in reports. */
export function formatBytes(bytes: number): string {
  for (const [suffix, size] of [
    ["Ti", 2 ** 40],
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))}${suffix}`;
  }
  return `${bytes}`;
}
