import { test } from "node:test";
import assert from "node:assert/strict";
import { DependencyCycleError, DependencyGraph } from "../../src/model/workloads/index.js";

test("a dependency cycle is rejected with a message naming the cycle", () => {
  const services = [
    { name: "frontend", replicas: 1, dependsOn: ["inference"] },
    { name: "inference", replicas: 1, dependsOn: ["auth"] },
    { name: "auth", replicas: 1, dependsOn: ["session"] },
    { name: "session", replicas: 1, dependsOn: ["inference"] },
  ];
  assert.throws(
    () => new DependencyGraph(services, []),
    (error: unknown) =>
      error instanceof DependencyCycleError &&
      error.message.includes("inference -> auth -> session -> inference") &&
      !error.message.includes("frontend"),
  );
});

test("a service calling itself is a cycle", () => {
  assert.throws(
    () => new DependencyGraph([{ name: "loop", replicas: 1, dependsOn: ["loop"] }], []),
    /cycle: loop -> loop/,
  );
});

test("unknown dependencies, entry services and duplicate names are rejected by name", () => {
  assert.throws(
    () => new DependencyGraph([{ name: "a", replicas: 1, dependsOn: ["ghost"] }], []),
    /unknown service "ghost" \(dependency of "a"\)/,
  );
  assert.throws(
    () =>
      new DependencyGraph(
        [{ name: "a", replicas: 1 }],
        [{ name: "chat", entryServices: ["b"], requestsPerSecond: 1 }],
      ),
    /unknown service "b" \(entry service of product "chat"\)/,
  );
  assert.throws(
    () =>
      new DependencyGraph(
        [
          { name: "a", replicas: 1 },
          { name: "a", replicas: 2 },
        ],
        [],
      ),
    /"a" is defined twice/,
  );
});

test("the topological order puts every caller before the services it calls", () => {
  // A diamond plus a separate chain, declared callee-first to make the order non-trivial.
  const graph = new DependencyGraph(
    [
      { name: "auth", replicas: 1 },
      { name: "inference", replicas: 1, dependsOn: ["auth", "models"] },
      { name: "models", replicas: 1, dependsOn: ["auth"] },
      { name: "frontend", replicas: 1, dependsOn: ["inference", "auth"] },
      { name: "billing", replicas: 1 },
      { name: "api-gateway", replicas: 1, dependsOn: ["billing", "inference"] },
    ],
    [],
  );
  const position = new Map(graph.topologicalOrder.map((service, i) => [service, i]));
  assert.equal(position.size, graph.size);
  for (const edges of graph.calls) {
    for (const edge of edges) {
      assert.ok(
        position.get(edge.caller)! < position.get(edge.callee)!,
        `${graph.names[edge.caller]} must come before ${graph.names[edge.callee]}`,
      );
    }
  }
});
