/**
 * Seeded random streams. Every component draws from its own stream, derived from
 * (run seed, stream name), so adding a component never perturbs the draws of another.
 */
import { createHash } from "node:crypto";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";

/** Largest seed accepted: seeds are integers that survive a round trip through JSON. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export function isValidSeed(seed: number): boolean {
  return Number.isSafeInteger(seed) && seed >= 0;
}

export class RandomStream {
  private readonly generator: RandomGenerator;
  private spareNormal = NaN;

  constructor(
    readonly seed: number,
    readonly name: string,
  ) {
    if (!isValidSeed(seed)) {
      throw new RangeError(`seed must be an integer from 0 to ${MAX_SEED}, got ${seed}`);
    }
    const digest = createHash("sha256").update(`kubestorm-stream\0${seed}\0${name}`).digest();
    const state = [
      digest.readInt32LE(0),
      digest.readInt32LE(4),
      digest.readInt32LE(8),
      digest.readInt32LE(12),
    ];
    // xoroshiro128+ must not start from the all-zero state; sha256 makes that a 2^-128 event.
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    this.generator = xoroshiro128plusFromState(state);
  }

  /** Uniform in [0, 1), 53 bits of randomness. */
  next(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [low, high], both included. */
  integer(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential with the given mean (1 / rate). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Normal (Gaussian), by the Box-Muller transform; the second value is kept for the next call. */
  normal(mean: number, standardDeviation: number): number {
    let z = this.spareNormal;
    if (Number.isNaN(z)) {
      const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
      const angle = 2 * Math.PI * this.next();
      z = radius * Math.cos(angle);
      this.spareNormal = radius * Math.sin(angle);
    } else {
      this.spareNormal = NaN;
    }
    return mean + standardDeviation * z;
  }

  /** Log-normal: exp(N(mu, sigma)); its median is exp(mu). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /**
   * client-go's wait.Jitter: duration + uniform[0, maxFactor) * duration; a maxFactor <= 0
   * means 1, as upstream.
   */
  jitter(duration: number, maxFactor: number): number {
    const factor = maxFactor > 0 ? maxFactor : 1;
    return duration + this.next() * factor * duration;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty array");
    return items[Math.floor(this.next() * items.length)];
  }
}
