/**
 * The order of series in every output: by label values, compared label by label in label-name
 * order, as client_golang sorts a family before exposition. Strings compare by Unicode code point,
 * which is Go's byte order for UTF-8, so the order does not depend on JavaScript's UTF-16.
 */
import type { LabelValues } from "./definitions.js";

/** Negative, zero or positive as `a` sorts before, with or after `b` by code point. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (U+D800–U+DFFF) stand for code points above U+FFFF, so they must sort after
// U+E000–U+FFFF; shifting the two ranges puts UTF-16 units in code-point order.
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Label names in exposition order. */
export function sortedLabelNames(names: readonly string[]): string[] {
  return [...names].sort(compareCodePoints);
}

/** Compares two label sets of one family, `names` being its label names in sorted order. */
export function compareLabelValues(
  a: LabelValues,
  b: LabelValues,
  names: readonly string[],
): number {
  for (const name of names) {
    const order = compareCodePoints(a[name], b[name]);
    if (order !== 0) return order;
  }
  return 0;
}
