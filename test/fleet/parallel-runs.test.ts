/**
 * runInParallel on every error path: it rejects with the failure, stops the other workers
 * (one of them never ends by itself, so a leak would hang the test) and settles only when all
 * have exited.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runInParallel, ParallelRunError, type RunTask } from "../../src/fleet/index.js";
import type { Scenario } from "../../src/scenario/index.js";

const SCRIPT = new URL("./workers/scripted-worker.js", import.meta.url);
const task = (name: string): RunTask => ({ scenario: { name } as Scenario, options: {} });
const LIMIT = { timeout: 120_000 }; // generous: a leaked worker hangs forever, not for seconds

test("results come back in task order", LIMIT, async () => {
  const results = await runInParallel([task("a"), task("b"), task("c")], 2, {
    workerScript: SCRIPT,
  });
  assert.deepEqual(
    results.map((r) => r.scenario.name),
    ["a", "b", "c"],
  );
});

for (const failing of ["fail", "crash", "exit"]) {
  test(
    `a worker that ends with "${failing}" rejects the call and stops the others`,
    LIMIT,
    async () => {
      const done: number[] = [];
      await assert.rejects(
        runInParallel([task("hang"), task(failing), task("a"), task("b")], 2, {
          workerScript: SCRIPT,
          onDone: (index) => done.push(index),
        }),
        (error: unknown) => {
          assert.ok(error instanceof ParallelRunError, String(error));
          assert.equal(error.taskIndex, 1);
          return true;
        },
      );
      assert.deepEqual(done, [], "no task after the failure was started");
    },
  );
}

test("an abort from the caller stops every worker and rejects with its reason", LIMIT, async () => {
  const abort = new AbortController();
  const reason = new Error("the main run failed");
  const running = runInParallel([task("hang"), task("hang")], 2, {
    workerScript: SCRIPT,
    signal: abort.signal,
  });
  setTimeout(() => abort.abort(reason), 200);
  await assert.rejects(running, (error: unknown) => error === reason);
});
