/** The shapes preflight passes between its stages: documents → workloads → calls → estimates. */

/** Where a document or a field is in its file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One YAML/JSON document (or one item of a `kind: List`) that has a kind. */
export interface ManifestDocument {
  location: SourceLocation;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  /** The parsed object, as plain JSON values. */
  body: Record<string, unknown>;
  /** Location of a field by its path, or the document's when the field is absent. */
  locate(path: readonly (string | number)[]): SourceLocation;
}

export type WorkloadKind = "DaemonSet" | "Deployment" | "StatefulSet" | "Job" | "CronJob" | "Pod";

export interface EnvVar {
  name: string;
  value?: string;
  /** valueFrom.fieldRef.fieldPath, e.g. spec.nodeName. */
  fieldPath?: string;
  /** valueFrom.configMapKeyRef. */
  configMapKey?: { name: string; key: string };
}

export interface Container {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: EnvVar[];
  /** ConfigMaps of envFrom: every key becomes an env var. */
  envFromConfigMaps: string[];
}

export interface Workload {
  document: ManifestDocument;
  kind: WorkloadKind;
  name: string;
  namespace: string;
  serviceAccount: string;
  /** One instance per node (a DaemonSet). */
  perNode: boolean;
  /** Instances when not per node. */
  replicas: number;
  containers: Container[];
  annotations: Record<string, string>;
  /** Names of ConfigMaps the pod mounts or reads env from (their data is configuration). */
  configMapNames: string[];
  /** Labels of the workload and of its pod template. */
  labels: Record<string, string>;
  /** Where its pods may run, for grouping DaemonSets that split the nodes among them. */
  placement: Placement;
}

/**
 * A pod's node constraints split in two: the values of the architecture and OS labels (which
 * split a cluster into disjoint parts: one DaemonSet per architecture) and the rest.
 */
export interface Placement {
  /** "key=value" terms on kubernetes.io/arch, kubernetes.io/os (and their beta keys). */
  partition: string[];
  /** Every other nodeSelector and required node-affinity term, as canonical text. */
  rest: string;
}

/** Scope of a LIST or WATCH. */
export type CallScope = "cluster" | "namespace" | "node" | "named";

/** One kind of request a workload instance makes. */
export interface ApiCall {
  verb: "list" | "watch" | "get";
  /** Plural resource name (pods, nodes, …). */
  resource: string;
  apiGroup: string;
  scope: CallScope;
  /** Seconds between calls (periodic LIST/GET); undefined for an informer (LIST then WATCH). */
  everySeconds?: number;
  resourceVersion: string;
  limit: number;
  encoding: "json" | "protobuf";
}

export type EvidenceSource = "annotation" | "agent-rule" | "node-scoping" | "assumed" | "fan-out";

/** What preflight concluded about a workload's calls, and why. */
export interface AccessPattern {
  calls: ApiCall[];
  /** Id of the rule that decided (e.g. "flannel", "annotation", "default-informers"). */
  rule: string;
  source: EvidenceSource;
  /** Human-readable reasons, each quoting the evidence. */
  evidence: string[];
  /** True when nothing in the manifests said what the workload calls. */
  assumed: boolean;
  /** The workload serves other workloads' reads from its own cache (Typha, a cluster agent). */
  fanOutCache: boolean;
  /** Nothing in the input says what the account may call (no binding names it). */
  accessUnknown?: boolean;
  /** The knowledge-base entry that recognised the workload. */
  entry?: string;
  /** How sure the verdict is: high (entry and version known, or declared), medium, low. */
  confidence?: "high" | "medium" | "low";
}

export type Severity = "info" | "warning" | "error";

export interface Finding {
  id: string;
  rule: string;
  severity: Severity;
  /** What the verdict rests on: an error on an assumption is reported as a warning. */
  basis: "recognised" | "declared" | "assumed";
  workload: string;
  message: string;
  remediation: string;
  location: SourceLocation;
}

export interface Diagnostic extends SourceLocation {
  /** Field path such as spec.template.spec.containers[0].image; "" for the whole document. */
  path: string;
  message: string;
}
