/**
 * The rules that turn an access pattern and its estimates into findings. Ids are stable: users
 * list them in `kubestorm.dev/ignore` and code scanning tracks them across runs.
 */
import type { Overload, WorkloadEstimate } from "./estimate.js";
import { scalesWithNodes } from "./inventory.js";
import { basisOf } from "./basis.js";
import type { AccessPattern, Finding, Severity, Workload } from "./types.js";

export interface FindingRule {
  id: string;
  name: string;
  summary: string;
  remediation: string;
}

export const FINDING_RULES = {
  KS001: {
    id: "KS001",
    name: "cluster-wide-list-per-node",
    summary:
      "Every node lists or watches a resource cluster-wide: load grows with N² in cluster size.",
    remediation:
      "Scope the watch to the node (fieldSelector spec.nodeName=$(NODE_NAME) from a fieldRef env), or serve it from a fan-out cache or cluster agent (one watch instead of N).",
  },
  KS002: {
    id: "KS002",
    name: "periodic-full-list",
    summary:
      "A LIST of a resource that grows with the cluster is repeated on a timer instead of watched.",
    remediation:
      'Use an informer (LIST once, then WATCH); if it must poll, set resourceVersion "0" so the watch cache serves it, and scope it to what it needs.',
  },
  KS003: {
    id: "KS003",
    name: "priority-level-overwhelmed",
    summary:
      "The steady seat demand exceeds what the priority level can reach: its requests queue, time out and are rejected with 429.",
    remediation:
      "Reduce the calls (scope, cache, fan-out), or give the service account its own FlowSchema and a bounded PriorityLevelConfiguration so it cannot starve others.",
  },
  KS004: {
    id: "KS004",
    name: "apiserver-memory-exhausted",
    summary:
      "The LISTs of a rollout (or, in steady state, those in flight on average) hold more memory at once than an apiserver has: it is OOM-killed and its watches break.",
    remediation:
      'Serve the LISTs from the watch cache (resourceVersion "0"), page them, stagger the rollout, or scope them to the node.',
  },
  KS005: {
    id: "KS005",
    name: "control-plane-cpu-exhausted",
    summary:
      "The steady load needs more apiserver or etcd CPU, or more apiserver network egress, than the control plane has.",
    remediation:
      "Scope the calls to the node, replace polling with watches, or use a fan-out cache.",
  },
  KS006: {
    id: "KS006",
    name: "shared-priority-level",
    summary: "A heavy workload lands in a priority level shared with every other service account.",
    remediation:
      "Give its service account its own FlowSchema pointing to a PriorityLevelConfiguration with a small nominalConcurrencyShares and lendablePercent 0.",
  },
  KS007: {
    id: "KS007",
    name: "breaks-at-larger-size",
    summary:
      "The workload is fine at the given size but overloads the control plane at a size in the report's range.",
    remediation:
      "Fix it before the cluster grows: see the workload's scaling class and the other findings' remediations.",
  },
  KS008: {
    id: "KS008",
    name: "assumed-access-pattern",
    summary:
      "No evidence said what the workload calls; the estimate assumes one informer per resource its RBAC lets it list or watch.",
    remediation:
      "Declare the calls in the kubestorm.dev/api-calls annotation, e.g. [{verb: watch, resource: pods, scope: node}].",
  },
  KS009: {
    id: "KS009",
    name: "unresolved-role",
    summary:
      "The service account is bound to a role that is neither in the input nor a known built-in role.",
    remediation:
      "Pass the manifests that define the role, or declare the calls in the kubestorm.dev/api-calls annotation.",
  },
  KS010: {
    id: "KS010",
    name: "invalid-api-calls-annotation",
    summary:
      "The kubestorm.dev/api-calls annotation could not be read; the calls were inferred instead.",
    remediation: "Fix the annotation: a list of {verb, resource, scope, every, resourceVersion}.",
  },
  KS011: {
    id: "KS011",
    name: "rbac-not-in-input",
    summary:
      "No RoleBinding or ClusterRoleBinding in the input names the workload's service account: what it may call is unknown, so no load was counted.",
    remediation:
      "Pass the manifests that bind its service account (a ClusterRole alone grants nothing), or declare its calls in the kubestorm.dev/api-calls annotation.",
  },
} as const satisfies Record<string, FindingRule>;

export type FindingId = keyof typeof FINDING_RULES;

const SHARED_LEVELS = new Set(["workload-low", "global-default", "catch-all"]);

export interface FindingInput {
  workload: Workload;
  /** Names of the DaemonSets judged together (one per architecture), the workload's first. */
  members?: string[];
  pattern: AccessPattern;
  annotationErrors: string[];
  unresolvedRoles: string[];
  estimate: WorkloadEstimate;
  breaksAt: { nodes: number; overloads: Overload[] } | undefined;
  /** Largest size the report covers; a break beyond the given size but within it is KS007. */
  largestSize: number;
  /** Roles of the input that no binding refers to ("ClusterRole/name"). */
  unboundRoles?: readonly string[];
}

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

/** "DaemonSet ns/name", or "DaemonSet ns/{a, b, c}" for DaemonSets judged together. */
export function workloadLabel(workload: Workload, members: readonly string[] = []): string {
  const names = members.length > 1 ? `{${members.join(", ")}}` : workload.name;
  return `${workload.kind} ${workload.namespace}/${names}`;
}

export function findingsFor(input: FindingInput): Finding[] {
  const { workload, pattern, estimate } = input;
  const findings: Finding[] = [];
  const basis = basisOf(pattern);
  const add = (id: FindingId, severity: Severity, message: string): void => {
    const rule = FINDING_RULES[id];
    findings.push({
      id,
      rule: rule.name,
      // A load that rests on an assumed pattern is a warning; --strict makes it fail CI.
      severity:
        basis.kind === "assumed" && severity === "error" && id !== "KS010" ? "warning" : severity,
      basis: basis.kind,
      workload: workloadLabel(workload, input.members),
      message,
      remediation: rule.remediation,
      location: workload.document.location,
    });
  };
  const breakText =
    input.breaksAt === undefined
      ? "it does not overload the control plane at any size modelled"
      : `it overloads the control plane from ${input.breaksAt.nodes.toLocaleString("en-US")} nodes (${input.breaksAt.overloads[0].message})`;

  if (!pattern.fanOutCache && workload.perNode) {
    const wide = estimate.calls.filter(
      (e) =>
        e.call.verb !== "get" && e.call.scope === "cluster" && scalesWithNodes(e.call.resource),
    );
    if (wide.length > 0) {
      const resources = wide.map((e) => `${e.call.verb} ${e.call.resource}`).join(", ");
      const n = (value: number) => Math.round(value).toLocaleString("en-US");
      const load = [
        estimate.watchesHeld > 0 ? `${n(estimate.watchesHeld)} watches held` : "",
        `${gb(estimate.rolloutBytes)} of LIST responses during rollout`,
        estimate.listsPerSecond > 0
          ? `${estimate.listsPerSecond.toFixed(1)} LIST/s in steady state`
          : "",
        estimate.watchEventsPerSecond > 0
          ? `${n(estimate.watchEventsPerSecond)} watch events/s`
          : "",
      ].filter((part) => part !== "");
      add(
        "KS001",
        "error",
        `every node runs ${resources} cluster-wide, O(N^2): at ${n(estimate.nodes)} nodes ${load.join(", ")}; ${breakText}`,
      );
    }
  }
  for (const e of estimate.calls) {
    if (
      e.call.verb === "list" &&
      e.call.everySeconds !== undefined &&
      e.call.scope !== "node" &&
      e.call.scope !== "named" &&
      scalesWithNodes(e.call.resource)
    ) {
      add(
        "KS002",
        "warning",
        `LIST ${e.call.resource} (${e.call.scope}, resourceVersion ${JSON.stringify(e.call.resourceVersion)}) every ${e.call.everySeconds}s by ${estimate.instances.toLocaleString("en-US")} instance(s): ` +
          `${e.readsPerSecond.toFixed(1)} LIST/s of ${e.objectsPerResponse.toLocaleString("en-US")} objects each, served from ${e.servedFrom === "etcd" ? "etcd (a quorum read)" : "the watch cache"}`,
      );
    }
  }
  const byKind = (kind: Overload["kind"]) => estimate.overloads.filter((o) => o.kind === kind);
  for (const o of byKind("seats"))
    add("KS003", "error", `at ${estimate.nodes.toLocaleString("en-US")} nodes it ${o.message}`);
  for (const o of byKind("memory"))
    add("KS004", "error", `at ${estimate.nodes.toLocaleString("en-US")} nodes ${o.message}`);
  for (const o of [...byKind("cpu"), ...byKind("etcd"), ...byKind("network")])
    add("KS005", "error", `at ${estimate.nodes.toLocaleString("en-US")} nodes it ${o.message}`);
  const heavy = findings.some((f) => f.id === "KS001" || f.id === "KS003" || f.id === "KS002");
  const shared = estimate.calls.find((e) => SHARED_LEVELS.has(e.level.priorityLevel));
  if (heavy && shared !== undefined) {
    add(
      "KS006",
      "warning",
      `its requests land in flow schema ${shared.level.flowSchema}, priority level ${shared.level.priorityLevel} (${shared.level.nominalSeats} seats over the apiservers), shared with every other workload there`,
    );
  }
  if (
    estimate.overloads.length === 0 &&
    input.breaksAt !== undefined &&
    input.breaksAt.nodes <= input.largestSize
  ) {
    add("KS007", "warning", `${breakText}; scaling ${estimate.scaling}`);
  }
  if (pattern.assumed && pattern.accessUnknown !== true)
    add("KS008", "info", pattern.evidence.join("; "));
  if (pattern.accessUnknown === true) {
    const unbound = input.unboundRoles ?? [];
    add(
      "KS011",
      unbound.length > 0 ? "warning" : "info",
      unbound.length > 0
        ? `${pattern.evidence.join("; ")}; the input has roles bound to nothing (${unbound.join(", ")}): is one of them meant for it?`
        : pattern.evidence.join("; "),
    );
  }
  if (input.unresolvedRoles.length > 0)
    add("KS009", "info", `bound to ${input.unresolvedRoles.join(", ")}`);
  if (input.annotationErrors.length > 0) add("KS010", "error", input.annotationErrors.join("; "));
  return findings;
}
