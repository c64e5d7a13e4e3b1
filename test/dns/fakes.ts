/** Test doubles for the DNS model's inputs: an informer feed and endpoint churn. */
import type { Simulation } from "../../src/sim/index.js";
import type { DnsModelInputs, ServiceStoreFeed } from "../../src/model/dns/index.js";

/**
 * Every replica's informer as the API allows it: it lists at once while the API is up, keeps
 * its store when the API goes down (watch broken, still synced), and after a restart stays
 * unsynced until the API is back.
 */
export class FakeControlPlane implements ServiceStoreFeed {
  apiUp = true;
  readonly restarts: number[] = [];
  private readonly synced: boolean[];

  constructor(replicas: number) {
    this.synced = Array.from({ length: replicas }, () => true);
  }

  hasSynced(replica: number): boolean {
    if (!this.synced[replica] && this.apiUp) this.synced[replica] = true;
    return this.synced[replica]!;
  }

  isWatching(replica: number): boolean {
    return this.apiUp && this.synced[replica]!;
  }

  restart(replica: number): void {
    this.restarts.push(replica);
    this.synced[replica] = false;
  }
}

/**
 * Inputs over a fake control plane. Endpoints of the services in `churning` are replaced at
 * random with the given mean lifetime (s): the fraction unchanged since t is exp(-(now-t)/life).
 */
export function fakeInputs(
  sim: Simulation,
  plane: FakeControlPlane,
  churning: ReadonlyMap<string, number> = new Map(),
): DnsModelInputs {
  return {
    feed: plane,
    kubeDnsEndpoints: { canUpdateEndpoints: () => plane.apiUp },
    endpoints: {
      endpointsValidSince(service: string, since: number): number {
        const life = churning.get(service);
        if (life === undefined) return 1;
        return Math.exp(-Math.max(0, sim.now - since) / life);
      },
    },
  };
}
