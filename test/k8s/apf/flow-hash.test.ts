import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { hashFlowID } from "../../../src/k8s/apf/index.js";

describe("hashFlowID", () => {
  it("is the first 8 bytes of sha256(name, 0x00, distinguisher), little-endian", () => {
    const digest = createHash("sha256").update("service-accounts\u0000alice").digest();
    let expected = 0n;
    for (let i = 7; i >= 0; i--) expected = (expected << 8n) | BigInt(digest[i]);
    assert.equal(hashFlowID("service-accounts", "alice"), expected);
  });

  it("keeps the separator, so name and distinguisher cannot trade characters", () => {
    assert.notEqual(hashFlowID("ab", "c"), hashFlowID("a", "bc"));
  });

  it("returns a uint64", () => {
    for (const name of ["", "exempt", "global-default", "ünïcode"]) {
      const hash = hashFlowID(name, name);
      assert.ok(hash >= 0n && hash < 1n << 64n);
    }
  });
});
