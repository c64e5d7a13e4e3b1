/**
 * The fleet's actors on top of the simulated clusters: the deploy pipeline rolling the change
 * out in waves, the alerting system, the operators working through their runbook, and the
 * global traffic manager, built from the scenario (fleet-components.ts adds them as components).
 * They see and act on clusters only through ClusterHandle.
 */
import type { Simulation } from "../sim/index.js";
import type { Scenario } from "../scenario/index.js";
import type { ClusterInstance } from "./fleet-plan.js";
import type { ClusterAssembly } from "./cluster/index.js";
import {
  type AlertEvaluator,
  DEFAULT_ALERTING,
  DEFAULT_BAKE_SECONDS,
  DEFAULT_DEPLOY_PIPELINE,
  DeployPipeline,
  GlobalTrafficManager,
  incidentRunbook,
  type OperatorTeam,
  type OpsEventLog,
  type AlertingConfig,
  type DeployWave,
  type HealthGate,
  type RunbookStep,
} from "./ops/index.js";

export interface Operations {
  log: OpsEventLog;
  pipeline: DeployPipeline | undefined;
  alerts: AlertEvaluator;
  operators: OperatorTeam | undefined;
  traffic: GlobalTrafficManager | undefined;
}

export function deployPipeline(
  sim: Simulation,
  log: OpsEventLog,
  scenario: Scenario,
  instances: ClusterInstance[],
  worlds: ClusterAssembly[],
): DeployPipeline | undefined {
  const settings = scenario.pipeline;
  if (settings === undefined) return undefined;
  const waves: DeployWave[] = settings.waves.map((wave, index) => ({
    clusters: instances.filter((i) => i.wave === index).map((i) => i.name),
    bakeSeconds: wave.bakeSeconds,
  }));
  const gates: HealthGate[] = settings.gates.map((gate) =>
    gate.kind === "workload"
      ? { kind: "workload", minWorkloadSuccessRate: gate.minSuccessRate }
      : {
          kind: "control-plane",
          maxApiserverP99Seconds: gate.maxApiserverP99Seconds,
          maxRejected429PerSecond: gate.max429PerSecond,
          requireReadyz: gate.requireReadyz,
        },
  );
  return new DeployPipeline(sim, log, worlds, {
    ...DEFAULT_DEPLOY_PIPELINE,
    changeId: settings.change,
    waves: waves.filter((wave) => wave.clusters.length > 0),
    bakeSeconds: settings.bakeSeconds ?? DEFAULT_BAKE_SECONDS,
    gates,
    rollbackOnGateFailure: settings.rollbackOnGateFailure,
  });
}

export function alerting(scenario: Scenario): AlertingConfig {
  const a = scenario.alerts;
  return {
    ...DEFAULT_ALERTING,
    evaluationIntervalSeconds:
      a.evaluationIntervalSeconds ?? DEFAULT_ALERTING.evaluationIntervalSeconds,
    notificationDelaySeconds:
      a.notificationDelaySeconds ?? DEFAULT_ALERTING.notificationDelaySeconds,
    rules: a.rules ?? DEFAULT_ALERTING.rules,
  };
}

/** The incident runbook with the scenario's per-step delays; skipped steps left out. */
export function runbook(scenario: Scenario): RunbookStep[] {
  const r = scenario.operators.runbook;
  const steps = incidentRunbook({
    apiserverReplicas: r.apiserverReplicas,
    scaleDownTo: r.scaleDownTo,
  });
  const known = new Set(steps.map((step) => step.name));
  for (const name of Object.keys(r.steps)) {
    if (!known.has(name)) {
      throw new RangeError(
        `spec.operators.runbook.steps: no runbook step named ${JSON.stringify(name)}; known: ${[...known].join(", ")}`,
      );
    }
  }
  return steps
    .filter((step) => r.steps[step.name]?.skip !== true)
    .map((step) => {
      const own = r.steps[step.name];
      return {
        ...step,
        startDelay: own?.startDelay ?? step.startDelay,
        duration: own?.duration ?? step.duration,
      };
    });
}

/** Products' traffic split over the simulated clusters in proportion to their size. */
export function trafficManager(
  sim: Simulation,
  log: OpsEventLog,
  scenario: Scenario,
  instances: ClusterInstance[],
  worlds: ClusterAssembly[],
): GlobalTrafficManager | undefined {
  const workloads = scenario.workloads;
  if (workloads === undefined) return undefined;
  const loadOf = (instance: ClusterInstance, perNode: number) =>
    instance.weight * scenario.clusters[instance.classIndex].nodes * perNode;
  const products = workloads.products.map((product) => {
    const demand = instances.reduce(
      (sum, i) => sum + loadOf(i, product.requestsPerSecondPerNode),
      0,
    );
    const shares = Object.fromEntries(
      instances.map((i) => [
        i.name,
        demand === 0 ? 0 : loadOf(i, product.requestsPerSecondPerNode) / demand,
      ]),
    );
    return { name: product.name, demand, shares };
  });
  const totalPerNode = workloads.products.reduce((sum, p) => sum + p.requestsPerSecondPerNode, 0);
  const capacity = Object.fromEntries(
    instances.map((i) => [i.name, loadOf(i, totalPerNode) * (1 + scenario.traffic.headroom)]),
  );
  const manager = new GlobalTrafficManager(sim, log, { products, capacity });
  const baseline = new Map(products.map((p) => [p.name, p.shares]));
  manager.onChange(() => {
    worlds.forEach((world) => {
      for (const product of products) {
        const base = baseline.get(product.name)?.[world.name] ?? 0;
        if (base > 0)
          world.setTrafficWeight(product.name, manager.weight(world.name, product.name) / base);
      }
    });
  });
  return manager;
}
