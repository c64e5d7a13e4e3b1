/**
 * The node lifecycle controller's per-zone NoExecute tainters: a first-in first-out queue of
 * nodes waiting for a taint, drained through a token bucket whose rate depends on the zone's
 * state (pkg/controller/nodelifecycle/scheduler RateLimitedTimedQueue). Queued entries are plain
 * numbers in arrays; a node is queued at most once at a time.
 */
import { clientGo } from "../../k8s/index.js";

/** scheduler.EvictionRateLimiterBurst: every zone limiter holds at most one token. */
export const EVICTION_RATE_LIMITER_BURST = 1;

// Token arithmetic on tick multiples lands a hair below 1 (0.1 × 10 = 0.9999…).
const TOKEN_EPSILON = 1e-9;

/**
 * flowcontrol.NewTokenBucketRateLimiter(qps, 1) as the zone tainter uses it: TryAccept only, a
 * rate of 0 is the never-accepting limiter, and swapping rates drains the new bucket when the
 * old one had no token (RateLimitedTimedQueue.SwapLimiter).
 */
export class EvictionRateLimiter {
  private tokens = EVICTION_RATE_LIMITER_BURST;
  private last: number;

  constructor(
    private rate: number,
    now: number,
  ) {
    this.last = now;
  }

  get qps(): number {
    return this.rate;
  }

  tryAccept(now: number): boolean {
    if (!(this.rate > 0)) return false;
    this.refill(now);
    if (this.tokens < 1 - TOKEN_EPSILON) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** When tryAccept would next succeed (s); Infinity for a rate of 0. */
  nextTokenAt(now: number): number {
    if (!(this.rate > 0)) return Number.POSITIVE_INFINITY;
    this.refill(now);
    return this.tokens >= 1 - TOKEN_EPSILON ? now : now + (1 - this.tokens) / this.rate;
  }

  swap(rate: number, now: number): void {
    if (rate === this.rate) return;
    const oldWasWaiting = !this.tryAccept(now);
    this.rate = rate;
    this.tokens = EVICTION_RATE_LIMITER_BURST;
    this.last = now;
    if (rate > 0 && oldWasWaiting) this.tryAccept(now);
  }

  private refill(now: number): void {
    this.tokens = clientGo.tokensAt(
      this.tokens,
      this.last,
      now,
      this.rate,
      EVICTION_RATE_LIMITER_BURST,
    );
    if (now > this.last) this.last = now;
  }
}

/** One FIFO per zone over node indices; `sequenceOf[node]` is 0 when the node is not queued. */
export class ZoneTaintQueues {
  private sequenceOf = new Int32Array(16);
  private nextSequence = 1;
  private readonly nodes: number[][];
  private readonly sequences: number[][];
  private readonly heads: number[];
  private readonly queued: Int32Array;

  constructor(zoneCount: number) {
    this.nodes = Array.from({ length: zoneCount }, () => []);
    this.sequences = Array.from({ length: zoneCount }, () => []);
    this.heads = new Array<number>(zoneCount).fill(0);
    this.queued = new Int32Array(zoneCount);
  }

  isQueued(node: number): boolean {
    return node < this.sequenceOf.length && this.sequenceOf[node] !== 0;
  }

  /** Nodes waiting in a zone's queue. */
  length(zone: number): number {
    return this.queued[zone] ?? 0;
  }

  /** Queues the node unless it already is (UniqueQueue.Add). */
  add(zone: number, node: number): boolean {
    if (this.isQueued(node)) return false;
    if (node >= this.sequenceOf.length) {
      const grown = new Int32Array(Math.max(node + 1, this.sequenceOf.length * 2));
      grown.set(this.sequenceOf);
      this.sequenceOf = grown;
    }
    const sequence = this.nextSequence++;
    this.sequenceOf[node] = sequence;
    this.nodes[zone].push(node);
    this.sequences[zone].push(sequence);
    this.queued[zone]++;
    return true;
  }

  /** Drops the node from its zone's queue; the stale entry is skipped when it reaches the head. */
  remove(zone: number, node: number): boolean {
    if (!this.isQueued(node)) return false;
    this.sequenceOf[node] = 0;
    this.queued[zone]--;
    return true;
  }

  /** The oldest queued node of the zone, or -1. */
  head(zone: number): number {
    const nodes = this.nodes[zone];
    const sequences = this.sequences[zone];
    let at = this.heads[zone];
    while (at < nodes.length && this.sequenceOf[nodes[at]] !== sequences[at]) at++;
    this.heads[zone] = at;
    this.compact(zone);
    const head = this.heads[zone];
    return head < nodes.length ? nodes[head] : -1;
  }

  /** Removes the head returned by `head(zone)`. */
  pop(zone: number): void {
    const node = this.head(zone);
    if (node >= 0) this.remove(zone, node);
  }

  private compact(zone: number): void {
    const at = this.heads[zone];
    const nodes = this.nodes[zone];
    // Amortised O(1): drop the consumed prefix once it is most of the array.
    if (at > 64 && at * 2 > nodes.length) {
      nodes.splice(0, at);
      this.sequences[zone].splice(0, at);
      this.heads[zone] = 0;
    }
  }
}
