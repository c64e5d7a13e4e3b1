/**
 * Reallocation of a population's per-member typed arrays when members are added after it was
 * built (nodes added by a scale-up beyond the cluster's starting size).
 */
type NumericArray = Uint8Array | Int32Array | Float64Array;

/** A copy of `array` with `length` elements: the old values first, then `fill`. */
export function grownTo<T extends NumericArray>(array: T, length: number, fill = 0): T {
  if (length <= array.length) return array;
  const grown = new (array.constructor as new (n: number) => T)(length);
  grown.set(array);
  if (fill !== 0) grown.fill(fill, array.length);
  return grown;
}

/** The capacity to grow to for `needed` members: doubling, so repeated growth is amortised. */
export function nextCapacity(current: number, needed: number): number {
  return Math.max(needed, current * 2, 1);
}
