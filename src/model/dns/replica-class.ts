/**
 * A class of CoreDNS replicas in exactly the same state. Replicas in the same state that get the
 * same inputs (kube-proxy spreads the questions evenly over the replicas in the Service) stay
 * in the same state, so the model computes each class once, weighted by its size, instead of
 * each replica: a 469-replica Deployment is usually one or two classes. A class splits when its
 * replicas' informers disagree (one synced, another not) or one replica is killed on its own;
 * classes whose states have become the same again (to within tolerances far below what the
 * outputs resolve) merge.
 */
import { FluidCache } from "./fluid-cache.js";
import { newOutcome, type QueryOutcome } from "./outcome.js";

const NEVER = Number.NaN;

/** The informer signature of a replica this tick: not synced, synced but stale, watching. */
export const NOT_SYNCED = 0;
export const STALE = 1;
export const WATCHING = 2;

export class ReplicaClass {
  /** Replicas in the class. */
  members = 0;
  /** The process runs. */
  up = true;
  synced = false;
  watching = false;
  /** Listed in the kube-dns Service's endpoints. */
  inService = true;
  restartAt = NEVER;
  startedAt: number;
  /** Consecutive restarts counted by the CrashLoopBackOff. */
  backoffStep = 0;
  /** Time as of which the store is current. */
  storeAsOf: number;
  dropFraction = 0;
  saturatedSince = NEVER;
  /** Questions per second sent to each replica of the class (dropped ones included). */
  offered = 0;
  /** Smoothed load estimate of each replica (questions per second). */
  load = 0;
  /** Queries waiting beyond capacity, per replica. */
  backlog = 0;
  memoryBytes = 0;
  /** Each replica's `cache` plugin: one fluid cache per name key. */
  readonly caches: FluidCache[];
  /** Scratch: this tick's outcome of one question per name key. */
  readonly outcomes: QueryOutcome[];

  // Scratch of the per-tick update.
  /** The process starts this tick. */
  startingNow = false;
  /** The informer signature of the class's first replica this tick (-1: none seen yet). */
  signature = -1;
  /** Classes split off this tick for the other signatures (-1: none). */
  readonly splitInto = new Int32Array(3);

  constructor(now: number, caches: FluidCache[]) {
    this.startedAt = now;
    this.storeAsOf = now;
    this.caches = caches;
    this.outcomes = caches.map(() => newOutcome());
  }

  /** A class in the same state, with no members yet. */
  cloneState(): ReplicaClass {
    const copy = new ReplicaClass(
      this.startedAt,
      this.caches.map((c) => c.clone()),
    );
    copy.up = this.up;
    copy.synced = this.synced;
    copy.watching = this.watching;
    copy.inService = this.inService;
    copy.restartAt = this.restartAt;
    copy.backoffStep = this.backoffStep;
    copy.storeAsOf = this.storeAsOf;
    copy.dropFraction = this.dropFraction;
    copy.saturatedSince = this.saturatedSince;
    copy.offered = this.offered;
    copy.load = this.load;
    copy.backlog = this.backlog;
    copy.memoryBytes = this.memoryBytes;
    copy.startingNow = this.startingNow;
    return copy;
  }

  /**
   * True when the two classes will behave alike under identical inputs from `now` on: their
   * states agree to within `fractionTolerance` (fractions, and loads relative to their size)
   * and `timeTolerance` (data ages, s); what cannot matter any more is ignored (the store's
   * age while not synced, the start time once the CrashLoopBackOff has been reset by running
   * long enough). With zero tolerances: identically.
   */
  closeTo(
    other: ReplicaClass,
    now: number,
    backoffResetAfter: number,
    fractionTolerance: number,
    timeTolerance: number,
  ): boolean {
    const eps = fractionTolerance;
    if (
      this.up !== other.up ||
      this.synced !== other.synced ||
      this.watching !== other.watching ||
      this.inService !== other.inService ||
      !same(this.restartAt, other.restartAt) ||
      !same(this.saturatedSince, other.saturatedSince) ||
      !near(this.load, other.load, eps) ||
      !near(this.backlog, other.backlog, eps) ||
      !near(this.memoryBytes, other.memoryBytes, eps) ||
      !(Math.abs(this.dropFraction - other.dropFraction) <= eps)
    ) {
      return false;
    }
    if (this.synced && !(Math.abs(this.storeAsOf - other.storeAsOf) <= timeTolerance)) {
      return false;
    }
    if (this.up) {
      const resetA = now - this.startedAt >= backoffResetAfter;
      const resetB = now - other.startedAt >= backoffResetAfter;
      if (resetA !== resetB) return false;
      if (
        !resetA &&
        (this.startedAt !== other.startedAt || this.backoffStep !== other.backoffStep)
      ) {
        return false;
      }
    } else if (this.backoffStep !== other.backoffStep) {
      return false;
    }
    // Totals first: classes that differ usually differ there, and the bins cost more.
    const caches = this.caches;
    for (let k = 0; k < caches.length; k++) {
      if (!caches[k]!.summaryCloseTo(other.caches[k]!, eps, timeTolerance)) return false;
    }
    for (let k = 0; k < caches.length; k++) {
      if (!caches[k]!.binsCloseTo(other.caches[k]!, eps)) return false;
    }
    return true;
  }
}

/** Within `tolerance` relative to the larger magnitude (absolute below one). */
function near(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Equality that holds for two NaNs (NEVER). */
function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
