/**
 * Borrowing: every 10 s each priority level's current concurrency limit (currentCL) is
 * recomputed from its smoothed seat demand, between minCL (nominal − lendable) and maxCL
 * (nominal + borrowing limit), so that the non-exempt levels together keep the sum of the
 * nominal limits. Port of updateBorrowingLocked in
 * k8s.io/apiserver/pkg/util/flowcontrol/apf_controller.go.
 *
 * The exempt level changed in 1.31: before, it was one more class of the fair allocation (its
 * minCL is 0, so it could be squeezed to nothing); from 1.31 it first takes
 * max(minCL, its demand high watermark) off the top, and the other levels share what remains.
 * Upstream then still hands the non-exempt levels the full nominal sum when they all fit, which
 * is ported as is.
 */
import { isAtLeast, type KubernetesVersion } from "../../version.js";
import type { PriorityLevelConcurrency } from "../concurrency.js";
import { computeConcurrencyAllocation, type AllocationItem } from "./concurrency-allocation.js";
import type { SeatDemandIntegrator, SeatDemandStats } from "./seat-demand.js";

/** One level as the pure allocation sees it. */
export interface LevelLimits {
  /** Upstream ties the Exempt type to the name "exempt". */
  isExempt: boolean;
  nominalCL: number;
  minCL: number;
  maxCL: number;
  /** The limit in force until now; kept if the allocation cannot be solved. */
  currentCL: number;
  /** Demand stats including the period just ended. */
  stats: Readonly<SeatDemandStats>;
}

export interface AllocationOptions {
  version: KubernetesVersion;
  /** Σ nominalCL over all levels; may exceed the server limit by the rounding up. */
  nominalCLSum: number;
}

/** Each level's new currentCL, in the order given. Pure. */
export function computeCurrentLimits(
  levels: readonly LevelLimits[],
  options: AllocationOptions,
): number[] {
  const exemptSeparately = isAtLeast(options.version, "1.31");
  const result = levels.map((level) => level.currentCL);
  const items: AllocationItem[] = [];
  const itemLevels: number[] = [];
  let remainingServerCL = options.nominalCLSum;
  let minCLSum = 0;
  let minCurrentCLSum = 0;
  levels.forEach((level, index) => {
    if (exemptSeparately && level.isExempt) {
      result[index] = Math.max(level.minCL, level.stats.highWatermark);
      remainingServerCL -= result[index];
      return;
    }
    const minCurrentCL = minimumCurrentCL(level);
    items.push({
      lowerBound: minCurrentCL,
      upperBound: level.maxCL,
      target: Math.max(minCurrentCL, level.stats.smoothed),
    });
    itemLevels.push(index);
    minCLSum += level.minCL;
    minCurrentCLSum += minCurrentCL;
  });
  if (items.length === 0 && options.nominalCLSum > 0) {
    // Upstream logs an impossibility and changes nothing.
    return levels.map((level) => level.currentCL);
  }

  if (exemptSeparately && remainingServerCL <= minCLSum) {
    // The exempt level took so much that everyone else is cut to what they never lend.
    for (const index of itemLevels) result[index] = levels[index].minCL;
  } else if (exemptSeparately && remainingServerCL <= minCurrentCLSum) {
    // Between minCL and what demand asked for, everyone gets the same fraction of the gap.
    const shareFraction = (remainingServerCL - minCLSum) / (minCurrentCLSum - minCLSum);
    for (const index of itemLevels) {
      const level = levels[index];
      const gap = minimumCurrentCL(level) - level.minCL;
      result[index] = level.minCL + Math.round(gap * shareFraction);
    }
  } else {
    const solved = computeConcurrencyAllocation(options.nominalCLSum, items);
    // On failure upstream keeps every level's previous limit.
    if (solved.ok) {
      itemLevels.forEach((index, item) => {
        result[index] = Math.round(solved.allocations[item]);
      });
    }
  }
  return result;
}

/**
 * A level keeps at least what it used at its peak, up to its nominal limit, and never less than
 * minCL.
 */
function minimumCurrentCL(level: LevelLimits): number {
  return Math.max(level.minCL, Math.min(level.nominalCL, level.stats.highWatermark));
}

/** One level as the simulator holds it. */
export interface BorrowingLevel {
  concurrency: PriorityLevelConcurrency;
  exempt: boolean;
  /** Fed by the level's QueueSet (option `seatDemand`). */
  demand: SeatDemandIntegrator;
  /** The limit in force until now; defaults to concurrency.initialCL. */
  currentCL?: number;
}

export interface BorrowingOptions {
  version: KubernetesVersion;
  /** Defaults to Σ concurrency.nominalCL over `levels`, as upstream. */
  nominalCLSum?: number;
}

/**
 * The periodic adjustment: ends every level's demand period at `now` (resetting its integrator
 * and updating its smoothed stats) and returns the new currentCL of each level, in the order
 * given. Run it every BORROWING_ADJUSTMENT_PERIOD_SECONDS, and once at start-up to match upstream,
 * which recomputes as soon as it digests the configuration (replacing the initial
 * nominal − lendable/2).
 */
export function allocateConcurrency(
  now: number,
  levels: readonly BorrowingLevel[],
  options: BorrowingOptions,
): number[] {
  const nominalCLSum =
    options.nominalCLSum ?? levels.reduce((sum, level) => sum + level.concurrency.nominalCL, 0);
  const inputs = levels.map((level): LevelLimits => ({
    isExempt: level.exempt,
    nominalCL: level.concurrency.nominalCL,
    minCL: level.concurrency.minCL,
    maxCL: level.concurrency.maxCL,
    currentCL: level.currentCL ?? level.concurrency.initialCL,
    stats: level.demand.endPeriod(now, options.version),
  }));
  return computeCurrentLimits(inputs, { version: options.version, nominalCLSum });
}
