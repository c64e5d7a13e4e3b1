/**
 * Runs a scenario: plans which clusters to simulate (a class once per rollout wave, weighted,
 * or every cluster with `full`), assembles each from components on one world, adds the fleet's
 * actors (deploy pipeline, alerting, operators, traffic manager) and any components of the
 * caller's own, runs to the scenario's end or a limit, and summarises every cluster and the fleet.
 */
import type { Scenario } from "../scenario/index.js";
import type { ApiRequest } from "../model/request.js";
import type { Cluster } from "../model/cluster.js";
import { World, type Component } from "../world/index.js";
import { ControlPlaneObserver } from "./control-plane-observer.js";
import { prometheusText } from "../metrics/index.js";
import { planFleet, type ClusterInstance } from "./fleet-plan.js";
import { ClusterAssembly, type ClusterSpec } from "./cluster/index.js";
import type { Operations } from "./operations.js";
import { addFleetOperations } from "./fleet-components.js";
import { measureOutcomes } from "./outcomes.js";
import type { ClusterClassResult, FleetSummary, RunResult } from "./results.js";

/** Metrics are kept per minute: SLOs and charts speak of per-minute p99s. */
const METRICS_STEP_SECONDS = 60;

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Simulate every cluster of the fleet instead of one per class and wave. */
  full?: boolean;
  /** Check conservation rules on every transition; a violation stops the run with its seed. */
  check?: boolean;
  /** Components of the caller's own, added to each simulated cluster after the built-in ones. */
  clusterComponents?: (cluster: ClusterSpec) => Component[];
  /** Components of the caller's own, added to the fleet after the built-in ones. */
  fleetComponents?: Component[];
  /** Called with the world once it is assembled, before the run. */
  onWorld?: (world: World) => void;
  /** Called during long runs with the simulated time. */
  onProgress?: (now: number) => void;
  /** Receives the run's metrics, in Prometheus text format, once it ends. */
  onMetrics?: (prometheusText: string) => void;
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
  readonly worlds = new Map<string, ClusterAssembly>();

  override response(cluster: Cluster, request: ApiRequest, status: number, latency: number): void {
    super.response(cluster, request, status, latency);
    this.worlds.get(cluster.name)?.tracker.record(request, status, latency, cluster.now);
  }
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const world = new World({ seed, check: options.check === true });
  const observer = new FleetObserver(scenario.durationSeconds, METRICS_STEP_SECONDS);
  const instances = planFleet(scenario, options.full === true);
  const custom = new Set<string>();
  const worlds = instances.map((instance) => {
    const cluster: ClusterSpec = {
      name: instance.name,
      spec: scenario.clusters[instance.classIndex],
      workloads: scenario.workloads,
      operators: scenario.operators,
      change: scenario.pipeline?.change,
    };
    const extra = options.clusterComponents?.(cluster) ?? [];
    for (const component of extra) custom.add(component.name);
    const assembly = ClusterAssembly.add(world, cluster, observer, extra);
    observer.worlds.set(instance.name, assembly);
    return assembly;
  });
  const operations: Operations | undefined = addFleetOperations(world, {
    scenario,
    instances,
    clusters: worlds,
  });
  for (const component of options.fleetComponents ?? []) {
    world.add(component);
    custom.add(component.name);
  }
  // Components with a `sample` hook (a caller's own) are sampled with the metrics, per minute.
  world.sampleEvery(METRICS_STEP_SECONDS);
  options.onWorld?.(world);

  const outcome = world.run({
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
    components: components(worlds, operations, custom),
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
  world: ClusterAssembly,
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

function components(
  worlds: ClusterAssembly[],
  operations: Operations | undefined,
  custom: ReadonlySet<string>,
): string[] {
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
  for (const name of custom) names.add(name);
  if (operations?.pipeline !== undefined) names.add("deploy-pipeline");
  if (operations !== undefined) names.add("alerting");
  if (operations?.operators !== undefined) names.add("operators");
  if (operations?.traffic !== undefined) names.add("traffic-manager");
  return [...names];
}
