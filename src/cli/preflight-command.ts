/** `kubestorm preflight`: reads manifests, prints the predicted apiserver load and findings. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { InvalidArgumentError, Option, type Command } from "commander";
import { parseKubernetesVersion, type KubernetesVersion } from "../k8s/index.js";
import {
  analyseManifests,
  DEFAULT_CONTROL_PLANE,
  diagnosticsText,
  preflightJson,
  preflightSarif,
  preflightText,
  planSimulation,
  readManifests,
  runSimulation,
  SEVERITY_ORDER,
  DEFAULT_SIMULATION,
  estimateWorkload,
  fixFiles,
  withFlowControl,
  type Finding,
  type PreflightResult,
  type WorkloadFix,
  type Severity,
  type SimulationOutcome,
} from "../preflight/index.js";
import { runResultTable } from "../report/index.js";
import { EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE } from "./exit-codes.js";
import { writeStdout } from "./output.js";

/** Exit status when a finding reaches --fail-on: the documented "failed" code. */
const EXIT_FINDINGS = EXIT_RUN_FAILED;

interface PreflightFlags {
  nodes: number;
  podsPerNode: number;
  k8sVersion: KubernetesVersion;
  output: "text" | "json" | "sarif";
  failOn: "none" | Severity;
  simulate?: boolean;
  strict?: boolean;
  fixOut?: string;
  breakGlassGroup: string;
}

export const PREFLIGHT_HELP = `
Reads files, directories (*.yaml, *.yml, *.json, recursively), multi-document YAML, kind: List,
and stdin ("-"). Workloads are joined to their ServiceAccount and RBAC; what they call comes from
the kubestorm.dev/api-calls annotation, known agents, node scoping, or is assumed (and said so).
Ignore findings per workload with the annotation kubestorm.dev/ignore: "KS001,KS006".
Each verdict says its basis: recognised (a knowledge-base entry, docs/agents.md), declared (the
annotation) or assumed. Findings on an assumption are warnings; --strict fails on them too.

Examples:
  kubestorm preflight deploy/                              every manifest under deploy/
  helm template my-agent ./chart | kubestorm preflight -   a rendered chart from stdin
  kubestorm preflight agent.yaml --nodes 7500 -o sarif     SARIF 2.1.0 for code scanning

Exit codes:
  0  no finding at or above --fail-on
  1  a finding at or above --fail-on (default error)
  2  bad usage, or nothing could be analysed (every document had errors, or no workload)
`;

function positiveInteger(text: string): number {
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new InvalidArgumentError("expected an integer ≥ 1.");
  return value;
}

function podsPerNode(text: string): number {
  // Decimal only: Number() would also read "0x10" as 16 and "1e2" as 100.
  const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value < 0 || value > 1000) {
    throw new InvalidArgumentError("expected a number from 0 to 1000.");
  }
  return value;
}

function version(text: string): KubernetesVersion {
  try {
    return parseKubernetesVersion(text);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function packageVersion(): string {
  const packageJson = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
}

/** Adds `preflight` to the program. */
export function registerPreflightCommand(program: Command): Command {
  return program
    .command("preflight")
    .description("predict the apiserver load of Kubernetes manifests before they ship")
    .argument("<paths...>", 'manifest files or directories; "-" reads stdin')
    .option(
      "--nodes <n>",
      "cluster size to estimate at",
      positiveInteger,
      DEFAULT_CONTROL_PLANE.nodes,
    )
    .option(
      "--pods-per-node <p>",
      "average pods per node",
      podsPerNode,
      DEFAULT_CONTROL_PLANE.podsPerNode,
    )
    .option(
      "--k8s-version <v>",
      "Kubernetes minor version of the control plane (1.29 to 1.34)",
      version,
      DEFAULT_CONTROL_PLANE.version,
    )
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["text", "json", "sarif"])
        .default("text"),
    )
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding is at or above this severity")
        .choices(["none", "info", "warning", "error"])
        .default("error"),
    )
    .option(
      "--strict",
      "also fail on warnings that rest on an assumed access pattern (no entry or annotation)",
    )
    .option(
      "--fix-out <dir>",
      "write FlowSchema/PriorityLevelConfiguration fixes for flagged workloads, a break-glass FlowSchema and a README to DIR",
    )
    .option(
      "--break-glass-group <group>",
      "admin group the break-glass FlowSchema sends to the exempt level",
      "kubestorm:break-glass",
    )
    .option(
      "--simulate",
      "also run a short simulation of the cluster with the workload (not available yet)",
    )
    .addHelpText("after", PREFLIGHT_HELP)
    .action(async (paths: string[], flags: PreflightFlags) => {
      process.exitCode = await runPreflight(paths, flags);
    });
}

async function runPreflight(paths: string[], flags: PreflightFlags): Promise<number> {
  const set = readManifests(paths);
  const result = analyseManifests(set, {
    plane: {
      ...DEFAULT_CONTROL_PLANE,
      nodes: flags.nodes,
      podsPerNode: flags.podsPerNode,
      version: flags.k8sVersion,
    },
  });
  process.stderr.write(diagnosticsText(result, set.sources));
  const fixes =
    flags.fixOut === undefined
      ? undefined
      : writeFixes(result, flags.fixOut, flags.breakGlassGroup);
  if (fixes === "failed") return EXIT_USAGE;
  const simulations = flags.simulate === true ? simulate(result, fixes?.fixes ?? []) : undefined;
  if (flags.output === "json") await writeStdout(preflightJson(result, simulations?.outcomes));
  else if (flags.output === "sarif") await writeStdout(preflightSarif(result, packageVersion()));
  else await writeStdout(preflightText(result) + (fixes?.text ?? "") + (simulations?.text ?? ""));
  if (simulations !== undefined && flags.output === "sarif") {
    process.stderr.write(
      "kubestorm: --simulate results are not part of SARIF; use -o text or -o json\n",
    );
  }
  if (result.workloads.length === 0) {
    process.stderr.write(
      `kubestorm: nothing to analyse: no workload (DaemonSet, Deployment, StatefulSet, Job, CronJob, Pod) could be read from ${paths.join(", ")}\n`,
    );
    return EXIT_USAGE;
  }
  if (flags.failOn === "none") return EXIT_OK;
  const threshold = SEVERITY_ORDER.indexOf(flags.failOn);
  // Under --strict a warning that rests on an assumption counts as an error.
  const severityOf = (f: Finding): Severity =>
    flags.strict === true && f.basis === "assumed" && f.severity === "warning"
      ? "error"
      : f.severity;
  const failing = result.findings.some((f) => SEVERITY_ORDER.indexOf(severityOf(f)) >= threshold);
  return failing ? EXIT_FINDINGS : EXIT_OK;
}

/** Writes the --fix-out files, each whole (a temporary file renamed into place). */
function writeFixes(
  result: PreflightResult,
  dir: string,
  group: string,
): { text: string; fixes: WorkloadFix[] } | "failed" {
  const { files, fixes } = fixFiles(result, group, (objects) =>
    objects.map((o) => stringify(o)).join("---\n"),
  );
  try {
    mkdirSync(dir, { recursive: true });
    for (const file of files) {
      const path = join(dir, file.name);
      writeFileSync(`${path}.tmp`, file.text);
      renameSync(`${path}.tmp`, path);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`kubestorm: --fix-out ${dir}: cannot write: ${reason}\n`);
    return "failed";
  }
  const plane = result.options.plane;
  const lines = fixes.map((fix) => {
    const report = result.workloads.find(
      (r) => `${r.workload.kind} ${r.workload.namespace}/${r.workload.name}` === fix.workload,
    );
    const after =
      report === undefined
        ? undefined
        : estimateWorkload(report.workload, report.pattern.calls, withFlowControl(plane, [fix]));
    const memory = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
    return (
      `  ${fix.workload}: ${fix.flowSchema.metadata.name}.yaml, ${fix.shares} share(s)` +
      (report === undefined || after === undefined
        ? ""
        : `; rollout peak ${memory(report.estimate.rolloutPeakMemoryBytes)} → ${memory(after.rolloutPeakMemoryBytes)} of ${memory(plane.apiserverMemoryBytes)}; overloads after: ${after.overloads.map((o) => o.kind).join(", ") || "none"}`)
    );
  });
  return {
    text: `\nfixes written to ${dir} (${files.length} files):\n${lines.join("\n")}${lines.length > 0 ? "\n" : ""}`,
    fixes,
  };
}

/** Runs every workload that calls simulated resources; text for the report and JSON outcomes. */
function simulate(
  result: PreflightResult,
  fixes: readonly WorkloadFix[],
): { text: string; outcomes: SimulationOutcome[] } {
  const outcomes: SimulationOutcome[] = [];
  let text = "";
  for (const report of result.workloads) {
    const name = `${report.workload.kind} ${report.workload.namespace}/${report.workload.name}`;
    const fix = fixes.find((f) => f.workload === name);
    const variants: [string, readonly unknown[]][] = [["", []]];
    if (fix !== undefined) variants.push([" with the fix", [fix.priorityLevel, fix.flowSchema]]);
    for (const [label, flowControl] of variants) {
      const plan = planSimulation(
        report.workload,
        report.pattern.calls,
        result.options.plane,
        DEFAULT_SIMULATION,
        flowControl,
      );
      if (plan === undefined) continue;
      const run = runSimulation(plan);
      const skippedCalls = plan.skippedCalls.map((c) => `${c.verb} ${c.resource}`);
      outcomes.push({ workload: `${name}${label}`, skippedCalls, result: run });
      text +=
        `\nsimulation of ${name}${label}: ${DEFAULT_SIMULATION.durationSeconds / 60} min, pods starting over ${DEFAULT_SIMULATION.rolloutSeconds} s` +
        (skippedCalls.length > 0 ? ` (not simulated: ${skippedCalls.join(", ")})` : "") +
        `\n${runResultTable(run)}`;
    }
  }
  if (outcomes.length === 0)
    text =
      "\nsimulation: no workload calls pods, nodes or leases, which is what the simulator models\n";
  return { text, outcomes };
}
