/**
 * The preflight pipeline: documents → workloads joined to their RBAC → access patterns →
 * estimates at the given size and across sizes → findings. Documents that cannot be read are
 * reported and the rest is analysed.
 */
import type { apf } from "../k8s/index.js";
import { inferAccessPattern, type InferenceContext } from "./access-patterns.js";
import {
  API_CALLS_ANNOTATION,
  IGNORE_ANNOTATION,
  parseIgnoreAnnotation,
} from "./api-calls-annotation.js";
import { breakingNodeCount } from "./break-size.js";
import {
  DEFAULT_CONTROL_PLANE,
  estimateWorkload,
  type ControlPlane,
  type Overload,
  type WorkloadEstimate,
} from "./estimate.js";
import { findingsFor } from "./findings.js";
import type { ManifestSet } from "./manifests.js";
import {
  listableGrants,
  RbacIndex,
  readBinding,
  readRole,
  type Binding,
  type Role,
} from "./rbac.js";
import type { AccessPattern, Diagnostic, Finding, Workload } from "./types.js";
import { isWorkloadKind, podSpecPath, readWorkload } from "./workloads.js";

/** Cluster sizes every workload is also estimated at. */
export const DEFAULT_SIZES: readonly number[] = [100, 1_000, 5_000, 7_500, 15_000];

export interface PreflightOptions {
  plane: ControlPlane;
  sizes: readonly number[];
}

export interface SizeEstimate {
  nodes: number;
  estimate: WorkloadEstimate;
}

export interface WorkloadReport {
  workload: Workload;
  pattern: AccessPattern;
  /** Resources the service account may list or watch, as "resource (scope)". */
  listable: string[];
  estimate: WorkloadEstimate;
  sizes: SizeEstimate[];
  /** The smallest size that breaks with a synchronised start (rollout, restart). */
  breaksAt: { nodes: number; overloads: Overload[] } | undefined;
  /** The smallest size that breaks with the reads spread over their period. */
  breaksInSteadyState: { nodes: number; overloads: Overload[] } | undefined;
  findings: Finding[];
  /** Findings dropped by the kubestorm.dev/ignore annotation. */
  ignored: string[];
}

export interface PreflightResult {
  options: PreflightOptions;
  documents: number;
  workloads: WorkloadReport[];
  diagnostics: Diagnostic[];
  findings: Finding[];
}

/** Kinds preflight reads; anything else is reported as not analysed. */
const KNOWN_KINDS = new Set([
  "ServiceAccount",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "ConfigMap",
  "FlowSchema",
  "PriorityLevelConfiguration",
]);
/** Kinds that carry no API load of their own and need no analysis. */
const PASSIVE_KINDS = new Set([
  "Secret",
  "Service",
  "Namespace",
  "PodDisruptionBudget",
  "PodSecurityPolicy",
  "CustomResourceDefinition",
  "NetworkPolicy",
  "Ingress",
  "StorageClass",
  "PersistentVolumeClaim",
  "PersistentVolume",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
  "HorizontalPodAutoscaler",
  "PriorityClass",
  "ResourceQuota",
  "LimitRange",
  "ReplicaSet",
  "ReplicationController",
  "Endpoints",
  "IngressClass",
]);

export function analyseManifests(
  set: ManifestSet,
  options: Partial<PreflightOptions> = {},
): PreflightResult {
  const resolved: PreflightOptions = {
    plane: options.plane ?? DEFAULT_CONTROL_PLANE,
    sizes: options.sizes ?? DEFAULT_SIZES,
  };
  const diagnostics = [...set.diagnostics];
  const roles: Role[] = [];
  const bindings: Binding[] = [];
  const configMaps = new Map<string, string>();
  const flowSchemas: apf.FlowSchema[] = [];
  const priorityLevels: apf.PriorityLevelConfiguration[] = [];
  const workloads: Workload[] = [];
  for (const document of set.documents) {
    const kind = document.kind;
    if (isWorkloadKind(kind)) {
      const read = readWorkload(document);
      if ("document" in read) workloads.push(read);
      else diagnostics.push(read);
    } else if (kind === "Role" || kind === "ClusterRole") roles.push(readRole(document));
    else if (kind === "RoleBinding" || kind === "ClusterRoleBinding")
      bindings.push(readBinding(document));
    else if (kind === "ConfigMap") {
      const data = document.body.data;
      const text =
        typeof data === "object" && data !== null
          ? Object.values(data as Record<string, unknown>)
              .filter((v): v is string => typeof v === "string")
              .join("\n")
          : "";
      configMaps.set(`${document.namespace ?? "default"}/${document.name}`, text);
    } else if (
      kind === "FlowSchema" &&
      document.apiVersion.startsWith("flowcontrol.apiserver.k8s.io/")
    ) {
      flowSchemas.push(document.body as unknown as apf.FlowSchema);
    } else if (
      kind === "PriorityLevelConfiguration" &&
      document.apiVersion.startsWith("flowcontrol.apiserver.k8s.io/")
    ) {
      priorityLevels.push(document.body as unknown as apf.PriorityLevelConfiguration);
    } else if (!KNOWN_KINDS.has(kind) && !PASSIVE_KINDS.has(kind)) {
      diagnostics.push({
        ...document.locate(["kind"]),
        path: "kind",
        message: `unknown kind ${JSON.stringify(kind)} (${document.apiVersion || "no apiVersion"}): not analysed; expected a workload (DaemonSet, Deployment, StatefulSet, Job, CronJob, Pod), RBAC, ConfigMap or flow-control object`,
      });
    }
  }
  const plane: ControlPlane = {
    ...resolved.plane,
    flowSchemas: [...resolved.plane.flowSchemas, ...flowSchemas],
    priorityLevels: [...resolved.plane.priorityLevels, ...priorityLevels],
  };
  const rbac = new RbacIndex(roles, bindings);
  const context: InferenceContext = { workloads, configMaps };
  const largestSize = Math.max(plane.nodes, ...resolved.sizes);
  const reports = workloads.map((workload): WorkloadReport => {
    const permissions = rbac.permissionsOf(workload.namespace, workload.serviceAccount);
    const { pattern, annotationErrors } = inferAccessPattern(workload, permissions, context);
    for (const message of annotationErrors) {
      const path = annotationPath(workload, API_CALLS_ANNOTATION);
      diagnostics.push({
        ...workload.document.locate(path),
        path: `${path.slice(0, -1).join(".")}[${JSON.stringify(API_CALLS_ANNOTATION)}]`,
        message: `${workload.kind} ${workload.name}: ${message}`,
      });
    }
    const estimate = estimateWorkload(workload, pattern.calls, plane);
    const breaksAt = breakingNodeCount(workload, pattern.calls, plane);
    const ignore = parseIgnoreAnnotation(workload.annotations[IGNORE_ANNOTATION]);
    const all = findingsFor({
      workload,
      pattern,
      annotationErrors,
      unresolvedRoles: permissions.unresolvedRoles,
      estimate,
      breaksAt,
      largestSize,
    });
    return {
      workload,
      pattern,
      listable: listableGrants(permissions).map(
        (g) =>
          `${g.resource} (${g.scope === "cluster" ? "cluster" : `namespace ${g.scope.namespace}`})`,
      ),
      estimate,
      sizes: resolved.sizes.map((nodes) => ({
        nodes,
        estimate: estimateWorkload(workload, pattern.calls, { ...plane, nodes }),
      })),
      breaksAt,
      breaksInSteadyState: breakingNodeCount(workload, pattern.calls, plane, "steady"),
      findings: all.filter((f) => !ignore.has(f.id)),
      ignored: all.filter((f) => ignore.has(f.id)).map((f) => f.id),
    };
  });
  return {
    options: { ...resolved, plane },
    documents: set.documents.length,
    workloads: reports,
    diagnostics,
    findings: reports.flatMap((r) => r.findings),
  };
}

/** Path of an annotation: on the workload's metadata, else on its pod template's. */
function annotationPath(workload: Workload, key: string): string[] {
  const metadata = workload.document.body.metadata as
    { annotations?: Record<string, unknown> } | undefined;
  if (metadata?.annotations?.[key] !== undefined) return ["metadata", "annotations", key];
  const template = podSpecPath(workload.kind).slice(0, -1);
  return [...template, "metadata", "annotations", key];
}
