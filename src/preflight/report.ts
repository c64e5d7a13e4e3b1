/** Preflight results as text for people and as JSON for tools. */
import { formatDiagnostic } from "../scenario/index.js";
import type { PreflightResult, WorkloadReport } from "./analyse.js";
import type { WorkloadEstimate } from "./estimate.js";
import { basisOf, basisText } from "./basis.js";
import { workloadLabel } from "./findings.js";
import type { Severity } from "./types.js";

const n = (value: number): string => Math.round(value).toLocaleString("en-US");
const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(bytes < 1e9 ? 3 : 1)} GB`;
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const rate = (value: number): string => (value >= 10 ? n(value) : value.toFixed(2));

export const SEVERITY_ORDER: readonly Severity[] = ["info", "warning", "error"];

export function diagnosticsText(
  result: PreflightResult,
  sources: ReadonlyMap<string, string>,
): string {
  return result.diagnostics
    .map((d) => formatDiagnostic({ ...d }, sources.get(d.file)))
    .map((line) => `${line}\n`)
    .join("");
}

function seatsLine(estimate: WorkloadEstimate): string {
  const parts = [...estimate.seatDemandByLevel.values()].map(({ demand, level }) =>
    level.exempt
      ? `${level.priorityLevel} (exempt)`
      : `${demand.toFixed(1)} of ${n(level.nominalSeats)} nominal / ${n(level.reachableSeats)} reachable seats in ${level.priorityLevel}`,
  );
  return parts.length === 0 ? "none" : parts.join("; ");
}

function workloadText(report: WorkloadReport, result: PreflightResult): string {
  const { workload, pattern, estimate } = report;
  const plane = result.options.plane;
  const lines: string[] = [];
  const where = `${workload.document.location.file}:${workload.document.location.line}`;
  lines.push(`${workloadLabel(workload, report.members)}  (${where})`);
  if (report.members.length > 1) {
    lines.push(
      `  ${report.members.length} DaemonSets that split the nodes by architecture/OS (nodeSelector or node affinity): judged as one, one pod per node`,
    );
  }
  lines.push(
    `  service account ${workload.namespace}/${workload.serviceAccount}; ${workload.perNode ? "one per node" : `${workload.replicas} replica(s)`}`,
  );
  lines.push(
    `  access pattern: ${pattern.rule}${pattern.assumed ? " (ASSUMED)" : ""}; basis: ${basisText(basisOf(pattern))}`,
  );
  for (const line of pattern.evidence) lines.push(`    - ${line}`);
  if (estimate.calls.length === 0) {
    lines.push("  calls: none to the API server");
  } else {
    lines.push("  calls:");
    for (const e of estimate.calls) {
      const c = e.call;
      const how = c.verb === "watch" ? "informer (LIST then WATCH)" : `every ${c.everySeconds}s`;
      lines.push(
        `    ${c.verb} ${c.resource} (${c.scope}, RV ${JSON.stringify(c.resourceVersion)}) ${how}: ` +
          `${n(e.objectsPerResponse)} objects / ${gb(e.responseBytes)} per read from the ${e.servedFrom}, ` +
          `${e.seatsPerRequest} seat(s); flow schema ${e.level.flowSchema} → level ${e.level.priorityLevel}; ${e.scaling}`,
      );
    }
  }
  lines.push(
    `  at ${n(plane.nodes)} nodes (${plane.podsPerNode} pods/node, Kubernetes ${plane.version}, ${plane.apiserverReplicas} apiservers):`,
  );
  lines.push(`    instances ${n(estimate.instances)}, watches held ${n(estimate.watchesHeld)}`);
  lines.push(
    `    rollout: ${n(estimate.rolloutLists)} LISTs, ${gb(estimate.rolloutBytes)} of responses${estimate.rolloutGets > 0 ? `, ${n(estimate.rolloutGets)} GETs` : ""}, peak apiserver memory ${gib(estimate.rolloutPeakMemoryBytes)} of ${gib(plane.apiserverMemoryBytes)}`,
  );
  lines.push(
    `    steady: ${rate(estimate.listsPerSecond)} LIST/s, ${rate(estimate.getsPerSecond)} GET/s, ${rate(estimate.requestsPerSecond)} requests/s, ${rate(estimate.watchEventsPerSecond)} watch events/s, ` +
      `${estimate.cpuCores.toFixed(1)} apiserver cores, ${estimate.etcdCores.toFixed(2)} etcd cores, ` +
      `${gb(estimate.egressBytesPerSecond)}/s on the network, apiserver memory ${gib(estimate.steadyMemoryBytes)}`,
  );
  lines.push(`    seats: ${seatsLine(estimate)}`);
  lines.push(
    `  scaling ${estimate.scaling}; ${report.breaksAt === undefined ? "no overload at any size modelled" : `overloads the control plane from ${n(report.breaksAt.nodes)} nodes when every instance starts at once: ${report.breaksAt.overloads.map((o) => o.message).join("; ")}`}`,
  );
  if (report.breaksAt !== undefined) {
    const steady = report.breaksInSteadyState;
    lines.push(
      `    in steady state (reads spread over their period): ${steady === undefined ? "no overload at any size modelled" : `from ${n(steady.nodes)} nodes: ${steady.overloads.map((o) => o.message).join("; ")}`}`,
    );
  }
  if (estimate.calls.length > 0) {
    lines.push("    nodes      watches   rollout GB    LIST/s   events/s   seat demand  verdict");
    for (const { nodes, estimate: e } of report.sizes) {
      const demand = [...e.seatDemandByLevel.values()].reduce((t, d) => t + d.demand, 0);
      lines.push(
        `    ${n(nodes).padStart(6)} ${n(e.watchesHeld).padStart(11)} ${(e.rolloutBytes / 1e9).toFixed(1).padStart(12)} ${rate(e.listsPerSecond).padStart(9)} ${rate(e.watchEventsPerSecond).padStart(10)} ${demand.toFixed(1).padStart(13)}  ${e.overloads.length === 0 ? "ok" : `OVERLOAD (${e.overloads.map((o) => o.kind).join(", ")})`}`,
      );
    }
  }
  if (report.findings.length > 0) {
    lines.push("  findings:");
    for (const f of report.findings) {
      lines.push(`    ${f.severity.toUpperCase()} ${f.id} ${f.rule}: ${f.message}`);
      lines.push(`      fix: ${f.remediation}`);
    }
  }
  if (report.ignored.length > 0)
    lines.push(`  ignored by kubestorm.dev/ignore: ${report.ignored.join(", ")}`);
  return lines.join("\n");
}

/** What the input held besides workloads: duplicates, kinds without API load, unbound roles. */
export function inputNotes(result: PreflightResult): string[] {
  const notes: string[] = [];
  if (result.duplicates > 0) {
    notes.push(
      `${n(result.duplicates)} duplicate document(s) (same kind, namespace, name and content) read once`,
    );
  }
  if (result.conflicts.length > 0) {
    notes.push(
      `same kind, namespace and name with different content (alternatives, each analysed): ${result.conflicts.join(", ")}`,
    );
  }
  if (result.notAnalysed.size > 0) {
    const kinds = [...result.notAnalysed.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([kind, count]) => (count > 1 ? `${kind} ×${count}` : kind));
    notes.push(`not analysed (no API calls of their own): ${kinds.join(", ")}`);
  }
  if (result.unboundRoles.length > 0) {
    notes.push(
      `roles no binding in the input refers to (they grant nothing until bound): ${result.unboundRoles.join(", ")}`,
    );
  }
  return notes;
}

/** Verdict of one workload: the worst severity of its findings. */
export function verdictOf(report: WorkloadReport): "FAIL" | "WARN" | "ok" {
  if (report.findings.some((f) => f.severity === "error")) return "FAIL";
  if (report.findings.some((f) => f.severity === "warning")) return "WARN";
  return "ok";
}

/** Workloads judged on an assumption, as a share of all. */
export function assumedShare(result: PreflightResult): { assumed: number; total: number } {
  const assumed = result.workloads.filter((w) => basisOf(w.pattern).kind === "assumed").length;
  return { assumed, total: result.workloads.length };
}

/** The summary table: one line per workload, worst first. */
export function summaryTable(result: PreflightResult): string {
  const order = { FAIL: 0, WARN: 1, ok: 2 } as const;
  const rows = result.workloads
    .map((w) => ({
      verdict: verdictOf(w),
      name: workloadLabel(w.workload, w.members),
      breaks:
        w.breaksAt === undefined ? "-" : `${n(w.breaksAt.nodes)} nodes (${w.estimate.scaling})`,
      basis: basisText(basisOf(w.pattern)),
    }))
    .sort((a, b) => order[a.verdict] - order[b.verdict]);
  const width = (pick: (r: (typeof rows)[number]) => string, title: string) =>
    Math.max(title.length, ...rows.map((r) => pick(r).length));
  const wName = Math.min(
    70,
    width((r) => r.name, "workload"),
  );
  const wBreaks = width((r) => r.breaks, "break-point");
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(7)} ${b.slice(0, 70).padEnd(wName)}  ${c.padEnd(wBreaks)}  ${d}`;
  const { assumed, total } = assumedShare(result);
  const share = total === 0 ? 0 : (100 * assumed) / total;
  return [
    line("verdict", "workload", "break-point", "basis"),
    ...rows.map((r) => line(r.verdict, r.name, r.breaks, r.basis)),
    `judged on an assumption: ${assumed} of ${total} workload(s) (${share.toFixed(0)}%); findings on an assumption are warnings (--strict fails on them)`,
  ].join("\n");
}

export function preflightText(result: PreflightResult): string {
  const blocks = [summaryTable(result), ...result.workloads.map((w) => workloadText(w, result))];
  const counts = SEVERITY_ORDER.map(
    (s) => `${result.findings.filter((f) => f.severity === s).length} ${s}`,
  ).reverse();
  blocks.push(
    `${result.workloads.length} workload(s) in ${result.documents} document(s); findings: ${counts.join(", ")}` +
      (result.diagnostics.length > 0 ? `; ${result.diagnostics.length} document error(s)` : ""),
  );
  const notes = inputNotes(result);
  if (notes.length > 0) blocks.push(notes.join("\n"));
  return `${blocks.join("\n\n")}\n`;
}

function estimateJson(estimate: WorkloadEstimate): unknown {
  return {
    nodes: estimate.nodes,
    instances: estimate.instances,
    scaling: estimate.scaling,
    watchesHeld: estimate.watchesHeld,
    rollout: {
      lists: estimate.rolloutLists,
      gets: estimate.rolloutGets,
      responseBytes: estimate.rolloutBytes,
      peakApiserverMemoryBytes: estimate.rolloutPeakMemoryBytes,
      drainSeconds: estimate.rolloutDrainSeconds,
    },
    steady: {
      listsPerSecond: estimate.listsPerSecond,
      getsPerSecond: estimate.getsPerSecond,
      requestsPerSecond: estimate.requestsPerSecond,
      watchEventsPerSecond: estimate.watchEventsPerSecond,
      apiserverCores: estimate.cpuCores,
      etcdCores: estimate.etcdCores,
      egressBytesPerSecond: estimate.egressBytesPerSecond,
      apiserverMemoryBytes: estimate.steadyMemoryBytes,
    },
    seats: [...estimate.seatDemandByLevel.values()].map(({ demand, level }) => ({
      priorityLevel: level.priorityLevel,
      demand,
      nominalSeats: Number.isFinite(level.nominalSeats) ? level.nominalSeats : null,
      reachableSeats: Number.isFinite(level.reachableSeats) ? level.reachableSeats : null,
    })),
    calls: estimate.calls.map((e) => ({
      ...e.call,
      flowSchema: e.level.flowSchema,
      priorityLevel: e.level.priorityLevel,
      objectsPerResponse: e.objectsPerResponse,
      responseBytes: e.responseBytes,
      servedFrom: e.servedFrom,
      seatsPerRequest: e.seatsPerRequest,
      serviceSeconds: e.serviceSeconds,
      memoryBytesPerRequest: e.memoryBytesPerRequest,
      scaling: e.scaling,
    })),
    overloads: estimate.overloads,
  };
}

/** A --simulate run of one workload, shown beside its static estimate. */
export interface SimulationOutcome {
  workload: string;
  skippedCalls: string[];
  result: unknown;
}

export function preflightJson(result: PreflightResult, simulations?: SimulationOutcome[]): string {
  const plane = result.options.plane;
  const json = {
    parameters: {
      nodes: plane.nodes,
      podsPerNode: plane.podsPerNode,
      kubernetesVersion: plane.version,
      apiserverReplicas: plane.apiserverReplicas,
      serverConcurrencyLimit: plane.serverConcurrencyLimit,
      apiserverMemoryBytes: plane.apiserverMemoryBytes,
      sizes: result.options.sizes,
    },
    documents: result.documents,
    assumedShare: assumedShare(result),
    duplicates: result.duplicates,
    conflicts: result.conflicts,
    notAnalysed: Object.fromEntries(result.notAnalysed),
    unboundRoles: result.unboundRoles,
    workloads: result.workloads.map((w) => ({
      kind: w.workload.kind,
      namespace: w.workload.namespace,
      name: w.workload.name,
      members: w.members,
      verdict: verdictOf(w),
      basis: basisOf(w.pattern),
      serviceAccount: w.workload.serviceAccount,
      location: w.workload.document.location,
      accessPattern: {
        rule: w.pattern.rule,
        source: w.pattern.source,
        assumed: w.pattern.assumed,
        fanOutCache: w.pattern.fanOutCache,
        evidence: w.pattern.evidence,
      },
      listable: w.listable,
      estimate: estimateJson(w.estimate),
      sizes: w.sizes.map((s) => estimateJson(s.estimate)),
      breaksAtNodes: w.breaksAt?.nodes ?? null,
      breaksBecause: w.breaksAt?.overloads ?? [],
      breaksInSteadyStateAtNodes: w.breaksInSteadyState?.nodes ?? null,
      breaksInSteadyStateBecause: w.breaksInSteadyState?.overloads ?? [],
      findings: w.findings,
      ignored: w.ignored,
    })),
    findings: result.findings,
    errors: result.diagnostics,
    ...(simulations === undefined ? {} : { simulations }),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
