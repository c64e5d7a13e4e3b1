/**
 * kubestorm as a library: the stable surface for embedding the simulator and preflight.
 * Anything not exported here is internal and not importable by path (package.json `exports`).
 * docs/library.md walks through a complete example.
 */

// Scenarios: load, validate, build-ins and mitigation overlays.
export {
  parseScenario,
  loadScenarioFile,
  loadBuiltinScenario,
  builtinScenarioNames,
  scenarioJsonSchema,
  applyMitigations,
  mitigationById,
  MITIGATIONS,
  InputError,
  formatInputError,
  KUBERNETES_VERSIONS,
} from "./scenario/index.js";
export type {
  Scenario,
  ClusterClass,
  Agent,
  AgentCall,
  Mitigation,
  KubernetesVersion,
  WorkloadSettings,
  OperatorSettings,
} from "./scenario/index.js";

// The world: kernel, components, ports and the state checker.
export {
  World,
  WorldError,
  definePort,
  StateChecker,
  StateViolation,
  RULES,
} from "./world/index.js";
export type {
  Component,
  ComponentContext,
  Port,
  AnyPort,
  WorldOptions,
  RuleName,
} from "./world/index.js";
export { Simulation, SimulationError, RandomStream } from "./sim/index.js";

// Runs: a scenario on a world, with components of your own; results.
export { runScenario, runInParallel, summarizeFleet } from "./fleet/index.js";
export type { RunOptions, RunResult, ClusterClassResult, FleetSummary } from "./fleet/index.js";

// A cluster's ports, for components added to a cluster.
export {
  CLUSTER_SPEC,
  CONTROL_PLANE,
  KUBELET_LEASES,
  AGENTS,
  CONTROLLER_API,
  NODES,
  DNS,
  WORKLOADS,
  OPERATOR_ACCESS,
  SERVICE_ENDPOINTS,
  ClusterAssembly,
  clusterComponents,
} from "./fleet/cluster/index.js";
export type {
  ClusterSpec,
  ControlPlanePort,
  KubeletLeasesPort,
  AgentsPort,
  NodesPort,
  DnsPort,
  WorkloadsPort,
  OperatorAccessPort,
  ServiceEndpointsPort,
  MinuteSample,
} from "./fleet/cluster/index.js";
export { FLEET, TRAFFIC, PIPELINE, ALERTS, OPERATORS } from "./fleet/fleet-components.js";
export type { FleetPort } from "./fleet/fleet-components.js";

// Building blocks for components that send requests to a cluster's apiservers.
export { PeriodicCallers } from "./model/clients/periodic-callers.js";
export type {
  PeriodicCallersConfig,
  PeriodicCallersStats,
  RetryPolicy,
  RequestTransport,
} from "./model/clients/periodic-callers.js";
export { Informers } from "./model/clients/informers.js";
export type { InformersConfig, InformersStats } from "./model/clients/informers.js";
export { ApiClient } from "./model/clients/api-client.js";
export {
  STATUS_OK,
  STATUS_TOO_MANY_REQUESTS,
  STATUS_CONNECTION_RESET,
  STATUS_CONNECTION_REFUSED,
  STATUS_GATEWAY_TIMEOUT,
  STATUS_INTERNAL_ERROR,
} from "./model/request.js";
export type { RequestTemplate, Verb, ListScope } from "./model/request.js";
export type { Cluster, ResourceStats } from "./model/cluster.js";
export { serviceAccountUser, type UserInfo } from "./k8s/index.js";

// Reports of a run.
export {
  runResultJson,
  runResultTable,
  renderReportHtml,
  replayReportInput,
} from "./report/index.js";

// Preflight: manifests to predicted apiserver load and findings.
export {
  readManifests,
  parseManifestText,
  analyseManifests,
  preflightText,
  preflightJson,
  preflightSarif,
  DEFAULT_SIZES,
  FINDING_RULES,
} from "./preflight/index.js";
export type {
  PreflightOptions,
  PreflightResult,
  WorkloadReport,
  Finding,
  Severity,
  Workload,
} from "./preflight/index.js";
