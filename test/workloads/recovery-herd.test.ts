import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import {
  admitWhileApiAvailable,
  ClusterWorkloads,
  type DownloadSourceSpec,
} from "../../src/model/workloads/index.js";
import { FakeDataPlane } from "./fakes.js";

const SEED = 11;
const PODS = 1000;
const BYTES = 10e9; // 10 GB per pod
const BANDWIDTH = 10e9 / 8; // 10 Gbit/s
const IDEAL_SECONDS = (PODS * BYTES) / BANDWIDTH; // 8,000 s
const HORIZON = 6 * IDEAL_SECONDS;

/**
 * 1,000 inference pods are lost (their nodes scaled away) and re-created at once: each pulls
 * 10 GB from the registry. Returns the time until all are ready (Infinity if never within the
 * horizon) and the registry's counters.
 */
function recover(registry: Omit<DownloadSourceSpec, "name" | "bytesPerSecond">) {
  const sim = new Simulation(SEED);
  const workloads = new ClusterWorkloads(
    sim,
    {
      cluster: "herd",
      services: [
        {
          name: "inference",
          replicas: PODS,
          crashesPerPodPerDay: 0,
          downloads: [{ source: "registry", bytes: BYTES }],
        },
      ],
      products: [{ name: "chat", entryServices: ["inference"], requestsPerSecond: 1 }],
      sources: [{ name: "registry", bytesPerSecond: BANDWIDTH, timeoutSeconds: 300, ...registry }],
    },
    { dataPlane: new FakeDataPlane(), admission: admitWhileApiAvailable(() => true) },
  );
  workloads.start();
  workloads.podsLost("inference", PODS, "scale-down");
  sim.run({ until: HORIZON });
  const status = workloads.serviceStatus("inference");
  const recovery = Number.isNaN(status.fullyReadySince) ? Infinity : status.fullyReadySince;
  return { recovery, status, registry: workloads.sourceStatus("registry") };
}

test(`the re-download herd collapses without a limiter; a limiter recovers near bytes/bandwidth (seed ${SEED})`, () => {
  const herd = recover({});
  const fixed = recover({ limiter: { kind: "max-concurrent", max: 20 } });
  const adaptive = recover({ limiter: { kind: "adaptive" } });
  const report = `seed ${SEED}: ideal ${IDEAL_SECONDS} s, no limiter ${herd.recovery} s, fixed ${fixed.recovery} s, adaptive ${adaptive.recovery} s`;

  // Every download shares 10 Gbit/s with 999 others: 375 MB in 300 s, far from 10 GB.
  assert.ok(herd.recovery > 3 * IDEAL_SECONDS, report);
  assert.ok(herd.registry.origin.wastedBytes > 0, report);
  assert.equal(herd.registry.origin.completedDownloads, 0, report);

  // 20 at a time: 62.5 MB/s each, 160 s per download, the link always busy.
  assert.ok(fixed.recovery >= IDEAL_SECONDS, report);
  assert.ok(fixed.recovery < 1.03 * IDEAL_SECONDS, report);
  assert.equal(fixed.registry.origin.timedOutDownloads, 0, report);
  assert.equal(fixed.status.ready, PODS, report);

  // The adaptive limiter finds a safe concurrency by itself.
  assert.ok(adaptive.recovery < 1.15 * IDEAL_SECONDS, report);
  assert.ok(fixed.recovery <= adaptive.recovery && adaptive.recovery < herd.recovery, report);
});

test(`a node-local cache serving most pulls shortens recovery below the origin's bytes/bandwidth (seed ${SEED})`, () => {
  // 97 % of pods find the image on a node-local cache; 30 pull from the origin at 42 MB/s each.
  const cached = recover({ cache: { hitRatio: 0.97, bytesPerSecond: Infinity } });
  const report = `seed ${SEED}: cached recovery ${cached.recovery} s, ideal without cache ${IDEAL_SECONDS} s`;
  assert.equal(cached.registry.cache?.completedDownloads, 970, report);
  assert.equal(cached.registry.origin.completedDownloads, 30, report);
  const originIdeal = (30 * BYTES) / BANDWIDTH;
  assert.ok(cached.recovery >= originIdeal && cached.recovery < originIdeal + 60, report);
});

test(`the same seed gives the same recovery; bytes are conserved (seed ${SEED})`, () => {
  const first = recover({ limiter: { kind: "adaptive" } });
  const second = recover({ limiter: { kind: "adaptive" } });
  assert.deepEqual(first, second, `seed ${SEED}`);
  assert.equal(first.registry.origin.usefulBytes, PODS * BYTES, `seed ${SEED}`);
  // The link never carries more than its bandwidth over the recovery.
  const carried = first.registry.origin.usefulBytes + first.registry.origin.wastedBytes;
  assert.ok(carried <= BANDWIDTH * first.recovery * (1 + 1e-9), `seed ${SEED}`);
});

test(`an adaptive limiter started far too high recovers after one round of timeouts (seed ${SEED})`, () => {
  const tooHigh = recover({ limiter: { kind: "adaptive", initial: PODS } });
  const report = `seed ${SEED}: recovery ${tooHigh.recovery} s, ideal ${IDEAL_SECONDS} s`;
  assert.equal(tooHigh.registry.origin.timedOutDownloads, PODS, report);
  // One timeout (300 s) and one back-off (10 s) lost, then the link is kept busy.
  assert.ok(tooHigh.recovery < IDEAL_SECONDS + 300 + 10 + 60, report);
  assert.ok(tooHigh.registry.origin.limit < 40, report);
});

test(`an in-cluster cache with its own bandwidth recovers behind a limiter (seed ${SEED})`, () => {
  const cacheBandwidth = 100e9 / 8;
  const withoutLimiter = recover({ cache: { hitRatio: 0.9, bytesPerSecond: cacheBandwidth } });
  const limited = recover({
    cache: { hitRatio: 0.9, bytesPerSecond: cacheBandwidth },
    limiter: { kind: "adaptive" },
  });
  const report = `seed ${SEED}: without limiter ${withoutLimiter.recovery} s, with ${limited.recovery} s`;
  // 900 pods at once collapse the cache as well; behind limiters, the slower of origin (100
  // pods, 800 s) and cache (900 pods, 720 s) sets the pace.
  assert.equal(withoutLimiter.recovery, Infinity, report);
  const slowest = Math.max((100 * BYTES) / BANDWIDTH, (900 * BYTES) / cacheBandwidth);
  assert.ok(limited.recovery >= slowest && limited.recovery < 1.05 * slowest + 10, report);
});
