/** Uniform sources for tests: fixed draws, and a small seeded generator (mulberry32). */
import type { UniformSource } from "../../../src/k8s/client-go/index.js";

/** Returns the given draws in turn, then repeats the last one. */
export function draws(...values: number[]): UniformSource {
  let index = 0;
  return {
    next(): number {
      const value = values[Math.min(index, values.length - 1)];
      index++;
      return value;
    },
  };
}

export function seeded(seed: number): UniformSource {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/**
 * A draw near the top of [0, 1). Not the largest double below 1: 1 + that rounds to 2, in Go
 * as here, so upstream's "< 2d" bounds hold only up to rounding.
 */
export const ALMOST_ONE = 0.999999;
