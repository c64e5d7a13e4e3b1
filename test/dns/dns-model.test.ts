import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import {
  DnsModel,
  dnsConfig,
  type DnsConfigOverrides,
  type DnsWorkload,
} from "../../src/model/dns/index.js";
import { FakeControlPlane, fakeInputs } from "./fakes.js";

const SEED = 7;
const T0 = 300; // the control plane goes down (after the caches' steady state)

const AUTH = { name: "auth", share: 1, service: "auth" };
const EXTERNAL = { name: "api.example.com", share: 1 };

function workload(overrides: Partial<DnsWorkload> = {}): DnsWorkload {
  return {
    name: "web",
    namespace: "payments",
    pods: 500,
    lookupsPerSecond: 1000,
    names: [AUTH],
    ...overrides,
  };
}

interface Setup {
  config?: DnsConfigOverrides;
  workloads?: DnsWorkload[];
  churning?: Map<string, number>;
}

function build(setup: Setup = {}) {
  const sim = new Simulation(SEED);
  const config = dnsConfig(setup.config);
  const plane = new FakeControlPlane(config.coreDns.replicas);
  const model = new DnsModel(
    sim,
    config,
    setup.workloads ?? [workload()],
    fakeInputs(sim, plane, setup.churning),
  );
  const at = (time: number, action: () => void) => sim.scheduleAt(time, action);
  /** Run to `time` and read one lookup's result. */
  const sample = (time: number, name = "auth", wl = "web") => {
    sim.run({ until: time });
    return model.lookup(wl, name);
  };
  return { sim, model, plane, at, sample };
}

const apiDownAt = (s: ReturnType<typeof build>, time: number) =>
  s.at(time, () => (s.plane.apiUp = false));

test(`control plane down, endpoints unchanged: lookups keep working from the stale store (seed ${SEED})`, () => {
  const s = build();
  apiDownAt(s, T0);
  assert.equal(s.sample(T0 - 1).successFraction, 1);
  const later = s.sample(T0 + 3600);
  assert.ok(later.successFraction > 0.999, `success ${later.successFraction}`);
  assert.ok(
    s.model.replicas().every((r) => r.stale && r.ready),
    JSON.stringify(s.model.replicas()),
  );
  assert.ok(s.model.counters.staleStoreAnswers > 0);
});

test(`control plane down, endpoints churning: stale answers fail as the store ages (seed ${SEED})`, () => {
  const life = 600;
  const s = build({ churning: new Map([["auth", life]]) });
  apiDownAt(s, T0);
  // While watched, answers are at most one cache TTL old: nearly all still valid.
  const before = s.sample(T0 - 1).successFraction;
  assert.ok(before > 0.95, `before ${before}`);
  let previous = before;
  for (const t of [60, 300, 900, 1800]) {
    const success = s.sample(T0 + t).successFraction;
    // The store froze at T0: an answer is as good as the endpoints unchanged since then.
    assert.ok(Math.abs(success - Math.exp(-t / life)) < 0.05, `t=${t} success ${success}`);
    assert.ok(success < previous, `t=${t}: ${success} not below ${previous}`);
    previous = success;
  }
});

test(`app cache over a restarted CoreDNS: cached answers last one TTL, then fail (seed ${SEED})`, () => {
  const ttl = 30;
  const s = build({ workloads: [workload({ appCacheTtl: ttl })] });
  apiDownAt(s, T0 - 60);
  s.at(T0, () => {
    s.model.restartReplica(0);
    s.model.restartReplica(1);
  });
  assert.ok(s.sample(T0 - 1).successFraction > 0.999);
  const half = s.sample(T0 + ttl / 2).successFraction;
  assert.ok(Math.abs(half - 0.5) < 0.06, `at T0+TTL/2: ${half}`);
  const after = s.sample(T0 + ttl + 1).successFraction;
  assert.ok(after < 0.01, `after TTL: ${after}`);
});

test(`NodeLocal DNSCache over a restarted CoreDNS: answers last its 30 s TTL (seed ${SEED})`, () => {
  const s = build({ config: { nodeLocal: { enabled: true, nodes: 200 } } });
  apiDownAt(s, T0 - 60);
  s.at(T0, () => {
    s.model.restartReplica(0);
    s.model.restartReplica(1);
  });
  const half = s.sample(T0 + 15).successFraction;
  assert.ok(Math.abs(half - 0.5) < 0.06, `at T0+15: ${half}`);
  const after = s.sample(T0 + 31).successFraction;
  assert.ok(after < 0.01, `after TTL: ${after}`);
  assert.ok(s.model.counters.nodeLocalCacheHits > 0 && s.model.counters.servfails > 0);
});

test(`serve_stale on NodeLocal keeps answers working past the TTL, until its duration (seed ${SEED})`, () => {
  const duration = 300;
  const s = build({
    config: {
      nodeLocal: {
        enabled: true,
        nodes: 200,
        cache: { serveStale: "immediate", serveStaleDuration: duration },
      },
    },
  });
  apiDownAt(s, T0 - 60);
  s.at(T0, () => {
    s.model.restartReplica(0);
    s.model.restartReplica(1);
  });
  const pastTtl = s.sample(T0 + 120).successFraction;
  assert.ok(pastTtl > 0.999, `at T0+120: ${pastTtl}`);
  assert.ok(s.model.counters.staleServed > 0);
  const past = s.sample(T0 + duration + 31).successFraction;
  assert.ok(past < 0.01, `after TTL + serve_stale duration: ${past}`);
});

test(`serve_stale verify answers stale only after upstream failed, paying its delay (seed ${SEED})`, () => {
  const forwardTimeout = 2;
  const s = build({
    config: {
      coreDns: { restartBackoffInitial: 200 },
      nodeLocal: {
        enabled: true,
        nodes: 200,
        forwardTimeout,
        cache: { serveStale: "verify", serveStaleDuration: 600 },
      },
    },
  });
  apiDownAt(s, T0 - 60);
  s.at(T0, () => {
    s.model.restartReplica(0);
    s.model.restartReplica(1);
  });
  // Replicas down: every node waits for its forward to time out, then answers stale.
  const down = s.sample(T0 + 100);
  assert.ok(down.successFraction > 0.999, `down: ${down.successFraction}`);
  assert.ok(Math.abs(down.meanLatency - forwardTimeout) < 0.1, `latency ${down.meanLatency}`);
  // Replicas up but unsynced: the SERVFAIL comes at once, and so does the stale answer.
  const servfailing = s.sample(T0 + 260);
  assert.ok(servfailing.successFraction > 0.999, `servfail: ${servfailing.successFraction}`);
  assert.ok(servfailing.meanLatency < 0.1, `latency ${servfailing.meanLatency}`);
});

test(`a CoreDNS restart during the outage loses cluster names until the API is back (seed ${SEED})`, () => {
  const s = build();
  const apiBack = T0 + 600;
  apiDownAt(s, T0);
  s.at(T0 + 60, () => {
    s.model.restartReplica(0);
    s.model.restartReplica(1);
  });
  s.at(apiBack, () => (s.plane.apiUp = true));
  assert.ok(s.sample(T0 + 59).successFraction > 0.999);
  const during = s.sample(T0 + 300);
  assert.ok(during.successFraction < 0.001, `during: ${during.successFraction}`);
  for (const r of s.model.replicas()) {
    assert.ok(r.up && !r.synced && !r.ready, JSON.stringify(r));
    // Nobody can take it out of the kube-dns endpoints while the API is down.
    assert.ok(r.inService && r.offeredQps > 0, JSON.stringify(r));
  }
  assert.deepEqual([...s.plane.restarts].sort(), [0, 1]);
  const external = build({ workloads: [workload({ names: [AUTH, EXTERNAL] })] });
  apiDownAt(external, T0);
  external.at(T0 + 60, () => external.model.restartReplica(0));
  external.at(T0 + 60, () => external.model.restartReplica(1));
  // glibc walks past the SERVFAILs of the cluster zone: external names still resolve.
  assert.ok(external.sample(T0 + 300, "api.example.com").successFraction > 0.999);
  const recovered = s.sample(apiBack + 2);
  assert.ok(
    recovered.successFraction > 0.999,
    `after the API is back: ${recovered.successFraction}`,
  );
  assert.ok(s.model.replicas().every((r) => r.ready && !r.stale));
});

test(`with the API up, a dead replica leaves the kube-dns endpoints: no lookup fails (seed ${SEED})`, () => {
  const s = build();
  s.at(T0, () => s.model.restartReplica(0));
  const result = s.sample(T0 + 5);
  const [dead, alive] = s.model.replicas();
  assert.ok(!dead!.up && !dead!.inService && dead!.offeredQps === 0, JSON.stringify(dead));
  assert.ok(alive!.inService && alive!.offeredQps > 0, JSON.stringify(alive));
  assert.ok(result.successFraction > 0.999, `success ${result.successFraction}`);
  // Restarted, it lists at once and is ready again.
  s.sim.run({ until: T0 + 15 });
  assert.ok(s.model.replicas().every((r) => r.ready && r.inService));
});

test(`one of two replicas SERVFAILing: glibc's retry lands on the other (seed ${SEED})`, () => {
  const s = build();
  apiDownAt(s, T0);
  s.at(T0 + 60, () => s.model.restartReplica(0));
  const result = s.sample(T0 + 300);
  const attempts = 2;
  assert.ok(
    Math.abs(result.successFraction - (1 - 0.5 ** attempts)) < 0.01,
    `success ${result.successFraction}`,
  );
});

function offeredQps(model: DnsModel): number {
  return model.replicas().reduce((sum, r) => sum + r.offeredQps, 0);
}

test(`ndots:5: a short Service name costs 2 questions, an external name 10 (seed ${SEED})`, () => {
  const rate = 1000;
  const short = build({ workloads: [workload({ lookupsPerSecond: rate, names: [AUTH] })] });
  short.sim.run({ until: 10 });
  const external = build({ workloads: [workload({ lookupsPerSecond: rate, names: [EXTERNAL] })] });
  external.sim.run({ until: 10 });
  assert.ok(
    Math.abs(offeredQps(short.model) / rate - 2) < 1e-6,
    `short ${offeredQps(short.model)}`,
  );
  assert.ok(
    Math.abs(offeredQps(external.model) / rate - 10) < 1e-6,
    `ext ${offeredQps(external.model)}`,
  );
  // kube-proxy spreads them evenly over the two replicas.
  const [a, b] = external.model.replicas();
  assert.ok(Math.abs(a!.offeredQps - b!.offeredQps) < 1e-6);
  assert.equal(external.model.lookup("web", "api.example.com").queriesPerLookup, 10);
});

test(`SERVFAILs and timeouts multiply the query rate through retries (seed ${SEED})`, () => {
  const s = build();
  apiDownAt(s, T0);
  s.sim.run({ until: T0 + 30 });
  const baseline = offeredQps(s.model);
  s.at(T0 + 60, () => s.model.restartReplica(0));
  // Replica 0 down: its half of the questions time out and are retried.
  s.sim.run({ until: T0 + 65 });
  const whileDown = offeredQps(s.model);
  assert.ok(whileDown >= 1.5 * baseline - 1e-6, `down ${whileDown} vs ${baseline}`);
  assert.ok(s.model.lookup("web", "auth").meanLatency > 1);
  // Replica 0 back but unsynced: SERVFAIL, retried, and glibc walks on through the search list.
  const servfailing = s.sample(T0 + 300);
  const rate = offeredQps(s.model);
  assert.ok(rate > 1.5 * baseline, `servfail ${rate} vs ${baseline}`);
  assert.ok(
    servfailing.queriesPerLookup > 3,
    `questions per lookup ${servfailing.queriesPerLookup}`,
  );
  assert.ok(servfailing.meanLatency < 1, `SERVFAIL is fast: ${servfailing.meanLatency}`);
});

test(`an overloaded replica drops queries, runs out of memory and restarts (seed ${SEED})`, () => {
  const s = build({
    config: { coreDns: { capacityQps: 5000 } },
    workloads: [workload({ lookupsPerSecond: 20_000, names: [EXTERNAL] })],
  });
  s.sim.run({ until: 5 });
  const replicas = s.model.replicas();
  assert.ok(
    replicas.some((r) => r.oomKills > 0 || !r.up),
    JSON.stringify(replicas),
  );
});

test(`a replica saturated past its liveness budget is restarted (seed ${SEED})`, () => {
  const budget = 50;
  const s = build({
    config: {
      coreDns: { capacityQps: 5000, memoryLimitBytes: 1e12, livenessBudgetSeconds: budget },
    },
    workloads: [workload({ lookupsPerSecond: 1500, names: [EXTERNAL] })],
  });
  s.sim.run({ until: budget - 5 });
  const saturated = s.model.replicas();
  assert.ok(
    saturated.every((r) => r.up && r.restarts === 0 && r.cpuUtilisation > 1),
    JSON.stringify(saturated),
  );
  s.sim.run({ until: budget + 5 });
  const after = s.model.replicas();
  assert.ok(
    after.every((r) => r.restarts >= 1 && r.oomKills === 0),
    JSON.stringify(after),
  );
});

test(`prefetch refreshes popular entries before they expire: fewer cache misses (seed ${SEED})`, () => {
  const misses = (prefetch: boolean) => {
    const s = build({ config: { coreDns: { cache: { prefetch } } } });
    s.sim.run({ until: 600 });
    return s.model.counters.coreDnsCacheMisses;
  };
  const without = misses(false);
  const withPrefetch = misses(true);
  assert.ok(withPrefetch < 0.1 * without, `with ${withPrefetch}, without ${without}`);
});

test("a Service name no search domain can turn into a Service is refused", () => {
  assert.throws(
    () => build({ workloads: [workload({ names: [{ name: "a.b.c", share: 1, service: "a" }] })] }),
    /a\.b\.c/,
  );
});

test(`same seed, same outputs (seed ${SEED})`, () => {
  const run = () => {
    const s = build({
      workloads: [workload({ names: [AUTH, EXTERNAL], appCacheTtl: 30 })],
      churning: new Map([["auth", 300]]),
      config: { nodeLocal: { enabled: true } },
    });
    apiDownAt(s, T0);
    s.at(T0 + 60, () => s.model.restartReplica(1));
    const trace: unknown[] = [];
    for (let t = T0 - 10; t < T0 + 400; t += 10) {
      s.sim.run({ until: t });
      trace.push(s.model.lookups(), s.model.replicas(), s.model.counters);
    }
    return JSON.stringify(trace);
  };
  assert.equal(run(), run());
});
