export type {
  ApiActionKind,
  ApiPath,
  ClusterHandle,
  HealthSignals,
  HealthSignalName,
} from "./cluster-handle.js";
export { signalValue } from "./cluster-handle.js";
export { OpsEventLog } from "./event-log.js";
export type { OpsActor, OpsEvent } from "./event-log.js";
export { backoffSeconds, drawDelay, fixedDelay } from "./delays.js";
export type { DelayDistribution, RetryPolicy } from "./delays.js";
export { runApiActionWithRetry } from "./api-retry.js";
export type { ApiActionRequest } from "./api-retry.js";
export {
  DEFAULT_BAKE_SECONDS,
  DEFAULT_CONTROL_PLANE_GATE,
  DEFAULT_DEPLOY_PIPELINE,
  DEFAULT_ROLLBACK_RETRY,
  DEFAULT_WAVE_COUNT,
  DEFAULT_WORKLOAD_GATE,
  DeployPipeline,
  gateViolation,
  splitIntoWaves,
} from "./deploy-pipeline.js";
export type {
  ControlPlaneHealthGate,
  DeployPipelineConfig,
  DeployWave,
  HealthGate,
  PipelineState,
  WorkloadHealthGate,
} from "./deploy-pipeline.js";
export {
  AlertEvaluator,
  compare,
  DEFAULT_ALERT_RULES,
  DEFAULT_ALERTING,
  DEFAULT_EVALUATION_INTERVAL_SECONDS,
  DEFAULT_NOTIFICATION_DELAY_SECONDS,
} from "./alerts.js";
export type {
  AlertingConfig,
  AlertNotification,
  AlertRule,
  Comparison,
  NotificationListener,
} from "./alerts.js";
export {
  DEFAULT_MANUAL_RETRY,
  DEFAULT_PERSISTENT_RETRY,
  incidentRunbook,
  NO_RETRY,
  UNDO_WAIT_SECONDS,
} from "./runbook.js";
export type { OperatorAction, Precondition, RunbookStep, StepTarget } from "./runbook.js";
export { DEFAULT_OPERATOR_RESPONSE_DELAY, DEFAULT_OPERATORS, OperatorTeam } from "./operators.js";
export type { OperatorConfig, OperatorDependencies } from "./operators.js";
export { GlobalTrafficManager } from "./traffic-manager.js";
export type {
  ProductTraffic,
  ShiftResult,
  TrafficConfig,
  TrafficListener,
} from "./traffic-manager.js";
