/**
 * What a scenario costs to simulate, known before it runs: how many clusters are simulated,
 * how many client chains wait in the kernel's event queue at once, and the simulated work
 * (node-seconds) that the run budget is checked against.
 */
import type { ClusterClass } from "./resolve-cluster.js";

/** Pending events the kernel can hold at once (src/sim/event-queue.ts, 2^24 slots). */
export const KERNEL_PENDING_EVENTS = 16_777_216;

/**
 * Client chains allowed at once: each may hold a second event (its request's timeout or a
 * retry) besides its own, so half the kernel's slots.
 */
export const MAX_CLIENT_CHAINS = KERNEL_PENDING_EVENTS / 2;

/** Lease renewers per simulated cluster at most (grouped renewals, docs/model.md). */
const LEASE_CHAINS = 100;

interface Waves {
  waves: readonly { clusters: Record<string, number | "all"> }[];
}

/** Simulated clusters per class: one per wave it takes part in (and one for the rest), or every cluster with full. */
export function simulatedPerClass(
  clusters: readonly ClusterClass[],
  pipeline: Waves | undefined,
  full: boolean,
): number[] {
  return clusters.map((cluster) => {
    if (full) return cluster.count;
    let remaining = cluster.count;
    let groups = 0;
    for (const wave of pipeline?.waves ?? []) {
      const wanted = wave.clusters[cluster.name];
      if (wanted === undefined) continue;
      const taken = wanted === "all" ? remaining : Math.min(wanted, remaining);
      if (taken > 0) groups++;
      remaining -= taken;
    }
    return groups + (remaining > 0 ? 1 : 0);
  });
}

/** Client chains of one simulated cluster: a chain per agent call and member, and the leases. */
export function clientChains(cluster: ClusterClass): number {
  let chains = cluster.nodeLeases ? Math.min(cluster.nodes, LEASE_CHAINS) : 0;
  for (const agent of cluster.agents) {
    chains += (agent.perNode ? cluster.nodes : agent.replicas) * agent.calls.length;
  }
  return chains;
}

export interface ScenarioSize {
  simulatedClusters: number;
  clientChains: number;
  /** Nodes simulated × simulated seconds, summed over the simulated clusters. */
  nodeSeconds: number;
}

export function scenarioSize(
  clusters: readonly ClusterClass[],
  pipeline: Waves | undefined,
  durationSeconds: number,
  full: boolean,
): ScenarioSize {
  const perClass = simulatedPerClass(clusters, pipeline, full);
  let simulatedClusters = 0;
  let chains = 0;
  let nodeSeconds = 0;
  clusters.forEach((cluster, index) => {
    simulatedClusters += perClass[index];
    chains += perClass[index] * clientChains(cluster);
    nodeSeconds += perClass[index] * cluster.nodes * durationSeconds;
  });
  return { simulatedClusters, clientChains: chains, nodeSeconds };
}

/** The message for a scenario whose clients would not fit in the kernel, or undefined. */
export function pendingEventsProblem(size: ScenarioSize): string | undefined {
  if (size.clientChains <= MAX_CLIENT_CHAINS) return undefined;
  return (
    `the scenario keeps ${size.clientChains.toLocaleString("en-US")} client chains waiting at once ` +
    `(per-node agent calls × nodes, and lease renewers, over ${size.simulatedClusters.toLocaleString("en-US")} simulated clusters); ` +
    `the simulator holds at most ${MAX_CLIENT_CHAINS.toLocaleString("en-US")}: use fewer nodes, per-node calls or cluster classes`
  );
}
