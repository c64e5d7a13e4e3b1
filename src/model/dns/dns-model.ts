/**
 * A cluster's DNS as a fluid model: CoreDNS replicas (their `kubernetes` plugin store and
 * `cache`), optional NodeLocal DNSCache on every node, and the pods' stub resolvers and
 * application caches. Lookups are rates and caches are fractions, updated by one periodic tick;
 * no query is simulated on its own.
 *
 * Per tick: caches age one tick; replicas start, sync or go stale from their informer feed;
 * each question's outcome is computed bottom-up (replica, kube-dns Service, node cache);
 * each lookup walks its resolver's search list over those outcomes; the queries that result
 * flow top-down through the caches (refreshing them) to the replicas, whose load decides
 * whether they drop queries on the next tick, run out of memory or fail their liveness probe.
 *
 * Replicas in the same state are computed once per class (replica-class.ts), and the tick
 * reuses its scratch objects, so its cost grows with the names and the distinct replica
 * states, not with the replicas. The names live in name-table.ts, the replicas in
 * coredns-replicas.ts, the flow of one tick's questions in query-flow.ts.
 */
import type { Simulation } from "../../sim/index.js";
import type { DnsConfig } from "./config.js";
import { CoreDnsReplicas } from "./coredns-replicas.js";
import type {
  DnsCounters,
  DnsModelInputs,
  DnsWorkload,
  LookupResult,
  ReplicaStatus,
} from "./dns-types.js";
import { NameTable } from "./name-table.js";
import { QueryFlow } from "./query-flow.js";

export class DnsModel {
  private readonly tick: number;
  private readonly names: NameTable;
  private readonly coreDns: CoreDnsReplicas;
  private readonly flow: QueryFlow;
  private ticks = 0;
  private handle: number | null = null;
  private readonly tickCallback = (): void => this.onTick();

  constructor(
    private readonly sim: Simulation,
    readonly config: DnsConfig,
    workloads: readonly DnsWorkload[],
    private readonly inputs: DnsModelInputs,
  ) {
    this.tick = config.tickSeconds;
    if (!(this.tick > 0)) throw new RangeError(`tickSeconds must be > 0, got ${this.tick}`);
    const replicas = config.coreDns.replicas;
    if (!(replicas >= 1) || !Number.isInteger(replicas)) {
      throw new RangeError(`coreDns.replicas must be an integer ≥ 1, got ${replicas}`);
    }
    this.names = new NameTable(sim, config, this.tick);
    for (const workload of workloads) this.names.addWorkload(workload);
    this.coreDns = new CoreDnsReplicas(sim, config, this.names.keys);
    this.flow = new QueryFlow(sim, config, this.names, this.coreDns, inputs);
    this.handle = sim.schedule(this.tick, this.tickCallback);
  }

  /** Change a workload's application lookup rate (applies from the next tick). */
  setLookupRate(workload: string, lookupsPerSecond: number): void {
    const w = this.names.workload(workload);
    if (w === undefined) throw new Error(`unknown DNS workload ${workload}`);
    w.lookupsPerSecond = lookupsPerSecond;
  }

  /** Kill replica r's process now (eviction, a test); it restarts after the backoff delay. */
  restartReplica(replica: number): void {
    this.coreDns.restart(replica, this.ticks);
  }

  /** Stop ticking. */
  stop(): void {
    if (this.handle !== null) this.sim.cancel(this.handle);
    this.handle = null;
  }

  /** The last tick's outcome for one workload's name. */
  lookup(workload: string, name: string): LookupResult {
    const found = this.names.lookup(workload, name);
    if (found === undefined) throw new Error(`no DNS lookup of ${name} by ${workload}`);
    return { ...found.result };
  }

  lookups(): LookupResult[] {
    return this.names.lookups.map((l) => ({ ...l.result }));
  }

  replica(replica: number): ReplicaStatus {
    return this.coreDns.status(replica);
  }

  replicas(): ReplicaStatus[] {
    return Array.from({ length: this.coreDns.count }, (_, r) => this.replica(r));
  }

  /** Replicas that are ready (up and synced), without building every replica's status. */
  readyReplicas(): number {
    return this.coreDns.ready();
  }

  /** How many classes of identical replicas the model computes now (a cost measure). */
  replicaClasses(): number {
    return this.coreDns.classes.length;
  }

  get counters(): DnsCounters {
    return { ...this.flow.totals };
  }

  private onTick(): void {
    const now = this.sim.now;
    const keys = this.names.keys;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      key.nodeLocal?.advance();
      key.demand = 0;
    }
    this.coreDns.advanceCaches();
    for (const lookup of this.names.lookups) lookup.appCache?.advance();
    this.coreDns.updateFromFeed(this.inputs.feed, this.inputs.kubeDnsEndpoints, this.ticks, now);
    this.ticks += 1;
    this.coreDns.mergeIfDue(this.ticks, now);
    this.coreDns.routingWeights();
    this.flow.run(this.ticks, now);
    this.coreDns.updateLoad(now);
    this.handle = this.sim.schedule(this.tick, this.tickCallback);
  }
}
