/**
 * The global traffic manager: each product's traffic is split across clusters by shares; a
 * shift moves part of one cluster's traffic to others, never past a receiver's capacity. The
 * fleet layer feeds `weight(cluster, product)` (or `load(cluster)`) into the workload model.
 */
import type { Simulation } from "../../sim/index.js";
import type { OpsEventLog } from "./event-log.js";

export interface ProductTraffic {
  name: string;
  /** Total demand of the product, in the same unit as cluster capacities (e.g. requests/s). */
  demand: number;
  /** Fraction of the product's traffic per cluster; should sum to 1. */
  shares: Record<string, number>;
}

export interface TrafficConfig {
  products: ProductTraffic[];
  /** Traffic each cluster can take in all, same unit as demand. Missing = no headroom. */
  capacity: Record<string, number>;
}

export interface ShiftResult {
  /** Traffic asked to move (demand units). */
  requested: number;
  /** Traffic moved; less than requested when receivers lacked headroom. */
  moved: number;
  /** Traffic each receiver got. */
  received: Record<string, number>;
}

// Below this a remaining headroom or amount is rounding noise, not traffic.
const NEGLIGIBLE = 1e-12;

export type TrafficListener = () => void;

export class GlobalTrafficManager {
  private readonly products: { name: string; demand: number; shares: Map<string, number> }[];
  private readonly capacity: Map<string, number>;
  private readonly listeners: TrafficListener[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly log: OpsEventLog,
    config: TrafficConfig,
  ) {
    this.capacity = new Map(Object.entries(config.capacity));
    this.products = config.products.map((p) => {
      if (!(p.demand >= 0)) throw new RangeError(`product ${p.name}: demand must be >= 0`);
      for (const [cluster, share] of Object.entries(p.shares)) {
        if (!(share >= 0)) throw new RangeError(`product ${p.name}: share of ${cluster} < 0`);
      }
      return { name: p.name, demand: p.demand, shares: new Map(Object.entries(p.shares)) };
    });
  }

  /** Called after every change of weights. */
  onChange(listener: TrafficListener): void {
    this.listeners.push(listener);
  }

  /** Share of `product`'s traffic routed to `cluster`. */
  weight(cluster: string, product: string): number {
    return this.product(product).shares.get(cluster) ?? 0;
  }

  /** Per-cluster shares of a product. */
  weights(product: string): Record<string, number> {
    return Object.fromEntries(this.product(product).shares);
  }

  /** Traffic of all products on `cluster` (demand units). */
  load(cluster: string): number {
    let total = 0;
    for (const p of this.products) total += p.demand * (p.shares.get(cluster) ?? 0);
    return total;
  }

  /** Capacity minus load, never negative. */
  headroom(cluster: string): number {
    return Math.max(0, (this.capacity.get(cluster) ?? 0) - this.load(cluster));
  }

  /** Sets a cluster's capacity (e.g. after scaling its nodes). */
  setCapacity(cluster: string, capacity: number): void {
    if (!(capacity >= 0)) throw new RangeError(`capacity of ${cluster} must be >= 0`);
    this.capacity.set(cluster, capacity);
  }

  /**
   * Moves `fraction` of `from`'s traffic (every product, or only `product`) to the clusters
   * `to`, split in proportion to their headroom and never beyond it.
   */
  shift(from: string, to: readonly string[], fraction: number, product?: string): ShiftResult {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new RangeError(`shift fraction must be in [0, 1], got ${fraction}`);
    }
    const products = product === undefined ? this.products : [this.product(product)];
    const receivers = [...new Set(to)].filter((name) => name !== from);
    const headroom = receivers.map((name) => this.headroom(name));
    const available = headroom.reduce((a, b) => a + b, 0);
    let requested = 0;
    for (const p of products) requested += p.demand * (p.shares.get(from) ?? 0) * fraction;
    const moved = available > NEGLIGIBLE ? Math.min(requested, available) : 0;
    const received: Record<string, number> = {};
    if (moved > NEGLIGIBLE) {
      // Every product moves the same proportion of what was asked, so mixes stay as they were.
      const scale = moved / requested;
      for (const p of products) {
        const share = p.shares.get(from) ?? 0;
        const shareMoved = share * fraction * scale;
        if (shareMoved <= 0) continue;
        p.shares.set(from, share - shareMoved);
        receivers.forEach((name, i) => {
          const portion = shareMoved * (headroom[i] / available);
          p.shares.set(name, (p.shares.get(name) ?? 0) + portion);
          received[name] = (received[name] ?? 0) + portion * p.demand;
        });
      }
    }
    this.log.record({
      t: this.sim.now,
      cluster: from,
      actor: "traffic-manager",
      kind: "shift",
      detail:
        `${(fraction * 100).toFixed(0)}% of ${product ?? "all products"} to ` +
        `${receivers.join(", ") || "nowhere"}: moved ${moved.toFixed(3)} of ${requested.toFixed(3)}` +
        (moved < requested - NEGLIGIBLE ? " (receivers' capacity exhausted)" : ""),
      ok: moved >= requested - NEGLIGIBLE,
    });
    if (moved > NEGLIGIBLE) for (const listener of this.listeners) listener();
    return { requested, moved, received };
  }

  private product(name: string) {
    const found = this.products.find((p) => p.name === name);
    if (found === undefined) throw new Error(`unknown product "${name}"`);
    return found;
  }
}
