/** kubestorm preflight: predict the apiserver load of manifests before they ship. */
export { readManifests, parseManifestText, STDIN_NAME, type ManifestSet } from "./manifests.js";
export {
  analyseManifests,
  DEFAULT_SIZES,
  type PreflightOptions,
  type PreflightResult,
  type WorkloadReport,
} from "./analyse.js";
export {
  DEFAULT_CONTROL_PLANE,
  estimateWorkload,
  type ControlPlane,
  type WorkloadEstimate,
  type ScalingClass,
} from "./estimate.js";
export { breakingNodeCount, type BreakPhase } from "./break-size.js";
export { FINDING_RULES, type FindingId } from "./findings.js";
export {
  API_CALLS_ANNOTATION,
  IGNORE_ANNOTATION,
  parseApiCallsAnnotation,
} from "./api-calls-annotation.js";
export {
  preflightText,
  preflightJson,
  diagnosticsText,
  SEVERITY_ORDER,
  type SimulationOutcome,
} from "./report.js";
export {
  planSimulation,
  runSimulation,
  DEFAULT_SIMULATION,
  SIMULATED_RESOURCES,
  type SimulationPlan,
} from "./simulate.js";
export { preflightSarif } from "./sarif.js";
export type { Finding, Severity, ApiCall, AccessPattern, Workload, Diagnostic } from "./types.js";
export {
  fixFiles,
  fixFor,
  isFlagged,
  breakGlassFlowSchema,
  withFlowControl,
  type FixFile,
  type WorkloadFix,
} from "./fix.js";
export { basisOf, basisText, type Basis } from "./basis.js";
export { KNOWLEDGE_BASE } from "./knowledge/index.js";
