import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify } from "yaml";
import { parseScenario, InputError } from "../../src/scenario/index.js";

// Whatever the input, parseScenario returns a scenario or throws InputError with positions:
// never another exception.
function parsesOrExplains(text: string): void {
  try {
    parseScenario(text, "fuzz.yaml");
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    assert.ok(error.diagnostics.length > 0);
    for (const d of error.diagnostics) {
      assert.ok(d.line >= 1 && d.column >= 1, `position ${d.line}:${d.column} for ${d.message}`);
      assert.ok(d.message.length > 0);
    }
  }
}

const validDocument = {
  apiVersion: "kubestorm.dev/v1alpha1",
  kind: "Scenario",
  metadata: { name: "fuzz" },
  spec: {
    seed: 3,
    start: "2024-12-11T14:00",
    timeZone: "America/Los_Angeles",
    duration: "1h",
    limits: { maxEvents: 1000, wallClock: "1m" },
    clusters: [{ name: "a", count: 2, nodes: 10, apiserver: { cpu: 4, memory: "8Gi" } }],
  },
};

test("property: random YAML documents never cause an uncaught exception", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => parsesOrExplains(stringify(value))),
    {
      numRuns: 300,
    },
  );
});

test("property: random text never causes an uncaught exception", () => {
  const yamlish = fc.stringMatching(/^[a-z:{}[\]\-,&*!|>'"#%@` \n\t0-9.]{0,200}$/);
  fc.assert(fc.property(fc.oneof(fc.string(), yamlish), parsesOrExplains), { numRuns: 500 });
});

test("property: a valid scenario with one field replaced is accepted or explained", () => {
  const leafPaths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
    }
    leafPaths.push(path);
  };
  walk(validDocument, []);
  fc.assert(
    fc.property(fc.constantFrom(...leafPaths), fc.jsonValue(), (path, replacement) => {
      const document = structuredClone(validDocument) as Record<string, unknown>;
      let parent: Record<string, unknown> = document;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
      if (path.length > 0) parent[path[path.length - 1]] = replacement;
      parsesOrExplains(stringify(path.length > 0 ? document : replacement));
    }),
    { numRuns: 500 },
  );
});
