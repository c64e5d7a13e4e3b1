import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  Dealer,
  DealerParameterError,
  MAX_DECK_SIZE,
  requiredEntropyBits,
} from "../../../src/k8s/apf/index.js";

const UINT64_MAX = (1n << 64n) - 1n;

/** The upstream algorithm written plainly in BigInt, to check the mixed arithmetic against. */
function referenceDeal(hashValue: bigint, deckSize: number, handSize: number): number[] {
  const remainders: bigint[] = [];
  let value = hashValue;
  for (let i = 0; i < handSize; i++) {
    const radix = BigInt(deckSize - i);
    const next = value / radix;
    remainders.push(value - radix * next);
    value = next;
  }
  return remainders.map((remainder, i) => {
    let card = remainder;
    for (let j = i; j > 0; j--) {
      if (card >= remainders[j - 1]) card++;
    }
    return Number(card);
  });
}

/** Deck and hand sizes NewDealer accepts. */
const validParameters = fc
  .tuple(fc.integer({ min: 1, max: MAX_DECK_SIZE }), fc.integer({ min: 1, max: 15 }))
  .filter(([deck, hand]) => hand <= deck && requiredEntropyBits(deck, hand) <= 60);

describe("Dealer parameters (NewDealer)", () => {
  const rejected: Array<[number, number, RegExp]> = [
    [0, 1, /deckSize 0 or handSize 1 is not positive/],
    [8, 0, /deckSize 8 or handSize 0 is not positive/],
    [-1, -1, /is not positive/],
    [4, 5, /handSize 5 is greater than deckSize 4/],
    [MAX_DECK_SIZE + 1, 2, /deckSize 67108865 is impractically large/],
    [512, 8, /required entropy bits of deckSize 512 and handSize 8 is greater than 60/],
    [1024, 7, /required entropy bits/],
  ];
  for (const [deck, hand, message] of rejected) {
    it(`rejects deck ${deck}, hand ${hand}`, () => {
      assert.throws(
        () => new Dealer(deck, hand),
        (error: unknown) => error instanceof DealerParameterError && message.test(error.message),
      );
    });
  }

  it("rejects non-integer sizes", () => {
    assert.throws(() => new Dealer(8.5, 2), DealerParameterError);
  });

  it("accepts the boundaries: deck 2^26, and exactly 60 bits", () => {
    assert.doesNotThrow(() => new Dealer(MAX_DECK_SIZE, 2));
    assert.equal(requiredEntropyBits(1024, 6), 60);
    assert.doesNotThrow(() => new Dealer(1024, 6));
    assert.doesNotThrow(() => new Dealer(16, 15));
  });

  it("counts bits exactly for powers of two", () => {
    for (let bits = 0; bits <= 26; bits++) {
      assert.equal(requiredEntropyBits(2 ** bits, 2), 2 * bits);
    }
  });

  it("accepts the bootstrap levels' queue settings", () => {
    for (const [queues, handSize] of [
      [64, 6],
      [16, 4],
      [128, 6],
    ]) {
      assert.doesNotThrow(() => new Dealer(queues, handSize));
    }
  });
});

describe("Dealer.deal", () => {
  it("matches the plain BigInt algorithm for any uint64 and any valid deck/hand", () => {
    fc.assert(
      fc.property(validParameters, fc.bigInt({ min: 0n, max: UINT64_MAX }), ([deck, hand], h) => {
        assert.deepEqual(new Dealer(deck, hand).deal(h), referenceDeal(h, deck, hand));
      }),
      { numRuns: 2000 },
    );
  });

  it("deals distinct cards within the deck", () => {
    fc.assert(
      fc.property(validParameters, fc.bigInt({ min: 0n, max: UINT64_MAX }), ([deck, hand], h) => {
        const cards = new Dealer(deck, hand).deal(h);
        assert.equal(cards.length, hand);
        assert.equal(new Set(cards).size, hand);
        for (const card of cards) assert.ok(Number.isInteger(card) && card >= 0 && card < deck);
      }),
      { numRuns: 2000 },
    );
  });

  it("handles hashes around 2^53, where the arithmetic switches from BigInt", () => {
    const dealer = new Dealer(128, 6);
    for (let offset = -3n; offset <= 3n; offset++) {
      const h = (1n << 53n) + offset;
      assert.deepEqual(dealer.deal(h), referenceDeal(h, 128, 6));
    }
  });

  it("reuses the hand array given to dealIntoHand", () => {
    const dealer = new Dealer(64, 6);
    const hand = [99, 99, 99, 99, 99, 99, 99, 99];
    const result = dealer.dealIntoHand(12345n, hand);
    assert.equal(result, hand);
    assert.deepEqual(hand, dealer.deal(12345n));
  });

  it("rejects values that are not uint64", () => {
    const dealer = new Dealer(128, 6);
    assert.throws(() => dealer.deal(-1n), RangeError);
    assert.throws(() => dealer.deal(1n << 64n), RangeError);
    assert.doesNotThrow(() => dealer.deal(UINT64_MAX));
  });

  it("is uniform enough: each queue of 128 is in about 6/128 of hands", () => {
    const dealer = new Dealer(128, 6);
    const counts = new Array<number>(128).fill(0);
    const hands = 64_000;
    // A fixed multiplicative sequence spreads hashes over the whole 64-bit range.
    let h = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < hands; i++) {
      h = (h * 6364136223846793005n + 1442695040888963407n) & UINT64_MAX;
      for (const card of dealer.deal(h)) counts[card]++;
    }
    const expected = (hands * 6) / 128;
    for (const count of counts) assert.ok(Math.abs(count - expected) < expected * 0.1, `${count}`);
  });
});
