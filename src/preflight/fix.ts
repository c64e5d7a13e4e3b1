/**
 * `--fix-out DIR`: manifests that make each flagged workload safe at the target size. Its
 * service account gets its own FlowSchema and a PriorityLevelConfiguration that lends and
 * borrows nothing, with the largest nominalConcurrencyShares under which its concurrent LISTs
 * still fit in an apiserver's memory; the agent's own node-scoping change is written where the
 * knowledge base knows one; and a break-glass FlowSchema sends a named admin group to the
 * exempt level, so operators can still reach an overloaded control plane.
 */
import type { apf } from "../k8s/index.js";
import type { PreflightResult, WorkloadReport } from "./analyse.js";
import { estimateWorkload, type ControlPlane } from "./estimate.js";
import { KNOWLEDGE_BASE } from "./knowledge/index.js";
import type { Workload } from "./types.js";

const API_VERSION = "flowcontrol.apiserver.k8s.io/v1";
/** Below kube-system-service-accounts (900) and service-accounts (9000): it matches first. */
export const FIX_MATCHING_PRECEDENCE = 850;
/** Right after the bootstrap exempt (1) and probes (2) schemas. */
export const BREAK_GLASS_PRECEDENCE = 50;
/** Shares tried, at most: workload-low has 100, and the fix must not take seats from others. */
export const MAX_FIX_SHARES = 20;
/** Queuing as the bootstrap workload-low level (k8s.io/apiserver bootstrap, v1.29+). */
const QUEUING = { queues: 128, handSize: 6, queueLengthLimit: 50 };

/** Findings that say the workload, as it is, does not fit the target size. */
const FLAGGING = new Set(["KS001", "KS003", "KS004", "KS005", "KS007"]);

export interface FixFile {
  name: string;
  text: string;
}

export interface WorkloadFix {
  workload: string;
  flowSchema: apf.FlowSchema;
  priorityLevel: apf.PriorityLevelConfiguration;
  shares: number;
  /** False when even one share lets its LISTs exceed an apiserver's memory. */
  memoryFits: boolean;
  /** The knowledge base's node-scoping change, when it has one. */
  nodeScoping?: { where: string; change: string; nodeNameEnv?: string };
  /** A strategic-merge patch of the workload that makes the change, when it is an env var. */
  nodeScopingPatch?: { kind: string; name: string; namespace: string; patch: unknown };
}

function dnsName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 253);
}

export function isFlagged(report: WorkloadReport): boolean {
  return report.findings.some((f) => FLAGGING.has(f.id));
}

function isolation(
  workload: Workload,
  shares: number,
): { flowSchema: apf.FlowSchema; priorityLevel: apf.PriorityLevelConfiguration } {
  const name = dnsName(`kubestorm-${workload.namespace}-${workload.serviceAccount}`);
  return {
    priorityLevel: {
      apiVersion: API_VERSION,
      kind: "PriorityLevelConfiguration",
      metadata: { name },
      spec: {
        type: "Limited",
        limited: {
          nominalConcurrencyShares: shares,
          lendablePercent: 0,
          borrowingLimitPercent: 0,
          limitResponse: { type: "Queue", queuing: QUEUING },
        },
      },
    },
    flowSchema: {
      apiVersion: API_VERSION,
      kind: "FlowSchema",
      metadata: { name },
      spec: {
        priorityLevelConfiguration: { name },
        matchingPrecedence: FIX_MATCHING_PRECEDENCE,
        distinguisherMethod: { type: "ByUser" },
        rules: [
          {
            subjects: [
              {
                kind: "ServiceAccount",
                serviceAccount: { namespace: workload.namespace, name: workload.serviceAccount },
              },
            ],
            resourceRules: [
              {
                verbs: ["*"],
                apiGroups: ["*"],
                resources: ["*"],
                clusterScope: true,
                namespaces: ["*"],
              },
            ],
          },
        ],
      },
    },
  };
}

/** The plane with the fix's objects added. */
export function withFlowControl(
  plane: ControlPlane,
  objects: { flowSchema: apf.FlowSchema; priorityLevel: apf.PriorityLevelConfiguration }[],
): ControlPlane {
  return {
    ...plane,
    flowSchemas: [...plane.flowSchemas, ...objects.map((o) => o.flowSchema)],
    priorityLevels: [...plane.priorityLevels, ...objects.map((o) => o.priorityLevel)],
  };
}

/** The largest share count (≤ MAX_FIX_SHARES) whose rollout LISTs fit in memory. */
export function fixFor(report: WorkloadReport, plane: ControlPlane): WorkloadFix {
  const { workload, pattern } = report;
  const fits = (shares: number) =>
    !estimateWorkload(
      workload,
      pattern.calls,
      withFlowControl(plane, [isolation(workload, shares)]),
    ).overloads.some((o) => o.kind === "memory");
  let shares = 1;
  for (let candidate = MAX_FIX_SHARES; candidate >= 1; candidate--) {
    if (fits(candidate)) {
      shares = candidate;
      break;
    }
  }
  const entry = KNOWLEDGE_BASE.find((e) => e.id === pattern.entry);
  const envName = entry?.nodeScopingFix?.nodeNameEnv;
  return {
    nodeScopingPatch:
      envName === undefined
        ? undefined
        : {
            kind: workload.kind,
            name: workload.name,
            namespace: workload.namespace,
            patch: envPatch(workload, envName),
          },
    workload: `${workload.kind} ${workload.namespace}/${workload.name}`,
    ...isolation(workload, shares),
    shares,
    memoryFits: fits(shares),
    nodeScoping: entry?.nodeScopingFix,
  };
}

/** `kubectl patch --patch-file` content adding `name` from spec.nodeName to every container. */
function envPatch(workload: Workload, name: string): unknown {
  const containers = workload.containers
    .filter((c) => !c.name.startsWith("#"))
    .map((c) => ({
      name: c.name,
      env: [{ name, valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
    }));
  const podSpec = { containers };
  return workload.kind === "Pod"
    ? { spec: podSpec }
    : workload.kind === "CronJob"
      ? { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }
      : { spec: { template: { spec: podSpec } } };
}

export function breakGlassFlowSchema(group: string): apf.FlowSchema {
  return {
    apiVersion: API_VERSION,
    kind: "FlowSchema",
    metadata: { name: "kubestorm-break-glass" },
    spec: {
      priorityLevelConfiguration: { name: "exempt" },
      matchingPrecedence: BREAK_GLASS_PRECEDENCE,
      rules: [
        {
          subjects: [{ kind: "Group", group: { name: group } }],
          resourceRules: [
            {
              verbs: ["*"],
              apiGroups: ["*"],
              resources: ["*"],
              clusterScope: true,
              namespaces: ["*"],
            },
          ],
          nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
        },
      ],
    },
  };
}

/** The files of --fix-out: one per flagged workload, the break-glass schema and a README. */
export function fixFiles(
  result: PreflightResult,
  breakGlassGroup: string,
  toYaml: (objects: unknown[]) => string,
): { files: FixFile[]; fixes: WorkloadFix[] } {
  const plane = result.options.plane;
  // Workloads sharing a service account share its level: the fewest shares any of them needs.
  const byName = new Map<string, WorkloadFix>();
  for (const fix of result.workloads.filter(isFlagged).map((r) => fixFor(r, plane))) {
    const name = fix.flowSchema.metadata.name;
    const existing = byName.get(name);
    if (existing === undefined || fix.shares < existing.shares) byName.set(name, fix);
  }
  const fixes = [...byName.values()];
  const files: FixFile[] = fixes.map((fix) => ({
    name: `${fix.flowSchema.metadata.name}.yaml`,
    text:
      `# ${fix.workload}: its own priority level, ${fix.shares} share(s), lending and borrowing nothing.\n` +
      (fix.memoryFits
        ? ""
        : "# Even one share lets its LISTs exceed an apiserver's memory: scope its calls too.\n") +
      toYaml([fix.priorityLevel, fix.flowSchema]),
  }));
  for (const fix of fixes) {
    const patch = fix.nodeScopingPatch;
    if (patch === undefined) continue;
    files.push({
      name: `${dnsName(`${patch.namespace}-${patch.name}`)}.node-scoping.patch.yaml`,
      text:
        `# ${fix.nodeScoping?.change ?? ""}: scopes its watch to its own node.\n` +
        `# kubectl -n ${patch.namespace} patch ${patch.kind.toLowerCase()} ${patch.name} --patch-file THIS_FILE\n` +
        toYaml([patch.patch]),
    });
  }
  files.push({
    name: "kubestorm-break-glass.yaml",
    text: `# Requests of group ${breakGlassGroup} skip flow control (exempt), for recovery.\n${toYaml([breakGlassFlowSchema(breakGlassGroup)])}`,
  });
  const readme = [
    "# Fixes written by kubestorm preflight",
    "",
    `Target: ${plane.nodes.toLocaleString("en-US")} nodes, Kubernetes ${plane.version}, ${plane.apiserverReplicas} apiservers.`,
    "",
    ...fixes.map(
      (fix) =>
        `- ${fix.workload}: \`${fix.flowSchema.metadata.name}.yaml\` (${fix.shares} share(s))` +
        (fix.nodeScoping === undefined
          ? "; no node-scoping change is known for this agent"
          : `; scope it to its node in ${fix.nodeScoping.where}: \`${fix.nodeScoping.change}\``),
    ),
    `- break-glass: \`kubestorm-break-glass.yaml\` (group ${breakGlassGroup} → exempt)`,
    "",
  ];
  files.push({ name: "README.md", text: readme.join("\n") });
  return { files, fixes };
}
