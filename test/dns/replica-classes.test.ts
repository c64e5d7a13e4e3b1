import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/index.js";
import {
  DnsModel,
  FluidCache,
  dnsConfig,
  type DnsConfigOverrides,
  type DnsModelInputs,
  type ServiceStoreFeed,
} from "../../src/model/dns/index.js";

const SEED = 11;

/**
 * Replicas in groups that follow one script each: the watch breaks at `watchBreaksAt`, a
 * restarted replica syncs again at `relistAt`, and the watch is open again from then on.
 */
class ScriptedFeed implements ServiceStoreFeed {
  private readonly synced: boolean[];

  constructor(
    private readonly sim: Simulation,
    replicas: number,
    private readonly groupOf: (replica: number) => number,
    private readonly watchBreaksAt: number[],
    private readonly relistAt: number[],
  ) {
    this.synced = Array.from({ length: replicas }, () => true);
  }

  hasSynced(replica: number): boolean {
    if (!this.synced[replica] && this.sim.now >= this.relistAt[this.groupOf(replica)]!) {
      this.synced[replica] = true;
    }
    return this.synced[replica]!;
  }

  isWatching(replica: number): boolean {
    const g = this.groupOf(replica);
    const broken = this.sim.now >= this.watchBreaksAt[g]! && this.sim.now < this.relistAt[g]!;
    return this.synced[replica]! && !broken;
  }

  restart(replica: number): void {
    this.synced[replica] = false;
  }
}

const API_DOWN = 100;
const API_BACK = 400;

/**
 * A cluster scaled by `factor`: `2 * factor` replicas in two groups (replica r in group r % 2),
 * with pods, nodes and lookups scaled alike. Group 0 is restarted during the outage and
 * relists when the API is back; group 1's watch breaks later and reopens later.
 */
function scaledRun(factor: number, config: DnsConfigOverrides, appCacheTtl: number) {
  const sim = new Simulation(SEED);
  const replicas = 2 * factor;
  const base = dnsConfig(config);
  const feed = new ScriptedFeed(
    sim,
    replicas,
    (r) => r % 2,
    [API_DOWN, API_DOWN + 20],
    [API_BACK, API_BACK + 30],
  );
  const apiUp = () => sim.now < API_DOWN || sim.now >= API_BACK;
  const inputs: DnsModelInputs = {
    feed,
    kubeDnsEndpoints: { canUpdateEndpoints: apiUp },
    endpoints: {
      endpointsValidSince: (service, since) =>
        service === "auth" ? Math.exp(-Math.max(0, sim.now - since) / 300) : 1,
    },
  };
  const model = new DnsModel(
    sim,
    dnsConfig({
      ...config,
      coreDns: { ...config.coreDns, replicas },
      nodeLocal: { ...config.nodeLocal, nodes: base.nodeLocal.nodes * factor },
    }),
    [
      {
        name: "web",
        namespace: "payments",
        pods: 300 * factor,
        lookupsPerSecond: 900 * factor,
        names: [
          { name: "auth", share: 2, service: "auth" },
          { name: "api.example.com", share: 1 },
        ],
        appCacheTtl,
      },
    ],
    inputs,
  );
  sim.scheduleAt(API_DOWN + 50, () => {
    for (let r = 0; r < replicas; r += 2) model.restartReplica(r);
  });
  const samples: {
    lookups: ReturnType<DnsModel["lookups"]>;
    replicas: number[][];
    counters: number[];
  }[] = [];
  for (let t = 50; t <= 900; t += 25) {
    sim.run({ until: t });
    samples.push({
      lookups: model.lookups(),
      // Group g of the scaled cluster against replica g of the unscaled one.
      replicas: [0, 1].map((g) => {
        const s = model.replica(g);
        return [s.offeredQps, s.memoryBytes, s.restarts, Number(s.ready), Number(s.inService)];
      }),
      counters: Object.values(model.counters).map((v) => v / factor),
    });
  }
  return { samples, model };
}

function assertClose(actual: number, expected: number, what: string): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * scale,
    `${what}: ${actual} vs ${expected} (seed ${SEED})`,
  );
}

const VARIANTS: Array<[string, DnsConfigOverrides, number]> = [
  ["plain", {}, 0],
  ["app cache", {}, 30],
  ["NodeLocal", { nodeLocal: { enabled: true, nodes: 50 } }, 0],
  [
    "serve_stale verify, prefetch",
    {
      coreDns: { cache: { serveStale: "verify", serveStaleDuration: 600, prefetch: true } },
      nodeLocal: { enabled: true, nodes: 50, cache: { serveStale: "immediate" } },
    },
    30,
  ],
];

for (const [variant, config, appCacheTtl] of VARIANTS) {
  test(`replicas grouped in classes behave as one replica each (${variant}, seed ${SEED})`, () => {
    const one = scaledRun(1, config, appCacheTtl);
    const many = scaledRun(7, config, appCacheTtl);
    // Two groups of seven identical replicas: two classes, like two lone replicas.
    assert.equal(many.model.replicaClasses(), 2);
    one.samples.forEach((expected, i) => {
      const actual = many.samples[i]!;
      expected.lookups.forEach((l, j) => {
        const a = actual.lookups[j]!;
        assertClose(a.successFraction, l.successFraction, `sample ${i} ${l.name} success`);
        assertClose(a.answeredFraction, l.answeredFraction, `sample ${i} ${l.name} answered`);
        assertClose(a.meanLatency, l.meanLatency, `sample ${i} ${l.name} latency`);
        assertClose(a.queriesPerLookup, l.queriesPerLookup, `sample ${i} ${l.name} questions`);
      });
      expected.replicas.forEach((r, g) =>
        r.forEach((v, f) =>
          assertClose(actual.replicas[g]![f]!, v, `sample ${i} group ${g} [${f}]`),
        ),
      );
      expected.counters.forEach((v, c) => assertClose(actual.counters[c]!, v, `counter ${c}`));
    });
    // The scenario does exercise what classes must get right.
    const last = one.samples.at(-1)!;
    assert.ok(last.replicas[0]![2]! >= 1, "group 0 was restarted");
    assert.ok(
      one.samples.some((s) => s.lookups[0]!.successFraction < 0.9),
      "the outage shows in the lookups",
    );
  });
}

test(`replicas split by their informers merge again once their states agree (seed ${SEED})`, () => {
  const sim = new Simulation(SEED);
  const replicas = 64;
  const relistAt = Array.from({ length: 4 }, (_, g) => 200 + g);
  const feed = new ScriptedFeed(sim, replicas, (r) => r % 4, [100, 100, 100, 100], relistAt);
  const model = new DnsModel(
    sim,
    dnsConfig({ coreDns: { replicas } }),
    [
      {
        name: "web",
        namespace: "payments",
        pods: 100,
        lookupsPerSecond: 500,
        names: [{ name: "auth", share: 1, service: "auth" }],
      },
    ],
    {
      feed,
      kubeDnsEndpoints: { canUpdateEndpoints: () => sim.now < 100 || sim.now >= 200 },
      endpoints: { endpointsValidSince: () => 1 },
    },
  );
  sim.run({ until: 50 });
  assert.equal(model.replicaClasses(), 1, `steady state (seed ${SEED})`);
  // Every replica killed on its own at the same instant: identical states, one class again.
  sim.scheduleAt(120, () => {
    for (let r = 0; r < replicas; r++) model.restartReplica(r);
  });
  sim.run({ until: 125 });
  assert.ok(model.replicaClasses() <= 2, `after identical restarts: ${model.replicaClasses()}`);
  // Relisting a tick apart splits them; once their data is as old, they merge.
  sim.run({ until: 205 });
  assert.ok(model.replicaClasses() >= 4, `while relisting: ${model.replicaClasses()}`);
  const replicaStates = model.replicas();
  assert.ok(
    replicaStates.every((r) => r.ready && r.restarts === 1),
    JSON.stringify(replicaStates[0]),
  );
  sim.run({ until: 2000 });
  assert.ok(model.replicaClasses() <= 4, `later: ${model.replicaClasses()}`);
  assert.ok(model.lookup("web", "auth").successFraction > 0.999);
});

test("a cloned fluid cache evolves exactly as the original; closeTo tells them apart", () => {
  const original = new FluidCache(30, 20);
  original.warm(0);
  for (let t = 0; t < 10; t++) {
    original.advance();
    original.refresh(0.3, t);
  }
  const copy = original.clone();
  assert.ok(copy.closeTo(original, 0, 0));
  for (let t = 10; t < 80; t++) {
    for (const cache of [original, copy]) {
      cache.advance();
      if (t < 40) cache.refresh(0.5, t);
      else cache.prefetch(0.2, t);
    }
    assert.equal(copy.valid, original.valid);
    assert.equal(copy.stale, original.stale);
    assert.equal(copy.dataAsOf, original.dataAsOf);
  }
  assert.ok(copy.closeTo(original, 0, 0));
  copy.refresh(0.01, 100);
  assert.ok(!copy.closeTo(original, 1e-9, 1e-6));
  assert.ok(copy.closeTo(original, 0.1, 100));
});

test(`classes of unequal size get their share of the questions (seed ${SEED})`, () => {
  const sim = new Simulation(SEED);
  const replicas = 8;
  const restarted = [0, 5];
  // The API goes down at 100; restarted replicas cannot relist and answer SERVFAIL.
  const feed = new ScriptedFeed(sim, replicas, () => 0, [100], [Infinity]);
  const model = new DnsModel(
    sim,
    dnsConfig({ coreDns: { replicas } }),
    [
      {
        name: "web",
        namespace: "payments",
        pods: 100,
        lookupsPerSecond: 500,
        names: [{ name: "auth", share: 1, service: "auth" }],
      },
    ],
    {
      feed,
      kubeDnsEndpoints: { canUpdateEndpoints: () => sim.now < 100 },
      endpoints: { endpointsValidSince: () => 1 },
    },
  );
  sim.scheduleAt(160, () => restarted.forEach((r) => model.restartReplica(r)));
  sim.run({ until: 400 });
  assert.equal(model.replicaClasses(), 2);
  const attempts = 2;
  const servfailing = restarted.length / replicas;
  const success = model.lookup("web", "auth").successFraction;
  assert.ok(
    Math.abs(success - (1 - servfailing ** attempts)) < 0.01,
    `success ${success} (seed ${SEED})`,
  );
  const offered = model.replicas().map((r) => r.offeredQps);
  assert.ok(
    offered.every((q) => Math.abs(q - offered[0]!) < 1e-9 * offered[0]!),
    `kube-proxy spreads evenly: ${offered.join(", ")} (seed ${SEED})`,
  );
});

test(`readyReplicas counts the ready replicas of every class (seed ${SEED})`, () => {
  const sim = new Simulation(SEED);
  const replicas = 6;
  const feed = new ScriptedFeed(sim, replicas, () => 0, [100], [Infinity]);
  const model = new DnsModel(sim, dnsConfig({ coreDns: { replicas } }), [], {
    feed,
    kubeDnsEndpoints: { canUpdateEndpoints: () => sim.now < 100 },
    endpoints: { endpointsValidSince: () => 1 },
  });
  sim.scheduleAt(150, () => [1, 4].forEach((r) => model.restartReplica(r)));
  for (const t of [50, 151, 200]) {
    sim.run({ until: t });
    const expected = model.replicas().filter((r) => r.ready).length;
    assert.equal(model.readyReplicas(), expected, `t=${t} (seed ${SEED})`);
  }
  assert.equal(model.readyReplicas(), replicas - 2);
});
