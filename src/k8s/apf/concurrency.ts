/**
 * How an apiserver divides its concurrency limit among priority levels. Port of
 * finishQueueSetReconfigsLocked, plSpecCommons and the mandatory-level supply in
 * k8s.io/apiserver/pkg/util/flowcontrol/apf_controller.go, and of the limit's definition in
 * pkg/server/options/feature.go.
 */
import { mandatoryPriorityLevelCatchAll, mandatoryPriorityLevelExempt } from "./bootstrap.js";
import {
  PRIORITY_LEVEL_NAME_CATCH_ALL,
  PRIORITY_LEVEL_NAME_EXEMPT,
  type PriorityLevelConfiguration,
} from "./types.js";

/** --max-requests-inflight default (pkg/server/config.go). */
export const DEFAULT_MAX_REQUESTS_INFLIGHT = 400;
/** --max-mutating-requests-inflight default (pkg/server/config.go). */
export const DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT = 200;

/** v1 defaulting of an unset nominalConcurrencyShares on a Limited level. */
export const DEFAULT_LIMITED_NOMINAL_CONCURRENCY_SHARES = 30;

/**
 * The per-level cap on one request's seats is 15% of the level's nominal limit, which keeps the
 * historic cap of 10 at the default 600 seats.
 */
export const PRIORITY_LEVEL_MAX_SEATS_PERCENT = 0.15;

/**
 * Seats of one apiserver with APF on: the sum of the two inflight flags (each ≥ 0, sum > 0).
 */
export function serverConcurrencyLimit(
  maxRequestsInflight: number = DEFAULT_MAX_REQUESTS_INFLIGHT,
  maxMutatingRequestsInflight: number = DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT,
): number {
  if (maxRequestsInflight < 0 || maxMutatingRequestsInflight < 0) {
    throw new RangeError(
      "--max-requests-inflight and --max-mutating-requests-inflight must be ≥ 0",
    );
  }
  const limit = maxRequestsInflight + maxMutatingRequestsInflight;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new RangeError(
      `MaxRequestsInFlight=${maxRequestsInflight} and MaxMutatingRequestsInFlight=${maxMutatingRequestsInflight}; they must add up to a positive integer`,
    );
  }
  return limit;
}

/** Shares and percentages of a level after v1 defaulting (plSpecCommons). */
export interface PriorityLevelShares {
  nominalConcurrencyShares: number;
  lendablePercent: number;
  /** undefined: the level may borrow up to the whole server limit. */
  borrowingLimitPercent: number | undefined;
}

export function priorityLevelShares(level: PriorityLevelConfiguration): PriorityLevelShares {
  const { limited, exempt } = level.spec;
  if (limited !== undefined) {
    return {
      nominalConcurrencyShares:
        limited.nominalConcurrencyShares ?? DEFAULT_LIMITED_NOMINAL_CONCURRENCY_SHARES,
      lendablePercent: limited.lendablePercent ?? 0,
      borrowingLimitPercent: limited.borrowingLimitPercent,
    };
  }
  return {
    nominalConcurrencyShares: exempt?.nominalConcurrencyShares ?? 0,
    lendablePercent: exempt?.lendablePercent ?? 0,
    borrowingLimitPercent: undefined,
  };
}

/** ceil(serverLimit · shares / shareSum); the results may add up to slightly more than the limit. */
export function nominalConcurrencyLimit(
  serverLimit: number,
  nominalConcurrencyShares: number,
  shareSum: number,
): number {
  if (!(shareSum > 0)) throw new RangeError(`sum of nominalConcurrencyShares is ${shareSum}`);
  return Math.ceil((serverLimit * nominalConcurrencyShares) / shareSum);
}

/** round(nominalCL · percent / 100), halves away from zero like Go's math.Round. */
export function percentOfLimit(nominalCL: number, percent: number): number {
  return roundHalfAwayFromZero((nominalCL * percent) / 100);
}

/**
 * The most seats one request of a queuing level may take:
 * max(1, min(ceil(0.15 · nominalCL), floor(nominalCL / handSize))).
 */
export function maxSeatsForLevel(nominalCL: number, handSize: number): number {
  return Math.max(
    1,
    Math.min(
      Math.ceil(nominalCL * PRIORITY_LEVEL_MAX_SEATS_PERCENT),
      Math.trunc(nominalCL / handSize),
    ),
  );
}

export interface PriorityLevelConcurrency {
  name: string;
  nominalConcurrencyShares: number;
  /** NominalCL: seats the level owns. */
  nominalCL: number;
  /** Seats other levels may borrow from it. */
  lendableCL: number;
  /** Seats it may borrow from others. */
  borrowingCL: number;
  /** nominalCL − lendableCL: what it keeps however much it lends. */
  minCL: number;
  /** nominalCL + borrowingCL. */
  maxCL: number;
  /** currentCL when the level's queues are first created: nominalCL − floor(lendableCL / 2). */
  initialCL: number;
  /**
   * The cap the work estimator applies to one request of this level; 0 for levels without
   * queuing (exempt, catch-all), which the estimator reads as "use the global cap".
   */
  maxSeats: number;
}

/**
 * The concurrency split of a whole configuration. Like the apiserver, supplies the mandatory
 * exempt and catch-all levels when absent (their shares count toward the sum).
 */
export function computeConcurrencyLimits(
  priorityLevels: readonly PriorityLevelConfiguration[],
  serverLimit: number = serverConcurrencyLimit(),
): Map<string, PriorityLevelConcurrency> {
  const levels = withMandatoryLevels(priorityLevels);
  const shareSum = levels.reduce(
    (sum, level) => sum + priorityLevelShares(level).nominalConcurrencyShares,
    0,
  );
  const result = new Map<string, PriorityLevelConcurrency>();
  for (const level of levels) {
    const shares = priorityLevelShares(level);
    const nominalCL = nominalConcurrencyLimit(
      serverLimit,
      shares.nominalConcurrencyShares,
      shareSum,
    );
    const lendableCL = percentOfLimit(nominalCL, shares.lendablePercent);
    const borrowingCL =
      shares.borrowingLimitPercent === undefined
        ? serverLimit
        : percentOfLimit(nominalCL, shares.borrowingLimitPercent);
    const queuing = level.spec.limited?.limitResponse.queuing;
    result.set(level.metadata.name, {
      name: level.metadata.name,
      nominalConcurrencyShares: shares.nominalConcurrencyShares,
      nominalCL,
      lendableCL,
      borrowingCL,
      minCL: nominalCL - lendableCL,
      maxCL: nominalCL + borrowingCL,
      initialCL: nominalCL - Math.trunc(lendableCL / 2),
      maxSeats: queuing === undefined ? 0 : maxSeatsForLevel(nominalCL, queuing.handSize),
    });
  }
  return result;
}

/** The levels the apiserver actually runs: the given ones plus any missing mandatory one. */
export function withMandatoryLevels(
  priorityLevels: readonly PriorityLevelConfiguration[],
): PriorityLevelConfiguration[] {
  const names = new Set<string>();
  for (const level of priorityLevels) {
    if (names.has(level.metadata.name)) {
      throw new Error(`two PriorityLevelConfiguration objects are named "${level.metadata.name}"`);
    }
    names.add(level.metadata.name);
  }
  const levels = [...priorityLevels];
  if (!names.has(PRIORITY_LEVEL_NAME_EXEMPT)) levels.push(mandatoryPriorityLevelExempt());
  if (!names.has(PRIORITY_LEVEL_NAME_CATCH_ALL)) levels.push(mandatoryPriorityLevelCatchAll());
  return levels;
}

function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}
