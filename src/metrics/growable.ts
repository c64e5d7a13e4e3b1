/**
 * Per-series window arrays start small and double as simulated time reaches later windows, so a
 * series touched only early in a run, or never, costs little.
 */

const INITIAL_WINDOWS = 16;

/** Capacity (in windows) to grow to so that `window` fits, never more than `limit`. */
export function grownCapacity(window: number, current: number, limit: number): number {
  return Math.min(limit, Math.max(window + 1, current * 2, INITIAL_WINDOWS));
}

/** A copy of `array` with `length` elements, the new tail set to `fill`. */
export function grownFloat64(
  array: Float64Array,
  length: number,
  fill = 0,
): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(length);
  grown.set(array);
  if (fill !== 0) grown.fill(fill, array.length);
  return grown;
}

/** A copy of `array` with `length` elements, the new tail zero. */
export function grownUint32(array: Uint32Array, length: number): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(length);
  grown.set(array);
  return grown;
}
