/**
 * Shuffle sharding: deal a hand of distinct queue indices from a deck, using a flow's 64-bit
 * hash as the only source of entropy. Port of
 * k8s.io/apiserver/pkg/util/shufflesharding/shufflesharding.go.
 */

/** Bits of the hash a Dealer may consume; keeps the last card's bias below 32:33. */
export const MAX_HASH_BITS = 60;

/** Decks above this size are refused as impractical. */
export const MAX_DECK_SIZE = 1 << 26;

const UINT64_MAX = (1n << 64n) - 1n;
const SAFE_INTEGER_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * ceil(log2(deckSize) · handSize): a slightly conservative count of the hash bits a deal
 * consumes. Meaningful for 1 ≤ handSize ≤ deckSize ≤ 2^26.
 *
 * Upstream computes this in float64 as here. Over that domain h·log2(d) never comes within 1e-8
 * of an integer unless d is a power of two, where Math.log2 is exact, so the ceiling cannot
 * differ from Go's by a rounding ulp.
 */
export function requiredEntropyBits(deckSize: number, handSize: number): number {
  return Math.ceil(Math.log2(deckSize) * handSize);
}

/** Thrown by the Dealer constructor for parameters upstream's NewDealer rejects. */
export class DealerParameterError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "DealerParameterError";
  }
}

/**
 * Deals hands of `handSize` distinct cards from a deck of `deckSize` (cards are 0…deckSize-1).
 * The same hash always yields the same hand, in the same order.
 */
export class Dealer {
  readonly deckSize: number;
  readonly handSize: number;
  // Scratch space for the mixed-radix digits; a dealer is used from one thread only.
  private readonly remainders: number[];

  /** Validates like upstream NewDealer; throws DealerParameterError with its messages. */
  constructor(deckSize: number, handSize: number) {
    if (!Number.isInteger(deckSize) || !Number.isInteger(handSize)) {
      throw new DealerParameterError(
        `deckSize ${deckSize} and handSize ${handSize} must be integers`,
      );
    }
    if (deckSize <= 0 || handSize <= 0) {
      throw new DealerParameterError(
        `deckSize ${deckSize} or handSize ${handSize} is not positive`,
      );
    }
    if (handSize > deckSize) {
      throw new DealerParameterError(`handSize ${handSize} is greater than deckSize ${deckSize}`);
    }
    if (deckSize > MAX_DECK_SIZE) {
      throw new DealerParameterError(`deckSize ${deckSize} is impractically large`);
    }
    if (requiredEntropyBits(deckSize, handSize) > MAX_HASH_BITS) {
      throw new DealerParameterError(
        `required entropy bits of deckSize ${deckSize} and handSize ${handSize} is greater than ${MAX_HASH_BITS}`,
      );
    }
    this.deckSize = deckSize;
    this.handSize = handSize;
    this.remainders = new Array<number>(handSize).fill(0);
  }

  /** The hand for `hashValue` (a uint64), as a new array. */
  deal(hashValue: bigint): number[] {
    return this.dealIntoHand(hashValue, new Array<number>(this.handSize));
  }

  /**
   * Writes the hand for `hashValue` into `hand` (resized to handSize) and returns it, so a hot
   * path can reuse one array.
   */
  dealIntoHand(hashValue: bigint, hand: number[]): number[] {
    if (hashValue < 0n || hashValue > UINT64_MAX) {
      throw new RangeError(`hashValue ${hashValue} is not a uint64`);
    }
    const { deckSize, handSize, remainders } = this;

    // Read the hash as mixed-radix digits with radices deckSize, deckSize-1, ...
    // BigInt only while the value exceeds 2^53; after that, double arithmetic is exact.
    let i = 0;
    let wide = hashValue;
    for (; i < handSize && wide > SAFE_INTEGER_MAX; i++) {
      const radix = BigInt(deckSize - i);
      const next = wide / radix;
      remainders[i] = Number(wide - radix * next);
      wide = next;
    }
    let narrow = Number(wide);
    for (; i < handSize; i++) {
      const radix = deckSize - i;
      const next = Math.floor(narrow / radix);
      remainders[i] = narrow - radix * next;
      narrow = next;
    }

    // Turn each digit into a card not dealt yet by comparing it with the earlier digits, latest
    // first, as in the KEP's queue-assignment proof of concept.
    hand.length = handSize;
    for (let card = 0; card < handSize; card++) {
      let candidate = remainders[card];
      for (let j = card; j > 0; j--) {
        if (candidate >= remainders[j - 1]) candidate++;
      }
      hand[card] = candidate;
    }
    return hand;
  }
}
