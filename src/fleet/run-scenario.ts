/**
 * Runs a scenario: builds each cluster class once on one kernel (a class stands for `count`
 * identical clusters), runs to the scenario's end or a limit, and summarises every cluster.
 */
import { Simulation, type StopReason } from "../sim/index.js";
import type { Scenario } from "../scenario/index.js";
import { buildCluster, type BuiltCluster } from "./build-cluster.js";
import type { InformersStats } from "../model/clients/informers.js";
import { ControlPlaneObserver, type ClusterSummary } from "./control-plane-observer.js";
import { prometheusText } from "../metrics/index.js";

/** Metrics are kept per minute: SLOs and charts speak of per-minute p99s. */
const METRICS_STEP_SECONDS = 60;

export interface ClusterClassResult extends ClusterSummary {
  /** Clusters of the fleet this simulated cluster stands for. */
  count: number;
  nodes: number;
  kubernetesVersion: string;
  apf: boolean;
  /** What each informer population went through. */
  informers: ({ name: string } & InformersStats)[];
}

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Called during long runs with the simulated time. */
  onProgress?: (now: number) => void;
  /** Receives the run's metrics, in Prometheus text format, once it ends. */
  onMetrics?: (prometheusText: string) => void;
}

export interface FleetSummary {
  clusterClasses: number;
  clusters: number;
  nodes: number;
  pods: number;
}

/** Everything a run produced. Deterministic: no wall-clock figures, so equal runs are equal bytes. */
export interface RunResult {
  scenario: { name: string; source: string };
  seed: number;
  /** ISO 8601 instants of simulated time 0 and of the end, when the scenario names a start. */
  start: string | undefined;
  end: string | undefined;
  timeZone: string | undefined;
  simulatedSeconds: number;
  fleet: FleetSummary;
  /** Components simulated in this run. */
  components: string[];
  /** One simulated cluster per class, weighted by its count. */
  clusters: ClusterClassResult[];
  outcome: {
    stopReason: StopReason;
    /** True when a limit cut the run short. */
    limitHit: boolean;
    events: number;
    message: string;
  };
}

export function summarizeFleet(scenario: Scenario): FleetSummary {
  let clusters = 0;
  let nodes = 0;
  let pods = 0;
  for (const cluster of scenario.clusters) {
    clusters += cluster.count;
    nodes += cluster.count * cluster.nodes;
    pods += Math.round(cluster.count * cluster.nodes * cluster.podsPerNode);
  }
  return { clusterClasses: scenario.clusters.length, clusters, nodes, pods };
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const sim = new Simulation(seed);
  const observer = new ControlPlaneObserver(scenario.durationSeconds, METRICS_STEP_SECONDS);
  const built: BuiltCluster[] = scenario.clusters.map((spec) =>
    buildCluster(sim, spec, spec.name, observer),
  );
  const outcome = sim.run({
    until: scenario.durationSeconds,
    maxEvents: scenario.limits.maxEvents,
    wallClockBudgetMs:
      scenario.limits.wallClockSeconds === undefined
        ? undefined
        : scenario.limits.wallClockSeconds * 1000,
    onProgress: options.onProgress,
  });
  options.onMetrics?.(prometheusText(observer.recorder));
  const instant = (seconds: number) =>
    scenario.start === undefined
      ? undefined
      : new Date(scenario.start.epochMs + seconds * 1000).toISOString();
  const components = new Set<string>();
  if (built.length > 0) {
    for (const name of ["apiserver", "apf", "etcd"]) components.add(name);
  }
  for (const b of built) {
    if (b.leases !== undefined) components.add("kubelet-leases");
    if (b.agents.length > 0) components.add("agents");
    if (b.informers.length > 0) components.add("informers");
  }
  return {
    scenario: { name: scenario.name, source: scenario.source },
    seed,
    start: instant(0),
    end: instant(outcome.now),
    timeZone: scenario.start?.timeZone,
    simulatedSeconds: outcome.now,
    fleet: summarizeFleet(scenario),
    components: [...components],
    clusters: built.map((b, index) => {
      const spec = scenario.clusters[index];
      return {
        ...observer.summarize(b.cluster),
        count: spec.count,
        nodes: spec.nodes,
        kubernetesVersion: spec.kubernetesVersion,
        apf: spec.apiserver.apf,
        informers: b.informers.map((informers) => ({ name: informers.name, ...informers.stats })),
      };
    }),
    outcome: {
      stopReason: outcome.reason,
      limitHit: outcome.reason === "max-events" || outcome.reason === "wall-clock",
      events: outcome.events,
      message: outcome.message,
    },
  };
}
