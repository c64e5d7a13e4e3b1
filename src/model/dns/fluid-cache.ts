/**
 * One cached name in a population of identical caches (every node's NodeLocal DNSCache, every
 * pod's application cache), or in a single cache seen as the expectation over its unknown
 * phase. The state is the fraction of caches per expiry time, in bins one tick wide:
 *
 * - valid: the entry expires in the future; a query is a hit;
 * - stale: expired less than `staleWindow` ago (kept only with serve_stale);
 * - empty: the rest; a query misses.
 *
 * While upstream answers, every expiring entry is refreshed at once, so expiry times are
 * spread uniformly over one TTL. When upstream stops answering at T0 the bins simply drain:
 * the fraction still valid at t is max(0, 1 - (t - T0) / TTL). Stale entries are kept in
 * their own ring of expiry bins; refreshing a fraction of the non-valid caches removes the
 * same fraction from every stale bin, done lazily with one common scale factor.
 */
export class FluidCache {
  private readonly validBins: Float64Array;
  private validHead = 0;
  private validSum = 0;

  private readonly staleBins: Float64Array;
  // Bin i holds real mass staleBins[i] * staleScale when staleEpochs[i] === epoch.
  private readonly staleEpochs: Uint32Array;
  private staleHead = 0;
  private staleRawSum = 0;
  private staleScale = 1;
  private epoch = 1;

  /** Mean time as of which the held answers (valid and stale) were current upstream. */
  private meanDataAsOf = 0;

  /**
   * @param ttlTicks entries live this many ticks after a refresh (≥ 1)
   * @param staleTicks expired entries stay servable this many ticks (0 without serve_stale)
   */
  constructor(
    readonly ttlTicks: number,
    readonly staleTicks: number,
  ) {
    if (!(ttlTicks >= 1) || !Number.isInteger(ttlTicks)) {
      throw new RangeError(`ttlTicks must be an integer ≥ 1, got ${ttlTicks}`);
    }
    if (!(staleTicks >= 0) || !Number.isInteger(staleTicks)) {
      throw new RangeError(`staleTicks must be an integer ≥ 0, got ${staleTicks}`);
    }
    this.validBins = new Float64Array(ttlTicks);
    this.staleBins = new Float64Array(staleTicks);
    this.staleEpochs = new Uint32Array(staleTicks);
  }

  /** Fraction of caches whose entry has not expired. */
  get valid(): number {
    return clamp01(this.validSum);
  }

  /** Fraction of caches holding an expired entry they may still serve (serve_stale). */
  get stale(): number {
    return clamp01(Math.min(1 - this.valid, this.staleRawSum * this.staleScale));
  }

  /** Fraction of caches holding nothing usable. */
  get empty(): number {
    return clamp01(1 - this.valid - this.stale);
  }

  /** Mean time as of which the held answers were current at their source. */
  get dataAsOf(): number {
    return this.meanDataAsOf;
  }

  /** Fraction of caches whose entry expires at the next `advance`. */
  get expiringNext(): number {
    return this.validBins[this.validHead]!;
  }

  /** An independent cache in the same state (a replica class splitting in two). */
  clone(): FluidCache {
    const copy = new FluidCache(this.ttlTicks, this.staleTicks);
    copy.validBins.set(this.validBins);
    copy.validHead = this.validHead;
    copy.validSum = this.validSum;
    copy.staleBins.set(this.staleBins);
    copy.staleEpochs.set(this.staleEpochs);
    copy.staleHead = this.staleHead;
    copy.staleRawSum = this.staleRawSum;
    copy.staleScale = this.staleScale;
    copy.epoch = this.epoch;
    copy.meanDataAsOf = this.meanDataAsOf;
    return copy;
  }

  /**
   * True when this cache and `other` hold the same entries to within `fractionTolerance` in
   * every bin, and the same data age to within `timeTolerance` (s) unless neither holds more
   * than `fractionTolerance`. With zero tolerances: they behave identically from now on.
   */
  closeTo(other: FluidCache, fractionTolerance: number, timeTolerance: number): boolean {
    return (
      this.summaryCloseTo(other, fractionTolerance, timeTolerance) &&
      this.binsCloseTo(other, fractionTolerance)
    );
  }

  /** The cheap part of `closeTo`: shape, totals and data age, not bin by bin. */
  summaryCloseTo(other: FluidCache, fractionTolerance: number, timeTolerance: number): boolean {
    const eps = fractionTolerance;
    if (
      this.ttlTicks !== other.ttlTicks ||
      this.staleTicks !== other.staleTicks ||
      this.validHead !== other.validHead ||
      this.staleHead !== other.staleHead ||
      !(Math.abs(this.validSum - other.validSum) <= eps)
    ) {
      return false;
    }
    const held = Math.max(this.valid + this.stale, other.valid + other.stale);
    if (held > eps && !(Math.abs(this.meanDataAsOf - other.meanDataAsOf) <= timeTolerance)) {
      return false;
    }
    return true;
  }

  /** The bin by bin part of `closeTo`, once its cheap checks have passed. */
  binsCloseTo(other: FluidCache, fractionTolerance: number): boolean {
    const eps = fractionTolerance;
    for (let i = 0; i < this.ttlTicks; i++) {
      if (!(Math.abs(this.validBins[i]! - other.validBins[i]!) <= eps)) return false;
    }
    for (let i = 0; i < this.staleTicks; i++) {
      if (!(Math.abs(this.staleMass(i) - other.staleMass(i)) <= eps)) return false;
    }
    return true;
  }

  private staleMass(bin: number): number {
    return this.staleEpochs[bin] === this.epoch ? this.staleBins[bin]! * this.staleScale : 0;
  }

  /**
   * Fill every cache with an entry of uniformly distributed age, as continuous refreshing
   * leaves them: the state of a cache that has been warm for longer than one TTL.
   */
  warm(dataAsOf: number): void {
    this.clear();
    this.validBins.fill(1 / this.ttlTicks);
    this.validSum = 1;
    this.meanDataAsOf = dataAsOf;
  }

  /** Every cache loses its entry (process restart). */
  clear(): void {
    this.validBins.fill(0);
    this.validSum = 0;
    this.clearStale();
  }

  /** One tick passes: the entries of the front bin expire (into the stale ring if kept). */
  advance(): void {
    const expiring = this.validBins[this.validHead]!;
    this.validBins[this.validHead] = 0;
    this.validHead = this.validHead + 1 === this.ttlTicks ? 0 : this.validHead + 1;
    this.validSum -= expiring;
    if (this.validSum < 1e-12) this.validSum = Math.max(0, this.validSum);
    if (this.staleTicks === 0) return;
    // The slot at staleHead holds the oldest stale bin: it leaves the window and is reused
    // for the entries expiring now.
    const slot = this.staleHead;
    if (this.staleEpochs[slot] === this.epoch) this.staleRawSum -= this.staleBins[slot]!;
    this.staleBins[slot] = expiring / this.staleScale;
    this.staleEpochs[slot] = this.epoch;
    this.staleRawSum += this.staleBins[slot]!;
    if (this.staleRawSum < 0) this.staleRawSum = 0;
    this.staleHead = (slot + 1) % this.staleTicks;
  }

  /**
   * Prefetch: a fraction of the entries about to expire is refreshed before they do (a
   * full TTL from now, as they are refreshed at the end of the current tick).
   */
  prefetch(fraction: number, dataAsOf: number): void {
    const moved = this.validBins[this.validHead]! * clamp01(fraction);
    if (moved <= 0) return;
    this.validBins[this.validHead] = this.validBins[this.validHead]! - moved;
    // The bin behind the head is the last to expire: a full TTL after the next advance.
    const tail = (this.validHead + this.ttlTicks - 1) % this.ttlTicks;
    this.validBins[tail] = this.validBins[tail]! + moved;
    this.mixDataAsOf(moved, dataAsOf);
  }

  /**
   * A fraction of the caches that hold no valid entry (stale or empty) got a fresh answer this
   * tick: they now expire a full TTL after the next `advance`.
   */
  refresh(fractionOfNonValid: number, dataAsOf: number): void {
    const f = clamp01(fractionOfNonValid);
    if (f <= 0) return;
    const refreshed = (1 - this.valid) * f;
    if (refreshed <= 0) return;
    const tail = (this.validHead + this.ttlTicks - 1) % this.ttlTicks;
    this.validBins[tail] = this.validBins[tail]! + refreshed;
    this.validSum += refreshed;
    this.mixDataAsOf(refreshed, dataAsOf);
    if (this.staleTicks === 0) return;
    if (f >= 1) {
      this.clearStale();
      return;
    }
    this.staleScale *= 1 - f;
    if (this.staleScale < 1e-9) this.renormaliseStale();
  }

  private mixDataAsOf(added: number, dataAsOf: number): void {
    const held = this.valid + this.stale;
    const before = Math.max(0, held - added);
    this.meanDataAsOf =
      held > 0 ? (this.meanDataAsOf * before + dataAsOf * added) / held : dataAsOf;
  }

  private clearStale(): void {
    if (this.staleTicks === 0) return;
    // Bumping the epoch empties every bin at once.
    this.epoch += 1;
    this.staleRawSum = 0;
    this.staleScale = 1;
  }

  private renormaliseStale(): void {
    let sum = 0;
    for (let i = 0; i < this.staleTicks; i++) {
      if (this.staleEpochs[i] !== this.epoch) continue;
      this.staleBins[i] = this.staleBins[i]! * this.staleScale;
      sum += this.staleBins[i]!;
    }
    this.staleRawSum = sum;
    this.staleScale = 1;
  }
}

function clamp01(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

/**
 * A cache without a valid entry that receives `queries` lookups this tick (real-valued), each
 * missing and going upstream until one succeeds with probability `success`: the expected
 * fraction of such caches refreshed, and the expected upstream queries per cache.
 * With fewer than one query per tick, only that fraction of caches asks at all.
 */
export function missesUntilRefreshed(
  queries: number,
  success: number,
): { refreshed: number; upstreamQueries: number } {
  return {
    refreshed: refreshedFraction(queries, success),
    upstreamQueries: upstreamQueriesPerCache(queries, success),
  };
}

/** `missesUntilRefreshed(queries, success).refreshed`, without allocating. */
export function refreshedFraction(queries: number, success: number): number {
  if (queries <= 0) return 0;
  const p = clamp01(success);
  if (queries <= 1) return queries * p;
  // 1 - (1 - p)^n without cancellation when p is tiny.
  return -Math.expm1(queries * Math.log1p(-p));
}

/** `missesUntilRefreshed(queries, success).upstreamQueries`, without allocating. */
export function upstreamQueriesPerCache(queries: number, success: number): number {
  if (queries <= 0) return 0;
  const p = clamp01(success);
  if (queries <= 1 || !(p > 0)) return queries;
  // E[min(Geometric(p), n)] = (1 - (1 - p)^n) / p
  return Math.min(queries, -Math.expm1(queries * Math.log1p(-p)) / p);
}

/** A TTL (s) clamped by a cache's caps, in whole ticks (at least one). */
export function ttlTicks(recordTtl: number, cap: number, minTtl: number, tick: number): number {
  const ttl = Math.max(minTtl, Math.min(recordTtl, cap));
  return Math.max(1, Math.round(ttl / tick));
}
