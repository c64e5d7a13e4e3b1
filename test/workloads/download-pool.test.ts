import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createDownloadLimiter,
  DownloadPool,
  type FinishedBatch,
} from "../../src/model/workloads/index.js";

function pool(overrides: { perDownload?: number; timeout?: number; max?: number } = {}) {
  return new DownloadPool({
    name: "registry",
    bytesPerSecond: 100,
    perDownloadBytesPerSecond: overrides.perDownload ?? Infinity,
    timeoutSeconds: overrides.timeout ?? 1000,
    retryInitialSeconds: 10,
    retryMaxSeconds: 300,
    limiter: createDownloadLimiter(
      overrides.max === undefined ? undefined : { kind: "max-concurrent", max: overrides.max },
      overrides.timeout ?? 1000,
    ),
  });
}

function runUntil(downloads: DownloadPool, until: number, step = 1): FinishedBatch[] {
  const finished: FinishedBatch[] = [];
  for (let t = 0; t < until; t += step) downloads.advance(t, Math.min(until, t + step), finished);
  return finished;
}

test("concurrent downloads share the bandwidth; a finished one frees its share at once", () => {
  const downloads = pool();
  downloads.submit(0, 0, 1, 100, 0); // 100 B
  downloads.submit(1, 0, 1, 300, 0); // 300 B
  const finished = runUntil(downloads, 10);
  // Both at 50 B/s until 2 s; the second then alone at 100 B/s for its last 200 B.
  assert.deepEqual(
    finished.map((f) => [f.batch.service, f.at]),
    [
      [0, 2],
      [1, 4],
    ],
  );
});

test("a per-download cap limits a lone download", () => {
  const downloads = pool({ perDownload: 10 });
  downloads.submit(0, 0, 1, 100, 0);
  const [done] = runUntil(downloads, 20);
  assert.ok(Math.abs(done.at - 10) < 1e-9, `finished at ${done.at}`);
});

test("a download past its timeout restarts from zero after a doubling back-off", () => {
  // 4 downloads of 100 B at 25 B/s need 4 s; the timeout is 3 s, so they never finish, and
  // restart at 3+10, 16+20, 39+40 s.
  const downloads = pool({ timeout: 3 });
  downloads.submit(0, 0, 4, 100, 0);
  const finished = runUntil(downloads, 80);
  assert.equal(finished.length, 0);
  const status = downloads.status();
  assert.equal(status.timedOutDownloads, 4 * 3);
  assert.ok(Math.abs(status.wastedBytes - 3 * 300) < 1e-6, `wasted ${status.wastedBytes}`);
  assert.equal(status.running, 4, "the fourth attempt started at 79 s");
});

test("a concurrency limit splits a batch and starts the rest as room frees up", () => {
  const downloads = pool({ max: 2 });
  downloads.submit(0, 0, 5, 100, 0);
  const finished = runUntil(downloads, 10, 0.5);
  // Pairs at 50 B/s finish every 2 s; the last one alone at 100 B/s takes 1 s.
  assert.deepEqual(
    finished.map((f) => f.batch.count),
    [2, 2, 1],
  );
  finished.forEach((f, i) => {
    const expected = [2, 4, 5][i];
    assert.ok(Math.abs(f.at - expected) < 1e-6, `batch ${i} finished at ${f.at}`);
  });
});

test("with no timeouts, the bytes delivered never exceed bandwidth x time (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 50 }),
          count: fc.integer({ min: 1, max: 20 }),
          bytes: fc.integer({ min: 1, max: 1000 }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      fc.double({ min: 0.1, max: 5, noNaN: true }),
      (submissions, step) => {
        const downloads = pool();
        const finished: FinishedBatch[] = [];
        const total = submissions.reduce((sum, s) => sum + s.count * s.bytes, 0);
        const pending = [...submissions].sort((a, b) => a.at - b.at);
        const count = pending.reduce((sum, s) => sum + s.count, 0);
        let firstStart = NaN;
        for (let t = 0; t < 10_000 && downloads.status().completedDownloads < count; t += step) {
          while (pending.length > 0 && pending[0].at <= t) {
            const s = pending.shift()!;
            if (Number.isNaN(firstStart)) firstStart = t;
            downloads.submit(0, 0, s.count, s.bytes, t);
          }
          downloads.advance(t, t + step, finished);
        }
        const last = Math.max(...finished.map((f) => f.at));
        return (
          downloads.status().usefulBytes === total && total <= 100 * (last - firstStart) + 1e-6
        );
      },
    ),
  );
});
