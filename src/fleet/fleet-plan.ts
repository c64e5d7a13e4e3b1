/**
 * Which clusters a run simulates. A class of identical clusters is simulated once per rollout
 * wave it takes part in, and that one simulated cluster stands for (is weighted by) the class's
 * clusters in the wave; `--full` simulates every cluster on its own.
 */
import type { Scenario } from "../scenario/index.js";

export interface ClusterInstance {
  /** Unique name: the class, its wave, and its index under --full. */
  name: string;
  classIndex: number;
  className: string;
  /** Clusters of the fleet this simulated cluster stands for. */
  weight: number;
  /** Index of the pipeline wave that reaches it, or undefined if the change never does. */
  wave: number | undefined;
}

/** Clusters of each class in each wave: waves × classes, from the scenario's pipeline. */
export function waveAssignment(scenario: Scenario): number[][] {
  const pipeline = scenario.pipeline;
  if (pipeline === undefined) return [];
  const remaining = scenario.clusters.map((c) => c.count);
  return pipeline.waves.map((wave) =>
    scenario.clusters.map((cluster, classIndex) => {
      const wanted = wave.clusters[cluster.name];
      if (wanted === undefined) return 0;
      const count =
        wanted === "all" ? remaining[classIndex] : Math.min(wanted, remaining[classIndex]);
      remaining[classIndex] -= count;
      return count;
    }),
  );
}

export function planFleet(scenario: Scenario, full: boolean): ClusterInstance[] {
  const waves = waveAssignment(scenario);
  const instances: ClusterInstance[] = [];
  scenario.clusters.forEach((cluster, classIndex) => {
    const groups: { wave: number | undefined; count: number }[] = [];
    let assigned = 0;
    waves.forEach((counts, wave) => {
      if (counts[classIndex] > 0) groups.push({ wave, count: counts[classIndex] });
      assigned += counts[classIndex];
    });
    if (assigned < cluster.count) groups.push({ wave: undefined, count: cluster.count - assigned });
    const single = groups.length === 1;
    for (const group of groups) {
      const label = single
        ? cluster.name
        : `${cluster.name}/${group.wave === undefined ? "none" : `w${group.wave + 1}`}`;
      if (!full || group.count === 1) {
        instances.push({
          name: label,
          classIndex,
          className: cluster.name,
          weight: group.count,
          wave: group.wave,
        });
        continue;
      }
      for (let i = 0; i < group.count; i++) {
        instances.push({
          name: `${label}#${i + 1}`,
          classIndex,
          className: cluster.name,
          weight: 1,
          wave: group.wave,
        });
      }
    }
  });
  return instances;
}
