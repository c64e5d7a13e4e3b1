import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MIN_WATCH_TIMEOUT_SECONDS,
  newReflectorState,
  Reflector,
  REFLECTOR_STATE_FIELDS,
  ReflectorPhase,
  reflectorStep,
  startReflector,
  watchTimeoutSeconds,
  type ReflectorAction,
  type ReflectorOptions,
} from "../../../src/k8s/client-go/index.js";
import { ALMOST_ONE, draws, seeded } from "./uniform.js";

function assertList(action: ReflectorAction, resourceVersion: string, limit?: number): void {
  assert.equal(action.kind, "list", JSON.stringify(action));
  if (action.kind !== "list") return;
  assert.equal(action.options.resourceVersion, resourceVersion);
  assert.equal(action.options.limit, limit);
  assert.equal(action.options.hasContinue, undefined);
}

function assertContinue(action: ReflectorAction, limit: number): void {
  assert.deepEqual(action, {
    kind: "list",
    options: { resourceVersion: "", limit, hasContinue: true },
  });
}

function assertWatch(action: ReflectorAction, resourceVersion: string): number {
  assert.equal(action.kind, "watch", JSON.stringify(action));
  if (action.kind !== "watch") return 0;
  assert.equal(action.resourceVersion, resourceVersion);
  assert.deepEqual(action.options, { resourceVersion });
  assert.ok(Number.isInteger(action.timeoutSeconds));
  assert.ok(
    action.timeoutSeconds >= 300 && action.timeoutSeconds < 600,
    `${action.timeoutSeconds}`,
  );
  return action.timeoutSeconds;
}

function assertWait(action: ReflectorAction, low: number, high: number): void {
  assert.equal(action.kind, "wait", JSON.stringify(action));
  if (action.kind !== "wait") return;
  assert.ok(
    action.seconds >= low && action.seconds < high,
    `${action.seconds} ∉ [${low}, ${high})`,
  );
}

/** A reflector that has listed at `resourceVersion` and is watching. */
function watchingAt(resourceVersion: number, options: ReflectorOptions = {}, seed = 7): Reflector {
  const reflector = new Reflector(0, seeded(seed), options);
  reflector.start(0);
  reflector.handle({ kind: "listPage", resourceVersion, hasMore: false }, 0.1);
  assert.equal(reflector.state.phase, ReflectorPhase.Watching);
  return reflector;
}

describe("reflector ListAndWatch", () => {
  it("lists at RV 0 with the pager's limit 500, then watches from the list's revision", () => {
    const reflector = new Reflector(0, seeded(1));
    assertList(reflector.start(0), "0", 500);
    assertWatch(
      reflector.handle({ kind: "listPage", resourceVersion: 10, hasMore: false }, 0.2),
      "10",
    );
  });

  it("TestWatchTimeout: timeoutSeconds = int(minWatchTimeout·(rand + 1)), minimum 5 min", () => {
    assert.equal(MIN_WATCH_TIMEOUT_SECONDS, 300);
    assert.equal(watchTimeoutSeconds(draws(0)), 300);
    assert.equal(watchTimeoutSeconds(draws(ALMOST_ONE)), 599);
    assert.equal(watchTimeoutSeconds(draws(0.5)), 450);
    assert.equal(watchTimeoutSeconds(draws(0), { minWatchTimeoutSeconds: 1 }), 300);
    assert.equal(watchTimeoutSeconds(draws(0.5), { minWatchTimeoutSeconds: 1800 }), 2700);
  });

  it("re-watches from the last revision without listing when a watch times out", () => {
    const reflector = watchingAt(10);
    const timeout = reflector.state.watchStartedAt;
    const action = reflector.handle(
      { kind: "watchClosed", receivedEvents: true, resourceVersion: 42 },
      timeout + 450,
    );
    assertWatch(action, "42");
    assert.equal(reflector.state.watchStartedAt, timeout + 450);
    // A quiet watch (bookmarks aside) that ran its course also just re-watches.
    assertWatch(reflector.handle({ kind: "watchClosed", receivedEvents: false }, 1000), "42");
  });

  it("re-watches at once from the last revision when the server closes the stream", () => {
    const reflector = watchingAt(10);
    reflector.handle({ kind: "watchClosed", receivedEvents: true, resourceVersion: 15 }, 60);
    // An apiserver restart breaks the stream 42 s into the next watch.
    assertWatch(reflector.handle({ kind: "watchClosed", receivedEvents: false }, 102), "15");
  });

  it("a watch closed within a second with no event is a very short watch: backoff, relist", () => {
    const reflector = watchingAt(10);
    assertWait(reflector.handle({ kind: "watchClosed", receivedEvents: false }, 0.5), 0.8, 1.6);
    assert.equal(reflector.state.phase, ReflectorPhase.BackoffThenRestart);
    // TestReflectorResyncWithResourceVersion: the relist asks for the last revision, and
    // TestReflectorNotPaginatingNotConsistentReads: without a limit.
    assertList(reflector.handle({ kind: "backoffElapsed" }, 2), "10");
  });

  it("watch 410 Gone: backoff, relist at the last revision, then '' if that LIST is expired", () => {
    const reflector = watchingAt(10);
    const afterGone = reflector.handle(
      { kind: "watchError", status: 410, resourceVersion: 12 },
      300,
    );
    assertWait(afterGone, 0.8, 1.6);
    assertList(reflector.handle({ kind: "backoffElapsed" }, 301.5), "12");
    // TestReflectorExpiredExactResourceVersion: list calls "0", "10", "" in upstream's test.
    const consistent = reflector.handle(
      { kind: "listFailed", failure: { kind: "status", status: 410 } },
      301.6,
    );
    assertList(consistent, "");
    assert.equal(reflector.state.resourceVersionUnavailable, 1);
    assertWatch(
      reflector.handle({ kind: "listPage", resourceVersion: 90, hasMore: false }, 303),
      "90",
    );
    assert.equal(reflector.state.resourceVersionUnavailable, 0);
  });

  it("a LIST at RV 0 that fails with 410 is retried once at ''", () => {
    const reflector = new Reflector(0, seeded(3));
    assertList(reflector.start(0), "0", 500);
    assertList(
      reflector.handle({ kind: "listFailed", failure: { kind: "status", status: 410 } }, 1),
      "",
      500,
    );
    // The retry failing the same way ends ListAndWatch: backoff, then a LIST at "" again.
    assertWait(
      reflector.handle({ kind: "listFailed", failure: { kind: "status", status: 410 } }, 2),
      0.8,
      1.6,
    );
    assertList(reflector.handle({ kind: "backoffElapsed" }, 3), "", 500);
  });

  it("TestReflectorFullListIfTooLarge: list calls 0, 20, '', 30, ''", () => {
    const reflector = new Reflector(0, seeded(4));
    const calls: string[] = [];
    const record = (action: ReflectorAction): ReflectorAction => {
      if (action.kind === "list") calls.push(action.options.resourceVersion ?? "");
      return action;
    };
    record(reflector.start(0));
    record(reflector.handle({ kind: "listPage", resourceVersion: 20, hasMore: false }, 1));
    let now = 10;
    for (const relisted of [30, 40]) {
      reflector.handle({ kind: "watchError", status: 410 }, now);
      record(reflector.handle({ kind: "backoffElapsed" }, now + 2));
      const tooLarge = { kind: "status", status: 504, tooLargeResourceVersion: true } as const;
      record(reflector.handle({ kind: "listFailed", failure: tooLarge }, now + 3));
      record(
        reflector.handle({ kind: "listPage", resourceVersion: relisted, hasMore: false }, now + 4),
      );
      now += 200;
    }
    assert.deepEqual(calls, ["0", "20", "", "30", ""]);
  });

  it("a failed LIST backs off and lists again, each backoff longer", () => {
    const reflector = new Reflector(0, seeded(5));
    assertList(reflector.start(0), "0", 500);
    const failed = { kind: "listFailed", failure: { kind: "status", status: 500 } } as const;
    assertWait(reflector.handle(failed, 1), 0.8, 1.6);
    assertList(reflector.handle({ kind: "backoffElapsed" }, 3), "0", 500);
    assertWait(reflector.handle(failed, 4), 1.6, 3.2);
    assertList(reflector.handle({ kind: "backoffElapsed" }, 8), "0", 500);
    const refused = { kind: "listFailed", failure: { kind: "connectionRefused" } } as const;
    assertWait(reflector.handle(refused, 9), 3.2, 6.4);
  });

  it("TestReflectorFullListIfExpired: an expired continue token gives one full LIST", () => {
    const reflector = new Reflector(0, seeded(6), { watchListPageSize: 4 });
    assertList(reflector.start(0), "0", 4);
    reflector.handle({ kind: "listPage", resourceVersion: 10, hasMore: false }, 1);
    reflector.handle({ kind: "watchError", status: 410 }, 100);
    assertList(reflector.handle({ kind: "backoffElapsed" }, 102), "10", 4);
    assertContinue(
      reflector.handle({ kind: "listPage", resourceVersion: 11, hasMore: true }, 103),
      4,
    );
    const expired = { kind: "listFailed", failure: { kind: "status", status: 410 } } as const;
    assertList(reflector.handle(expired, 104), "10");
    assertWatch(
      reflector.handle({ kind: "listPage", resourceVersion: 11, hasMore: false }, 105),
      "11",
    );
  });

  it("TestReflectorPaginatingNonConsistentReadsIfWatchCacheDisabled: keeps paging", () => {
    const reflector = new Reflector(0, seeded(8));
    assertList(reflector.start(0), "0", 500);
    assertContinue(
      reflector.handle({ kind: "listPage", resourceVersion: 10, hasMore: true }, 1),
      500,
    );
    assertContinue(
      reflector.handle({ kind: "listPage", resourceVersion: 10, hasMore: true }, 2),
      500,
    );
    // The result carries the first page's revision.
    assertWatch(
      reflector.handle({ kind: "listPage", resourceVersion: 99, hasMore: false }, 3),
      "10",
    );
    assert.equal(reflector.state.paginatedResult, 1);
    reflector.handle({ kind: "watchError", status: 500 }, 50);
    assertList(reflector.handle({ kind: "backoffElapsed" }, 52), "10", 500);
  });

  it("TestReflectorWatchListPageSize: an explicit page size also pages LISTs at a revision", () => {
    const reflector = watchingAt(10, { watchListPageSize: 4 });
    reflector.handle({ kind: "watchError", status: 500 }, 30);
    assertList(reflector.handle({ kind: "backoffElapsed" }, 32), "10", 4);
    assertContinue(
      reflector.handle({ kind: "listPage", resourceVersion: 10, hasMore: true }, 33),
      4,
    );
  });

  it("TestNoRelistOnTooManyRequests: a watch refused with 429 backs off and re-watches", () => {
    const reflector = watchingAt(1);
    let now = 1;
    for (let i = 0; i < 4; i++) {
      const refused = {
        kind: "watchOpenFailed",
        failure: { kind: "status", status: 429 },
      } as const;
      const wait = reflector.handle(refused, now);
      assert.equal(wait.kind, "wait");
      assert.equal(reflector.state.phase, ReflectorPhase.BackoffThenWatch);
      now += wait.kind === "wait" ? wait.seconds : 0;
      assertWatch(reflector.handle({ kind: "backoffElapsed" }, now), "1");
    }
  });

  it("TestBackoffOnTooManyRequests: a 429 error event on the stream backs off and re-watches", () => {
    const reflector = watchingAt(1);
    assertWait(reflector.handle({ kind: "watchError", status: 429 }, 5), 0.8, 1.6);
    assertWatch(reflector.handle({ kind: "backoffElapsed" }, 7), "1");
  });

  it("TestReflectorListAndWatchInitConnBackoff: refused connections back off exponentially", () => {
    const reflector = watchingAt(1, {}, 11);
    let now = 1;
    for (let k = 0; k < 8; k++) {
      const d = Math.min(0.8 * 2 ** k, 30);
      const wait = reflector.handle(
        { kind: "watchOpenFailed", failure: { kind: "connectionRefused" } },
        now,
      );
      assertWait(wait, d, 2 * d);
      now += wait.kind === "wait" ? wait.seconds : 0;
      assertWatch(reflector.handle({ kind: "backoffElapsed" }, now), "1");
    }
  });

  it("any other failure to open a watch ends ListAndWatch: backoff, then LIST", () => {
    for (const failure of [
      { kind: "status", status: 403 },
      { kind: "status", status: 500 },
      { kind: "status", status: 410 },
    ] as const) {
      const reflector = watchingAt(3);
      assertWait(reflector.handle({ kind: "watchOpenFailed", failure }, 2), 0.8, 1.6);
      assertList(reflector.handle({ kind: "backoffElapsed" }, 4), "3");
    }
  });

  it("a watch whose EOF retries ran out is an empty watch: short means relist", () => {
    const lost = { kind: "watchOpenFailed", failure: { kind: "connectionLost" } } as const;
    const quick = watchingAt(3);
    assertWait(quick.handle(lost, 0.5), 0.8, 1.6);
    // After ten 1 s retries the empty watch is not "very short": re-watch at once.
    const slow = watchingAt(3);
    assertWatch(slow.handle(lost, 11), "3");
  });

  it("the backoff starts over after 2 quiet minutes", () => {
    const reflector = watchingAt(3, {}, 12);
    let now = 1;
    for (let k = 0; k < 4; k++) {
      reflector.handle({ kind: "watchError", status: 429 }, now);
      reflector.handle({ kind: "backoffElapsed" }, (now += 20));
    }
    assertWait(reflector.handle({ kind: "watchError", status: 429 }, now), 12.8, 25.6);
    reflector.handle({ kind: "backoffElapsed" }, now + 13);
    assertWait(reflector.handle({ kind: "watchError", status: 429 }, now + 121), 0.8, 1.6);
  });

  it("rejects events that cannot happen in the current phase", () => {
    const reflector = new Reflector(0, seeded(1));
    assert.throws(() => reflector.handle({ kind: "backoffElapsed" }, 0), /NotStarted/);
    reflector.start(0);
    assert.throws(
      () => reflector.handle({ kind: "watchClosed", receivedEvents: true }, 1),
      /Listing/,
    );
    assert.throws(() => reflector.start(1), /already started/);
  });

  it("is deterministic for a given random source, and its state is all numbers", () => {
    const run = (): ReflectorAction[] => {
      const state = newReflectorState(0);
      const random = seeded(99);
      const actions = [startReflector(state, 0, random)];
      actions.push(
        reflectorStep(state, { kind: "listPage", resourceVersion: 5, hasMore: false }, 1, random),
      );
      actions.push(reflectorStep(state, { kind: "watchError", status: 500 }, 2, random));
      actions.push(reflectorStep(state, { kind: "backoffElapsed" }, 4, random));
      return actions;
    };
    assert.deepEqual(run(), run());
    const state = newReflectorState(0);
    assert.deepEqual([...REFLECTOR_STATE_FIELDS].sort(), Object.keys(state).sort());
    for (const field of REFLECTOR_STATE_FIELDS) assert.equal(typeof state[field], "number");
  });
});

describe("reflector with WatchList (sendInitialEvents)", () => {
  const options = { useWatchList: true };

  it("streams the initial state with a WATCH, then keeps that stream as its watch", () => {
    const reflector = new Reflector(0, seeded(21), options);
    const first = reflector.start(0);
    assert.equal(first.kind, "watch");
    if (first.kind === "watch") {
      assert.deepEqual(first.options, {
        resourceVersion: "",
        resourceVersionMatch: "NotOlderThan",
        sendInitialEvents: true,
      });
    }
    assert.deepEqual(reflector.handle({ kind: "initialEventsEnd", resourceVersion: 50 }, 3), {
      kind: "keepWatching",
    });
    // When that stream times out, the reflector re-watches normally.
    assertWatch(
      reflector.handle({ kind: "watchClosed", receivedEvents: true, resourceVersion: 60 }, 400),
      "60",
    );
  });

  it("410 during streaming: retry at once from ''; other errors fall back to LIST", () => {
    const reflector = new Reflector(0, seeded(22), options);
    reflector.start(0);
    reflector.handle({ kind: "initialEventsEnd", resourceVersion: 50 }, 3);
    reflector.handle({ kind: "watchError", status: 500 }, 100);
    const again = reflector.handle({ kind: "backoffElapsed" }, 102);
    assert.equal(again.kind === "watch" && again.options.sendInitialEvents, true);
    assert.equal(again.kind === "watch" && again.resourceVersion, "50");
    const retry = reflector.handle({ kind: "watchError", status: 410 }, 103);
    assert.equal(retry.kind === "watch" && retry.resourceVersion, "");
    assertList(reflector.handle({ kind: "watchError", status: 500 }, 104), "", 500);
  });

  it("429 backs off and asks again; a stream closed before the bookmark asks again", () => {
    const reflector = new Reflector(0, seeded(23), options);
    reflector.start(0);
    const refused = { kind: "watchOpenFailed", failure: { kind: "status", status: 429 } } as const;
    assertWait(reflector.handle(refused, 0.1), 0.8, 1.6);
    assert.equal(reflector.handle({ kind: "backoffElapsed" }, 2).kind, "watch");
    const again = reflector.handle({ kind: "watchClosed", receivedEvents: true }, 30);
    assert.equal(again.kind === "watch" && again.options.sendInitialEvents, true);
    // A very short stream is an error: fall back to LIST at once.
    assertList(reflector.handle({ kind: "watchClosed", receivedEvents: false }, 30.5), "0", 500);
  });
});
