/**
 * Dividing a fixed number of seats among classes in proportion to their targets, within each
 * class's bounds. Port of computeConcurrencyAllocation in
 * k8s.io/apiserver/pkg/util/flowcontrol/conc_alloc.go (identical in v0.29.0–v0.34.0).
 */

export interface AllocationItem {
  target: number;
  lowerBound: number;
  upperBound: number;
}

export type AllocationResult =
  { ok: true; allocations: number[]; fairProportion: number } | { ok: false; reason: string };

/** Targets below this count as this, so no class divides by zero. */
export const MIN_ALLOCATION_TARGET = 0.001;
const EPSILON = 0.0000001;

/**
 * The unique allocations that sum to `requiredSum` where each class gets
 * fairProportion × target clamped to its bounds. Requires target ≥ lowerBound ≥ 0 and
 * upperBound ≥ lowerBound for every class, and bounds that can meet the sum.
 */
export function computeConcurrencyAllocation(
  requiredSum: number,
  classes: readonly AllocationItem[],
): AllocationResult {
  if (requiredSum < 0) return { ok: false, reason: "negative sums are not supported" };
  let lowSum = 0;
  let highSum = 0;
  let targetSum = 0;
  // Bounds relative to each (floored) target, the quantity fairProportion is compared with.
  const targets: number[] = [];
  const relativeLower: number[] = [];
  const relativeUpper: number[] = [];
  // Upstream seeds the minima with MaxFloat32 and the maxima with 0.
  let lowerMin = 3.4028234663852886e38;
  let lowerMax = 0;
  let upperMin = 3.4028234663852886e38;
  let upperMax = 0;
  for (const [index, item] of classes.entries()) {
    if (item.lowerBound < 0) {
      return { ok: false, reason: `lower bound ${index} is ${item.lowerBound}, negative` };
    }
    if (item.target < item.lowerBound) {
      return { ok: false, reason: `target ${index} is ${item.target}, below its lower bound` };
    }
    if (item.upperBound < item.lowerBound) {
      return { ok: false, reason: `upper bound ${index} is below its lower bound` };
    }
    const target = Math.max(item.target, MIN_ALLOCATION_TARGET);
    lowSum += item.lowerBound;
    highSum += item.upperBound;
    targetSum += target;
    targets.push(target);
    relativeLower.push(item.lowerBound / target);
    relativeUpper.push(item.upperBound / target);
    lowerMin = Math.min(lowerMin, item.lowerBound / target);
    lowerMax = Math.max(lowerMax, item.lowerBound / target);
    upperMin = Math.min(upperMin, item.upperBound / target);
    upperMax = Math.max(upperMax, item.upperBound / target);
  }
  if (lowerMax > 1) return { ok: false, reason: "a lower bound exceeds its target" };
  if (lowSum - requiredSum > EPSILON) {
    return { ok: false, reason: `lower bounds sum to ${lowSum}, above ${requiredSum}` };
  }
  if (requiredSum - highSum > EPSILON) {
    return { ok: false, reason: `upper bounds sum to ${highSum}, below ${requiredSum}` };
  }
  if (requiredSum === 0) {
    return { ok: true, allocations: classes.map(() => 0), fairProportion: 0 };
  }
  if (lowSum - requiredSum > -EPSILON) {
    // No room: every class sits at its lower bound.
    return { ok: true, allocations: classes.map((c) => c.lowerBound), fairProportion: lowerMin };
  }
  if (requiredSum - highSum > -EPSILON) {
    return { ok: true, allocations: classes.map((c) => c.upperBound), fairProportion: upperMax };
  }
  let fairProportion = requiredSum / targetSum;
  if (lowerMax <= fairProportion && fairProportion <= upperMin) {
    // No bound matters.
    return { ok: true, allocations: targets.map((t) => t * fairProportion), fairProportion };
  }

  // Some bounds matter: raise fairProportion from the smallest relative bound, bound by bound,
  // tracking the targets of the classes that are currently between their bounds.
  const boundCount = classes.length * 2;
  // Packed: 2·i is class i's lower bound, 2·i + 1 its upper bound.
  const boundValue = (packed: number): number =>
    packed % 2 === 0 ? relativeLower[packed >> 1] : relativeUpper[packed >> 1];
  const ascending = Array.from({ length: boundCount }, (_, packed) => packed).sort(
    (a, b) => boundValue(a) - boundValue(b) || a - b,
  );
  let sumSoFar = lowSum;
  fairProportion = lowerMin;
  let sensitiveTargetSum = 0;
  let deltaSensitiveTargetSum = 0;
  let sensitiveClasses = 0;
  let deltaSensitiveClasses = 0;
  let nextIndex = 0;
  while (sumSoFar < requiredSum) {
    // Consume every bound equal to fairProportion; stop at the first one above it.
    let nextBound: number;
    for (;;) {
      sensitiveTargetSum += deltaSensitiveTargetSum;
      sensitiveClasses += deltaSensitiveClasses;
      if (nextIndex >= boundCount) {
        return { ok: false, reason: "ran out of bounds in a bound-constrained problem" };
      }
      const packed = ascending[nextIndex];
      nextBound = boundValue(packed);
      const target = targets[packed >> 1];
      const isLower = packed % 2 === 0;
      deltaSensitiveClasses = isLower ? 1 : -1;
      deltaSensitiveTargetSum = isLower ? target : -target;
      nextIndex++;
      if (nextBound > fairProportion) break;
    }
    if (sensitiveClasses === 0) {
      fairProportion = nextBound;
      continue;
    }
    const candidate = fairProportion + (requiredSum - sumSoFar) / sensitiveTargetSum;
    if (candidate <= nextBound) {
      fairProportion = candidate;
      break;
    }
    sumSoFar += (nextBound - fairProportion) * sensitiveTargetSum;
    fairProportion = nextBound;
  }
  const allocations = classes.map((item, index) =>
    Math.max(item.lowerBound, Math.min(item.upperBound, fairProportion * targets[index])),
  );
  return { ok: true, allocations, fairProportion };
}
