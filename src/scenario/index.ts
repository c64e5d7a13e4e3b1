export { parseScenario, loadScenarioFile } from "./load.js";
export type { Scenario } from "./load.js";
export type { ClusterClass, Agent, AgentCall } from "./resolve-cluster.js";
export type { FlowControlObject } from "./flowcontrol-schema.js";
export {
  InputError,
  formatInputError,
  formatDiagnostic,
  formatDiagnosticHeadline,
  type Diagnostic,
} from "./diagnostics.js";
export { scenarioJsonSchema, KUBERNETES_VERSIONS, type KubernetesVersion } from "./schema.js";
export {
  builtinScenarioNames,
  builtinScenarioPath,
  loadBuiltinScenario,
  DEFAULT_REPLAY,
} from "./builtin.js";
export { parseDuration, formatDuration, parseQuantity, formatBytes } from "./units.js";
export { ClockFormatter, type WallClockStart } from "./wall-clock.js";
export type { CalibrationTarget, TimelineMeasure } from "./resolve-operations.js";
export type {
  AlertSettings,
  CacheSettings,
  DelaySettings,
  DnsSettings,
  GateSettings,
  OperatorSettings,
  PipelineSettings,
  ServiceSettings,
  WorkloadSettings,
} from "./operations-settings.js";
export {
  MITIGATIONS,
  ALL_COMBINED,
  applyMitigations,
  mitigationById,
  type Mitigation,
} from "./mitigations.js";
export {
  MAX_CLIENT_CHAINS,
  pendingEventsProblem,
  scenarioSize,
  type ScenarioSize,
} from "./size.js";
