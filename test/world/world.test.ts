import { test } from "node:test";
import assert from "node:assert/strict";
import {
  StateChecker,
  StateViolation,
  World,
  WorldError,
  definePort,
  type Component,
  type ComponentContext,
} from "../../src/world/index.js";

const NUMBER = definePort<{ value: number }>("test/number");
const OTHER = definePort<string>("test/other");

function component(
  name: string,
  parts: Partial<Component> & { onAttach?: (context: ComponentContext) => void },
): Component {
  return { name, ...parts, attach: parts.onAttach ?? (() => {}) };
}

test("a component reads the ports it needs from those added before it, in its assembly or the fleet", () => {
  const world = new World({ seed: 1 });
  world.add(
    component("source", { provides: [NUMBER], onAttach: (c) => c.provide(NUMBER, { value: 7 }) }),
  );
  let seen = 0;
  world.add(
    component("reader", { needs: [NUMBER], onAttach: (c) => (seen = c.get(NUMBER).value) }),
    "cluster-a",
  );
  assert.equal(seen, 7);
  assert.equal(world.find(NUMBER, "cluster-a")?.value, 7);
});

test("a port provided in one cluster is not seen from another", () => {
  const world = new World({ seed: 1 });
  world.add(
    component("source", { provides: [NUMBER], onAttach: (c) => c.provide(NUMBER, { value: 1 }) }),
    "a",
  );
  assert.throws(
    () => world.add(component("reader", { needs: [NUMBER] }), "b"),
    (error: unknown) =>
      error instanceof WorldError && /needs port test\/number/.test(error.message),
  );
});

test("undeclared reads, undeclared or missing provides and duplicate names are refused", () => {
  const world = new World({ seed: 1 });
  world.add(
    component("source", { provides: [NUMBER], onAttach: (c) => c.provide(NUMBER, { value: 1 }) }),
  );
  assert.throws(
    () => world.add(component("sneaky", { onAttach: (c) => c.get(NUMBER) })),
    /without declaring it/,
  );
  assert.throws(
    () => world.add(component("liar", { provides: [OTHER] })),
    /declares port test\/other but did not provide it/,
  );
  assert.throws(
    () => world.add(component("squatter", { onAttach: (c) => c.provide(OTHER, "x") })),
    /without declaring it/,
  );
  assert.throws(() => world.add(component("source", {})), /added twice/);
});

test("a component's random stream depends on the seed and its name only", () => {
  const draws = (extra: boolean): number[] => {
    const world = new World({ seed: 42 });
    if (extra) {
      world.add(component("noise", { onAttach: (c) => c.random().next() }), "c");
    }
    let values: number[] = [];
    world.add(
      component("subject", {
        onAttach: (c) => (values = [c.random().next(), c.random().next(), c.random("b").next()]),
      }),
      "c",
    );
    return values;
  };
  assert.deepEqual(draws(true), draws(false));
  assert.notEqual(draws(false)[0], draws(false)[2]);
});

test("start runs once per component, in the order they were added, before the run", () => {
  const world = new World({ seed: 1 });
  const order: string[] = [];
  for (const name of ["a", "b", "c"]) {
    world.add(
      component(name, {
        start: () => {
          order.push(name);
          world.sim.schedule(1, () => order.push(`${name} event`));
        },
      }),
    );
  }
  world.start();
  world.run({ until: 10 });
  assert.deepEqual(order, ["a", "b", "c", "a event", "b event", "c event"]);
});

test("each checker rule stops the run with the rule, the simulated time and the seed", () => {
  const violation = (act: (checker: StateChecker) => void) => {
    const checker = new StateChecker(99, () => 12.5);
    try {
      act(checker);
    } catch (error) {
      assert.ok(error instanceof StateViolation);
      assert.match(error.message, /t=12\.500 s \(seed 99\)/);
      return error.rule;
    }
    return undefined;
  };
  const request = {};
  assert.equal(
    violation((c) => {
      c.requestSent(request, "list pods");
      c.requestAnswered(request, "list pods");
      c.requestAnswered(request, "list pods");
    }),
    "answeredOnce",
  );
  assert.equal(
    violation((c) => c.requestAnswered({}, "get")),
    "answeredOnce",
  );
  assert.equal(
    violation((c) => c.seats("workload-low", 246, 245)),
    "seatsWithinLimit",
  );
  assert.equal(
    violation((c) => c.memory("replica 0", -1)),
    "memoryAccounting",
  );
  assert.equal(
    violation((c) => c.count("pods", -3)),
    "countsNonNegative",
  );
  assert.equal(
    violation((c) => c.deadProcess("replica 0", "late finish")),
    "noDeadProcessEvents",
  );
  // Within the rules, nothing is thrown.
  assert.equal(
    violation((c) => {
      c.requestSent(request, "x");
      c.requestAnswered(request, "x");
      c.seats("l", 245, 245);
      c.memory("m", 0);
      c.count("n", 0);
    }),
    undefined,
  );
});

test("sampleEvery calls each component's sample hook at every step", () => {
  const world = new World({ seed: 1 });
  const seen: number[] = [];
  world.add(component("sampled", { sample: (now) => seen.push(now) }), "c");
  world.sampleEvery(60);
  world.sampleEvery(60);
  world.run({ until: 200 });
  assert.deepEqual(seen, [60, 120, 180]);
});
