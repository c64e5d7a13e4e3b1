/**
 * Quantiles from bucket counts the way PromQL's histogram_quantile does it for classic
 * histograms: a port of bucketQuantile in prometheus/prometheus promql/quantile.go. Linear
 * interpolation inside the bucket holding the rank; 0 is the lower edge of the first bucket when
 * its upper bound is positive; a rank in the +Inf bucket gives the upper bound of the last finite
 * bucket. Upstream's coalescing of equal bounds and monotonicity repairs are left out: bounds are
 * validated as strictly increasing and counts come from whole observations, so neither can occur.
 */

/**
 * The φ-quantile of a histogram. `upperBounds` are the finite bounds in increasing order;
 * `cumulativeCounts` has one more entry, the +Inf bucket, which is the number of observations.
 * NaN for no observations or NaN `q`; -Inf for q < 0 and +Inf for q > 1, as upstream.
 */
export function bucketQuantile(
  q: number,
  upperBounds: readonly number[],
  cumulativeCounts: ArrayLike<number>,
): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = upperBounds.length + 1;
  if (cumulativeCounts.length !== buckets) {
    throw new RangeError(
      `${upperBounds.length} bounds need ${buckets} cumulative counts, got ${cumulativeCounts.length}`,
    );
  }
  if (buckets < 2) return NaN;
  const observations = cumulativeCounts[buckets - 1];
  if (observations === 0) return NaN;

  let rank = q * observations;
  // sort.Search over all but the +Inf bucket: the first bucket whose cumulative count reaches rank.
  let b = 0;
  while (b < buckets - 1 && !(cumulativeCounts[b] >= rank)) b++;

  if (b === buckets - 1) return upperBounds[buckets - 2];
  if (b === 0 && upperBounds[0] <= 0) return upperBounds[0];
  let bucketStart = 0;
  const bucketEnd = upperBounds[b];
  let count = cumulativeCounts[b];
  if (b > 0) {
    bucketStart = upperBounds[b - 1];
    count -= cumulativeCounts[b - 1];
    rank -= cumulativeCounts[b - 1];
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/**
 * Running sums of `length` non-cumulative bucket counts starting at `offset` in `counts`, written
 * into `into` (which is returned).
 */
export function cumulate(
  counts: ArrayLike<number>,
  offset: number,
  length: number,
  into: Float64Array = new Float64Array(length),
): Float64Array {
  let running = 0;
  for (let i = 0; i < length; i++) {
    running += counts[offset + i];
    into[i] = running;
  }
  return into;
}
