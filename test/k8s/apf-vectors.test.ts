/**
 * Reproduces every row of ../shared/reference/apf-vectors.json (relative to the repository
 * root): hands, flow hashes and entropy bits produced by running the upstream Go functions.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  Dealer,
  DealerParameterError,
  MAX_HASH_BITS,
  hashFlowID,
  requiredEntropyBits,
} from "../../src/k8s/apf/index.js";

interface DealRow {
  deckSize: number;
  handSize: number;
  hashValue: string;
  hand: number[];
}

interface FlowHashRow {
  flowSchema: string;
  distinguisher: string;
  hash: string;
  deckSize: number;
  handSize: number;
  hand: number[];
}

interface EntropyRow {
  deckSize: number;
  handSize: number;
  requiredEntropyBits: number;
}

interface Vectors {
  deal: DealRow[];
  flowHash: FlowHashRow[];
  requiredEntropyBits: EntropyRow[];
}

/** The nearest ancestor of this file holding package.json: the repository root. */
function repositoryRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, "package.json"))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error("no package.json above the test file");
    directory = parent;
  }
  return directory;
}

const VECTORS_PATH = resolve(repositoryRoot(), "../shared/reference/apf-vectors.json");

function loadVectors(): Vectors {
  if (!existsSync(VECTORS_PATH)) {
    assert.fail(
      `APF test vectors not found at ${VECTORS_PATH}; they are expected in ` +
        "shared/reference/apf-vectors.json next to the repository checkout",
    );
  }
  const parsed = JSON.parse(readFileSync(VECTORS_PATH, "utf8")) as Partial<Vectors>;
  for (const section of ["deal", "flowHash", "requiredEntropyBits"] as const) {
    if (!Array.isArray(parsed[section])) {
      assert.fail(`${VECTORS_PATH} has no "${section}" array`);
    }
  }
  return parsed as Vectors;
}

// A checkout without ../shared skips these tests with a message; with it, they must pass.
const skip = existsSync(VECTORS_PATH)
  ? false
  : `no APF test vectors at ${VECTORS_PATH} (they come with ../shared)`;
const vectors: Vectors = skip ? { deal: [], flowHash: [], requiredEntropyBits: [] } : loadVectors();

describe("apf-vectors.json: Dealer.deal", { skip }, () => {
  it("has rows", () => assert.ok(vectors.deal.length > 0));
  vectors.deal.forEach((row, index) => {
    it(`row ${index}: deck ${row.deckSize}, hand ${row.handSize}, hash ${row.hashValue}`, () => {
      const dealer = new Dealer(row.deckSize, row.handSize);
      assert.deepEqual(dealer.deal(BigInt(row.hashValue)), row.hand);
    });
  });
});

describe("apf-vectors.json: hashFlowID and the hand it deals", { skip }, () => {
  it("has rows", () => assert.ok(vectors.flowHash.length > 0));
  vectors.flowHash.forEach((row, index) => {
    it(`row ${index}: ${row.flowSchema} / ${JSON.stringify(row.distinguisher)}`, () => {
      const hash = hashFlowID(row.flowSchema, row.distinguisher);
      assert.equal(hash, BigInt(row.hash));
      assert.deepEqual(new Dealer(row.deckSize, row.handSize).deal(hash), row.hand);
    });
  });
});

describe("apf-vectors.json: requiredEntropyBits and Dealer validation", { skip }, () => {
  it("has rows", () => assert.ok(vectors.requiredEntropyBits.length > 0));
  vectors.requiredEntropyBits.forEach((row, index) => {
    it(`row ${index}: deck ${row.deckSize}, hand ${row.handSize}`, () => {
      assert.equal(requiredEntropyBits(row.deckSize, row.handSize), row.requiredEntropyBits);
      // NewDealer refuses exactly the parameters that need more than MAX_HASH_BITS.
      if (row.requiredEntropyBits > MAX_HASH_BITS) {
        assert.throws(() => new Dealer(row.deckSize, row.handSize), DealerParameterError);
      } else {
        assert.doesNotThrow(() => new Dealer(row.deckSize, row.handSize));
      }
    });
  });
});
