import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextRequest, type AgentPattern } from "../../../src/k8s/client-go/index.js";

describe("badly behaved agent patterns", () => {
  it("a tight retry loop retries failures at once and otherwise keeps its period", () => {
    const pattern: AgentPattern = {
      kind: "tightRetryLoop",
      request: { verb: "watch", options: { resourceVersion: "", hasSelector: true } },
      retryDelaySeconds: 0,
      periodSeconds: 30,
    };
    assert.equal(nextRequest(pattern).delaySeconds, 0);
    assert.equal(nextRequest(pattern, "failure").delaySeconds, 0);
    assert.equal(nextRequest(pattern, "success").delaySeconds, 30);
    assert.deepEqual(nextRequest(pattern, "failure").request, pattern.request);
  });

  it("a periodic full LIST is a consistent, unpaginated read every period", () => {
    const pattern: AgentPattern = {
      kind: "periodicFullList",
      periodSeconds: 15,
      hasSelector: true,
    };
    assert.deepEqual(nextRequest(pattern), {
      delaySeconds: 0,
      request: { verb: "list", options: { resourceVersion: "", hasSelector: true } },
    });
    assert.equal(nextRequest(pattern, "failure").delaySeconds, 15);
    assert.equal(nextRequest(pattern, "success").delaySeconds, 15);
    const everything = nextRequest({ kind: "periodicFullList", periodSeconds: 60 }).request;
    assert.deepEqual(everything, { verb: "list", options: { resourceVersion: "" } });
  });

  it("a GET loop polls every period", () => {
    const pattern: AgentPattern = { kind: "getLoop", periodSeconds: 1 };
    assert.deepEqual(nextRequest(pattern, "success"), {
      delaySeconds: 1,
      request: { verb: "get" },
    });
    assert.equal(nextRequest(pattern, "failure").delaySeconds, 1);
  });
});
