/**
 * The fleet's actors as components of the fleet assembly: the event log, the traffic manager,
 * the deploy pipeline, the alerting system and the operators. Each reads the others through
 * the fleet's ports; they act on clusters only through ClusterHandle.
 */
import { definePort, type Component, type ComponentContext, type World } from "../world/index.js";
import type { Scenario } from "../scenario/index.js";
import type { ClusterInstance } from "./fleet-plan.js";
import type { ClusterAssembly } from "./cluster/index.js";
import {
  DEFAULT_OPERATORS,
  OperatorTeam,
  OpsEventLog,
  AlertEvaluator,
  type DeployPipeline,
  type GlobalTrafficManager,
} from "./ops/index.js";
import {
  alerting,
  deployPipeline,
  runbook,
  trafficManager,
  type Operations,
} from "./operations.js";

export interface FleetPort {
  scenario: Scenario;
  instances: readonly ClusterInstance[];
  clusters: readonly ClusterAssembly[];
  /** Pipeline, alerting, operators and traffic events, in time order. */
  log: OpsEventLog;
}

export const FLEET = definePort<FleetPort>("fleet");
export const TRAFFIC = definePort<GlobalTrafficManager>("fleet/traffic-manager");
export const PIPELINE = definePort<DeployPipeline>("fleet/deploy-pipeline");
export const ALERTS = definePort<AlertEvaluator>("fleet/alerting");
export const OPERATORS = definePort<OperatorTeam>("fleet/operators");

export class FleetComponent implements Component {
  readonly name = "fleet";
  readonly provides = [FLEET];
  constructor(private readonly fleet: Omit<FleetPort, "log">) {}

  attach(context: ComponentContext): void {
    context.provide(FLEET, { ...this.fleet, log: new OpsEventLog() });
  }
}

export class TrafficManagerComponent implements Component {
  readonly name = "traffic-manager";
  readonly needs = [FLEET];
  readonly provides = [TRAFFIC];

  attach(context: ComponentContext): void {
    const { scenario, instances, clusters, log } = context.get(FLEET);
    const manager = trafficManager(context.sim, log, scenario, [...instances], [...clusters]);
    if (manager === undefined) throw new RangeError("the traffic manager needs workloads");
    context.provide(TRAFFIC, manager);
  }
}

export class DeployPipelineComponent implements Component {
  readonly name = "deploy-pipeline";
  readonly needs = [FLEET];
  readonly provides = [PIPELINE];
  private pipeline: DeployPipeline | undefined;
  private startSeconds = 0;

  attach(context: ComponentContext): void {
    const { scenario, instances, clusters, log } = context.get(FLEET);
    this.pipeline = deployPipeline(context.sim, log, scenario, [...instances], [...clusters]);
    if (this.pipeline === undefined) throw new RangeError("the deploy pipeline needs a pipeline");
    this.startSeconds = scenario.pipeline?.startSeconds ?? 0;
    context.provide(PIPELINE, this.pipeline);
  }

  /** The pipeline starts its first wave once every other component is in place. */
  start(): void {
    this.pipeline?.start(this.startSeconds);
  }
}

export class AlertingComponent implements Component {
  readonly name = "alerting";
  readonly needs = [FLEET];
  readonly provides = [ALERTS];

  attach(context: ComponentContext): void {
    const { scenario, clusters, log } = context.get(FLEET);
    const alerts = new AlertEvaluator(context.sim, log, [...clusters], alerting(scenario));
    alerts.start();
    context.provide(ALERTS, alerts);
  }
}

export class OperatorsComponent implements Component {
  readonly name = "operators";
  readonly needs = [FLEET, ALERTS];
  readonly provides = [OPERATORS];

  attach(context: ComponentContext): void {
    const { scenario, instances, clusters, log } = context.get(FLEET);
    const settings = scenario.operators;
    const team = new OperatorTeam(
      {
        sim: context.sim,
        log,
        clusters: [...clusters],
        alerts: context.get(ALERTS),
        pipeline: context.find(PIPELINE),
        traffic: context.find(TRAFFIC),
      },
      {
        ...DEFAULT_OPERATORS,
        responseDelay: settings.responseDelay ?? DEFAULT_OPERATORS.responseDelay,
        parallelism: settings.parallelism ?? DEFAULT_OPERATORS.parallelism,
        runbook: runbook(scenario),
        clusterNodes: Object.fromEntries(
          instances.map((instance) => [
            instance.name,
            scenario.clusters[instance.classIndex].nodes,
          ]),
        ),
      },
    );
    context.provide(OPERATORS, team);
  }
}

/**
 * Adds the fleet's actors the scenario calls for: the traffic manager with workloads, the
 * pipeline with a pipeline, alerting with either, operators when enabled.
 */
export function addFleetOperations(
  world: World,
  fleet: Omit<FleetPort, "log">,
): Operations | undefined {
  const { scenario } = fleet;
  if (scenario.pipeline === undefined && scenario.workloads === undefined) return undefined;
  world.add(new FleetComponent(fleet));
  if (scenario.workloads !== undefined) world.add(new TrafficManagerComponent());
  if (scenario.pipeline !== undefined) world.add(new DeployPipelineComponent());
  world.add(new AlertingComponent());
  if (scenario.operators.enabled) world.add(new OperatorsComponent());
  return {
    log: (world.find(FLEET) as FleetPort).log,
    pipeline: world.find(PIPELINE),
    alerts: world.find(ALERTS) as AlertEvaluator,
    operators: world.find(OPERATORS),
    traffic: world.find(TRAFFIC),
  };
}
