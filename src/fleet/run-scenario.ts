/**
 * Runs a scenario: plans which clusters to simulate (a class once per rollout wave, weighted,
 * or every cluster with `full`), builds each as a ClusterWorld on one kernel, adds the fleet's
 * actors (deploy pipeline, alerting, operators, traffic manager), runs to the scenario's end or
 * a limit, and summarises every cluster and the fleet.
 */
import { Simulation, type StopReason } from "../sim/index.js";
import type { Scenario } from "../scenario/index.js";
import type { InformersStats } from "../model/clients/informers.js";
import type { ApiRequest } from "../model/request.js";
import type { Cluster } from "../model/cluster.js";
import { ControlPlaneObserver, type ClusterSummary } from "./control-plane-observer.js";
import { prometheusText } from "../metrics/index.js";
import { planFleet, type ClusterInstance } from "./fleet-plan.js";
import { ClusterWorld, type MinuteSample } from "./cluster-world.js";
import { startOperations, type Operations } from "./operations.js";
import { measureOutcomes, type FleetOutcomes } from "./outcomes.js";
import type { OpsEvent } from "./ops/index.js";

/** Metrics are kept per minute: SLOs and charts speak of per-minute p99s. */
const METRICS_STEP_SECONDS = 60;

export interface ClusterClassResult extends ClusterSummary {
  /** The cluster class this simulated cluster belongs to. */
  className: string;
  /** Clusters of the fleet this simulated cluster stands for. */
  count: number;
  /** The pipeline wave that reaches it (1-based), if any. */
  wave: number | undefined;
  nodes: number;
  kubernetesVersion: string;
  apf: boolean;
  /** What each informer population went through. */
  informers: ({ name: string } & InformersStats)[];
  /** The rolled-out DaemonSet's pods: created, started; when the first and last started. */
  rollout:
    | { podsCreated: number; podsStarted: number; firstStarted: number; lastStarted: number }
    | undefined;
  /** Node lifecycle: evictions and the worst moment. */
  nodeLifecycle: { podsEvicted: number; minReadyNodes: number } | undefined;
  /** One sample per minute, for charts and outcome measures. */
  minutes: MinuteSample[];
}

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Simulate every cluster of the fleet instead of one per class and wave. */
  full?: boolean;
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
  /** Clusters simulated (classes × waves, or every cluster with --full). */
  simulated: number;
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
  /** One simulated cluster per class and wave, weighted by its count. */
  clusters: ClusterClassResult[];
  /** Pipeline, alerting, operators and traffic events, in time order. */
  events: OpsEvent[];
  /** Fleet-level measures: impact, detection, lockout, recovery. */
  outcomes: FleetOutcomes;
  outcome: {
    stopReason: StopReason;
    /** True when a limit cut the run short. */
    limitHit: boolean;
    events: number;
    message: string;
  };
}

export function summarizeFleet(
  scenario: Scenario,
  simulated = scenario.clusters.length,
): FleetSummary {
  let clusters = 0;
  let nodes = 0;
  let pods = 0;
  for (const cluster of scenario.clusters) {
    clusters += cluster.count;
    nodes += cluster.count * cluster.nodes;
    pods += Math.round(cluster.count * cluster.nodes * cluster.podsPerNode);
  }
  return { clusterClasses: scenario.clusters.length, clusters, nodes, pods, simulated };
}

/** Feeds each answer to its cluster's health-signal tracker as well as to the metrics. */
class FleetObserver extends ControlPlaneObserver {
  readonly worlds = new Map<string, ClusterWorld>();

  override response(cluster: Cluster, request: ApiRequest, status: number, latency: number): void {
    super.response(cluster, request, status, latency);
    this.worlds.get(cluster.name)?.tracker.record(request, status, latency, cluster.now);
  }
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const sim = new Simulation(seed);
  const observer = new FleetObserver(scenario.durationSeconds, METRICS_STEP_SECONDS);
  const instances = planFleet(scenario, options.full === true);
  const change = scenario.pipeline?.change;
  const worlds = instances.map((instance) => {
    const world = new ClusterWorld(
      sim,
      {
        name: instance.name,
        spec: scenario.clusters[instance.classIndex],
        workloads: scenario.workloads,
        operators: scenario.operators,
        change,
      },
      observer,
    );
    observer.worlds.set(instance.name, world);
    return world;
  });
  const operations: Operations | undefined =
    scenario.pipeline === undefined && scenario.workloads === undefined
      ? undefined
      : startOperations(sim, scenario, instances, worlds);

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
  const clusters = worlds.map((world, index) =>
    clusterResult(world, instances[index], scenario, observer),
  );
  const events = operations?.log.events.map((event) => ({ ...event })) ?? [];
  return {
    scenario: { name: scenario.name, source: scenario.source },
    seed,
    start: instant(0),
    end: instant(outcome.now),
    timeZone: scenario.start?.timeZone,
    simulatedSeconds: outcome.now,
    fleet: summarizeFleet(scenario, instances.length),
    components: components(worlds, operations),
    clusters,
    events,
    outcomes: measureOutcomes(clusters, events, scenario),
    outcome: {
      stopReason: outcome.reason,
      limitHit: outcome.reason === "max-events" || outcome.reason === "wall-clock",
      events: outcome.events,
      message: outcome.message,
    },
  };
}

function clusterResult(
  world: ClusterWorld,
  instance: ClusterInstance,
  scenario: Scenario,
  observer: ControlPlaneObserver,
): ClusterClassResult {
  const spec = scenario.clusters[instance.classIndex];
  const built = world.built;
  const rollout =
    scenario.pipeline === undefined ? undefined : built.rollouts.get(scenario.pipeline.change);
  return {
    ...observer.summarize(built.cluster),
    className: instance.className,
    count: instance.weight,
    wave: instance.wave === undefined ? undefined : instance.wave + 1,
    nodes: spec.nodes,
    kubernetesVersion: spec.kubernetesVersion,
    apf: spec.apiserver.apf,
    informers: built.informers.map((informers) => ({ name: informers.name, ...informers.stats })),
    rollout:
      rollout === undefined
        ? undefined
        : {
            podsCreated: rollout.stats.podsCreated,
            podsStarted: rollout.stats.podsStarted,
            firstStarted: rollout.startedSpan.first,
            lastStarted: rollout.startedSpan.last,
          },
    nodeLifecycle:
      world.nodeLifecycle === undefined
        ? undefined
        : {
            podsEvicted: world.nodeLifecycle.podsEvicted,
            minReadyNodes: Math.min(...world.samples.map((s) => s.nodesReady), spec.nodes),
          },
    minutes: world.samples,
  };
}

function components(worlds: ClusterWorld[], operations: Operations | undefined): string[] {
  const names = new Set<string>();
  if (worlds.length > 0) for (const name of ["apiserver", "apf", "etcd"]) names.add(name);
  for (const world of worlds) {
    const b = world.built;
    if (b.leases !== undefined) names.add("kubelet-leases");
    if (b.agents.length > 0) names.add("agents");
    if (b.informers.length > 0) names.add("informers");
    if (b.rollouts.size > 0) names.add("daemonset-controller");
    if (world.nodeLifecycle !== undefined) names.add("node-lifecycle-controller");
    if (world.dns !== undefined) names.add("coredns");
    if (world.workloads !== undefined) names.add("workloads");
  }
  if (operations?.pipeline !== undefined) names.add("deploy-pipeline");
  if (operations !== undefined) names.add("alerting");
  if (operations?.operators !== undefined) names.add("operators");
  if (operations?.traffic !== undefined) names.add("traffic-manager");
  return [...names];
}
