import type { RandomStream } from "../../sim/index.js";

// Above this mean the normal approximation is close and avoids a long multiplication loop.
const NORMAL_APPROXIMATION_MEAN = 30;

/** A Poisson-distributed count with the given mean (Knuth's method; normal for large means). */
export function poissonCount(random: RandomStream, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean > NORMAL_APPROXIMATION_MEAN) {
    return Math.max(0, Math.round(random.normal(mean, Math.sqrt(mean))));
  }
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random.next();
  while (product > limit) {
    count++;
    product *= random.next();
  }
  return count;
}
