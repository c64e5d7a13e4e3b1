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
  estimateKey,
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
import type {
  AccessPattern,
  ApiCall,
  Diagnostic,
  Finding,
  ManifestDocument,
  Workload,
} from "./types.js";
import { isWorkloadKind, podSpecPath, readWorkload } from "./workloads.js";
import { dedupeDocuments } from "./dedupe.js";
import { groupDaemonSets } from "./grouping.js";

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
  /** Names of the DaemonSets judged together with this one (one per architecture), itself first. */
  members: string[];
}

export interface PreflightResult {
  options: PreflightOptions;
  documents: number;
  workloads: WorkloadReport[];
  diagnostics: Diagnostic[];
  findings: Finding[];
  /** Documents read once because another had the same kind, namespace and name. */
  duplicates: number;
  /** Identities held by documents with different content (alternatives; all are analysed). */
  conflicts: string[];
  /** Kinds that put no load of their own on the API (Services, CRDs, CSIDrivers…), by count. */
  notAnalysed: Map<string, number>;
  /** Roles of the input that no binding of the input refers to. */
  unboundRoles: string[];
}

export function analyseManifests(
  set: ManifestSet,
  options: Partial<PreflightOptions> = {},
): PreflightResult {
  const resolved: PreflightOptions = {
    plane: options.plane ?? DEFAULT_CONTROL_PLANE,
    sizes: options.sizes ?? DEFAULT_SIZES,
  };
  const diagnostics = [...set.diagnostics];
  const { documents, duplicates, conflicts } = dedupeDocuments(set.documents);
  const notAnalysed = new Map<string, number>();
  const roles: Role[] = [];
  const bindings: Binding[] = [];
  const configMaps = new Map<string, ManifestDocument[]>();
  const flowSchemas: apf.FlowSchema[] = [];
  const priorityLevels: apf.PriorityLevelConfiguration[] = [];
  const workloads: Workload[] = [];
  for (const document of documents) {
    const kind = document.kind;
    if (isWorkloadKind(kind)) {
      const read = readWorkload(document);
      if ("document" in read) workloads.push(read);
      else diagnostics.push(read);
    } else if (kind === "Role" || kind === "ClusterRole") roles.push(readRole(document));
    else if (kind === "RoleBinding" || kind === "ClusterRoleBinding")
      bindings.push(readBinding(document));
    else if (kind === "ConfigMap") {
      const key = `${document.namespace ?? "default"}/${document.name}`;
      configMaps.set(key, [...(configMaps.get(key) ?? []), document]);
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
    } else if (kind !== "ServiceAccount") {
      // Other kinds (Services, CRDs, CSIDrivers, webhooks, custom resources) make no API calls
      // of their own: they are counted, not reported as errors.
      notAnalysed.set(kind, (notAnalysed.get(kind) ?? 0) + 1);
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
  const estimates = new EstimateCache(plane, resolved.sizes);
  const unboundRoles = rbac
    .unboundRoles()
    .map((r) => `${r.kind}/${r.namespace === undefined ? "" : `${r.namespace}/`}${r.name}`);
  const inferred = workloads.map((workload) => {
    const permissions = rbac.permissionsOf(workload.namespace, workload.serviceAccount);
    return { workload, permissions, ...inferAccessPattern(workload, permissions, context) };
  });
  const groups = groupDaemonSets(
    inferred.map((i) => ({ workload: i.workload, calls: i.pattern.calls })),
  );
  const reports = groups.map((members): WorkloadReport => {
    const { workload, permissions, pattern, annotationErrors } = inferred[members[0]];
    for (const message of annotationErrors) {
      const path = annotationPath(workload, API_CALLS_ANNOTATION);
      diagnostics.push({
        ...workload.document.locate(path),
        path: `${path.slice(0, -1).join(".")}[${JSON.stringify(API_CALLS_ANNOTATION)}]`,
        message: `${workload.kind} ${workload.name}: ${message}`,
      });
    }
    const { estimate, sizes, breaksAt, breaksInSteadyState } = estimates.of(
      workload,
      pattern.calls,
    );
    const ignore = parseIgnoreAnnotation(workload.annotations[IGNORE_ANNOTATION]);
    const names = members.map((i) => inferred[i].workload.name);
    const all = findingsFor({
      workload,
      members: names,
      pattern,
      annotationErrors,
      unresolvedRoles: permissions.unresolvedRoles,
      estimate,
      breaksAt,
      largestSize,
      unboundRoles,
    });
    return {
      workload,
      pattern,
      listable: listableGrants(permissions).map(
        (g) =>
          `${g.resource} (${g.scope === "cluster" ? "cluster" : `namespace ${g.scope.namespace}`})`,
      ),
      estimate,
      sizes,
      breaksAt,
      breaksInSteadyState,
      findings: all.filter((f) => !ignore.has(f.id)),
      ignored: all.filter((f) => ignore.has(f.id)).map((f) => f.id),
      members: names,
    };
  });
  return {
    options: { ...resolved, plane },
    documents: set.documents.length,
    workloads: reports,
    diagnostics,
    findings: reports.flatMap((r) => r.findings),
    duplicates,
    conflicts,
    notAnalysed,
    unboundRoles,
  };
}

/**
 * Estimates by what determines them (instances, calls and the levels they land in): workloads
 * that differ only in names are estimated once.
 */
class EstimateCache {
  private readonly cache = new Map<
    string,
    Pick<WorkloadReport, "estimate" | "sizes" | "breaksAt" | "breaksInSteadyState">
  >();

  constructor(
    private readonly plane: ControlPlane,
    private readonly sizes: readonly number[],
  ) {}

  of(
    workload: Workload,
    calls: readonly ApiCall[],
  ): Pick<WorkloadReport, "estimate" | "sizes" | "breaksAt" | "breaksInSteadyState"> {
    const key = estimateKey(workload, calls, this.plane);
    let found = this.cache.get(key);
    if (found === undefined) {
      found = {
        estimate: estimateWorkload(workload, calls, this.plane),
        sizes: this.sizes.map((nodes) => ({
          nodes,
          estimate: estimateWorkload(workload, calls, { ...this.plane, nodes }),
        })),
        breaksAt: breakingNodeCount(workload, calls, this.plane),
        breaksInSteadyState: breakingNodeCount(workload, calls, this.plane, "steady"),
      };
      this.cache.set(key, found);
    }
    return found;
  }
}

/** Path of an annotation: on the workload's metadata, else on its pod template's. */
function annotationPath(workload: Workload, key: string): string[] {
  const metadata = workload.document.body.metadata as
    { annotations?: Record<string, unknown> } | undefined;
  if (metadata?.annotations?.[key] !== undefined) return ["metadata", "annotations", key];
  const template = podSpecPath(workload.kind).slice(0, -1);
  return [...template, "metadata", "annotations", key];
}
