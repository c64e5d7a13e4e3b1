/**
 * Test drivers for the node models: kubelets that renew their lease every 10 s at a seeded phase
 * unless a predicate blocks them, an API whose reachability a predicate decides, and a log of
 * everything the pool announces.
 */
import { Simulation } from "../../src/sim/index.js";
import {
  NodeLifecycleController,
  NodePool,
  nodesConfig,
  type ControllerApi,
  type NodesConfig,
} from "../../src/model/nodes/index.js";

/** Kubelet lease renew interval (facts §4). */
export const LEASE_RENEW_SECONDS = 10;

export type Predicate = (node: number, now: number) => boolean;

/**
 * One kernel event per second renews the leases of the nodes whose phase matches, so the whole
 * population costs ten events per lease period rather than one chain per node.
 */
export class TestKubelets {
  readonly phase: Uint8Array;
  readonly lastRenewal: Float64Array;
  private tick = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly pool: NodePool,
    private readonly renewalFails: Predicate,
  ) {
    const random = sim.random("test-kubelets");
    this.phase = new Uint8Array(pool.size);
    this.lastRenewal = new Float64Array(pool.size);
    for (let node = 0; node < pool.size; node++) {
      this.phase[node] = random.integer(0, LEASE_RENEW_SECONDS - 1);
    }
    sim.schedule(0, this.renew);
  }

  private readonly renew = (): void => {
    const now = this.sim.now;
    const slot = this.tick % LEASE_RENEW_SECONDS;
    for (let node = 0; node < this.phase.length; node++) {
      if (this.phase[node] !== slot || this.pool.isRemoved(node)) continue;
      if (this.renewalFails(node, now)) continue;
      this.pool.recordLeaseRenewal(node, now);
      this.lastRenewal[node] = now;
    }
    this.tick++;
    this.sim.schedule(1, this.renew);
  };
}

export class TestApi implements ControllerApi {
  calls = 0;
  constructor(
    private readonly sim: Simulation,
    private readonly up: (now: number) => boolean = () => true,
  ) {}
  reachable(): boolean {
    this.calls++;
    return this.up(this.sim.now);
  }
}

export interface NodeLog {
  readiness: { node: number; ready: boolean; at: number }[];
  taints: { node: number; tainted: boolean; at: number }[];
  evictions: { node: number; pods: number; at: number }[];
}

export interface Harness {
  sim: Simulation;
  pool: NodePool;
  api: TestApi;
  kubelets: TestKubelets;
  controller: NodeLifecycleController;
  config: NodesConfig;
  log: NodeLog;
}

export function harness(
  seed: number,
  overrides: Partial<NodesConfig>,
  renewalFails: Predicate,
  apiUp?: (now: number) => boolean,
): Harness {
  const sim = new Simulation(seed);
  const config = nodesConfig(overrides);
  const pool = new NodePool(config);
  const api = new TestApi(sim, apiUp);
  const kubelets = new TestKubelets(sim, pool, renewalFails);
  const controller = new NodeLifecycleController(sim, pool, api, config);
  const log: NodeLog = { readiness: [], taints: [], evictions: [] };
  controller.subscribe({
    onNodeReadinessChanged: (node, ready, at) => log.readiness.push({ node, ready, at }),
    onNodeTaintChanged: (node, tainted, at) => log.taints.push({ node, tainted, at }),
    onPodsEvicted: (node, pods, at) => log.evictions.push({ node, pods, at }),
  });
  controller.start();
  return { sim, pool, api, kubelets, controller, config, log };
}

/** The first `count` nodes of a zone. */
export function firstInZone(pool: NodePool, zone: number, count: number): Set<number> {
  return new Set(pool.nodesInZone(zone).slice(0, count));
}
