/** Commands, options and help of the kubestorm CLI (kubectl conventions: verbs, -o, stderr). */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { availableParallelism } from "node:os";
import { runInParallel, runScenario, type RunResult } from "../fleet/index.js";
import {
  comparisonTable,
  comparisonText,
  outcomeSummary,
  renderReportHtml,
  replayReportInput,
  runResultJson,
  runResultTable,
  timelineRows,
  timelineTable,
  prepareArtefacts,
  type ArtefactStage,
  type VariantRun,
} from "../report/index.js";
import {
  ALL_COMBINED,
  applyMitigations,
  MITIGATIONS,
  builtinScenarioNames,
  DEFAULT_REPLAY,
  loadBuiltinScenario,
  loadScenarioFile,
  parseDuration,
  scenarioJsonSchema,
  type Scenario,
} from "../scenario/index.js";
import { isValidSeed, MAX_SEED } from "../sim/index.js";
import { EXIT_RUN_FAILED } from "./exit-codes.js";
import { checkBudget, DEFAULT_BUDGET_SECONDS, effectiveBudget } from "./budget.js";
import { checkStdoutOpen, writeStdout } from "./output.js";
import { createProgress } from "./progress.js";
import { registerPreflightCommand } from "./preflight-command.js";
import { registerSwarmCommand } from "./swarm-command.js";

interface RunFlags {
  seed?: number;
  output: "table" | "json";
  out?: string;
  full?: boolean;
  compare?: boolean | string;
  threads?: number;
  check?: boolean;
  budget?: number;
}

const EXAMPLES = `
Examples:
  kubestorm replay                          replay the 2024-12-11 incident (built-in)
  kubestorm scenarios                       list the built-in scenarios
  kubestorm run my-fleet.yaml --seed 7      run a scenario file with another seed
  kubestorm run my-fleet.yaml -o json       machine-readable result on stdout
  kubestorm replay --out report/            also write report.html, results.json and metrics.prom
  kubestorm replay --compare --out report/  the incident beside every mitigation, in parallel
  kubestorm compare my-fleet.yaml           a scenario file beside every mitigation
  kubestorm preflight deploy/ --nodes 7500  predict the apiserver load of manifests
  kubestorm schema > scenario.schema.json   JSON Schema of scenario files, for editors
  kubestorm run my-fleet.yaml --check       check the model's conservation rules as it runs
  kubestorm swarm --seeds 500               500 drawn scenarios, each checked

Exit codes:
  0  success
  1  the run failed, a run limit (maxEvents, wallClock, --budget) stopped it, or the
     result could not be written
  2  bad usage or invalid input (the error names file:line:column and the field)
`;

function packageVersion(): string {
  const packageJson = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
}

function parseSeed(text: string): number {
  const seed = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!isValidSeed(seed))
    throw new InvalidArgumentError(`expected an integer from 0 to ${MAX_SEED}.`);
  return seed;
}

function withRunOptions(command: Command): Command {
  return command
    .option("--seed <n>", "seed of the random streams (overrides the scenario's)", parseSeed)
    .addOption(
      new Option("-o, --output <format>", "result format on stdout")
        .choices(["table", "json"])
        .default("table"),
    )
    .option(
      "--out <dir>",
      "also write artefacts (report.html, results.json, metrics.prom) into this directory",
    )
    .option("--full", "simulate every cluster instead of one per class and rollout wave")
    .option(
      "--check",
      "check conservation rules on every transition (slower); a violation stops the run with its seed",
    )
    .option(
      "--compare [mitigations]",
      `run mitigation variants beside the scenario, in parallel: a comma-separated list of ${[...MITIGATIONS.map((m) => m.id), ALL_COMBINED].join(", ")} (default: each, then all combined)`,
      parseMitigationList,
    )
    .option("--threads <n>", "worker threads for --compare (default: one per CPU)", parseThreads)
    .option(
      "--budget <duration>",
      `wall-clock budget of the run, e.g. 2h (default: the scenario's limits.wallClock, else ${DEFAULT_BUDGET_SECONDS / 60}m); a run estimated to need more is refused before it starts`,
      parseBudget,
    );
}

function parseBudget(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds < 1 || seconds > 30 * 86_400) {
    throw new InvalidArgumentError("expected a duration from 1s to 30d, such as 45m or 2h.");
  }
  return seconds;
}

function parseMitigationList(text: string): string {
  const known = [...MITIGATIONS.map((m) => m.id), ALL_COMBINED];
  const ids = text.split(",").map((part) => part.trim());
  if (ids.every((id) => id === "")) {
    throw new InvalidArgumentError(`expected one or more of ${known.join(", ")}.`);
  }
  for (const id of ids) {
    if (id !== "" && !known.includes(id)) {
      throw new InvalidArgumentError(
        `unknown mitigation ${JSON.stringify(id)}; known: ${known.join(", ")}`,
      );
    }
  }
  return text;
}

function parseThreads(text: string): number {
  const threads = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(threads >= 1 && threads <= 256)) throw new InvalidArgumentError("expected 1 to 256.");
  return threads;
}

/** The variants --compare asks for: each mitigation alone, then all of them together. */
function variantsOf(
  flag: boolean | string,
): { id: string; title: string; description: string; ids: string[] }[] {
  const chosen =
    typeof flag === "string"
      ? flag
          .split(",")
          .map((id) => id.trim())
          .filter((id) => id !== "")
      : [...MITIGATIONS.map((m) => m.id), ALL_COMBINED];
  return chosen.map((id) => {
    if (id === ALL_COMBINED) {
      return {
        id,
        title: "All mitigations combined",
        description: "Every remedy above at once (APF stays on).",
        ids: [ALL_COMBINED],
      };
    }
    const mitigation = MITIGATIONS.find((m) => m.id === id);
    if (mitigation === undefined) {
      throw new InvalidArgumentError(
        `unknown mitigation ${JSON.stringify(id)}; known: ${[...MITIGATIONS.map((m) => m.id), ALL_COMBINED].join(", ")}`,
      );
    }
    return { id, title: mitigation.title, description: mitigation.description, ids: [id] };
  });
}

async function execute(scenarioAsWritten: Scenario, flags: RunFlags): Promise<void> {
  const variants = flags.compare === undefined ? [] : variantsOf(flags.compare);
  const threads = flags.threads ?? availableParallelism();
  // Everything that can be refused is refused before the run: budget, stdout, --out.
  const scenario = checkBudget(scenarioAsWritten, {
    full: flags.full === true,
    budget: effectiveBudget(scenarioAsWritten, flags.budget),
    runs: variants.length + 1,
    cores: Math.min(availableParallelism(), threads + 1),
  });
  checkStdoutOpen(flags.out !== undefined);
  const stage = flags.out === undefined ? undefined : prepareArtefacts(flags.out);
  try {
    await runAndReport(scenario, variants, threads, flags, stage);
  } finally {
    stage?.discard();
  }
}

async function runAndReport(
  scenario: Scenario,
  variants: ReturnType<typeof variantsOf>,
  threads: number,
  flags: RunFlags,
  stage: ArtefactStage | undefined,
): Promise<void> {
  // Variants run on worker threads while the scenario itself runs here, with its progress bar.
  const abort = new AbortController();
  const parallel =
    variants.length === 0
      ? Promise.resolve([] as RunResult[])
      : runInParallel(
          variants.map((variant) => ({
            scenario: applyMitigations(scenario, variant.ids),
            options: { seed: flags.seed, full: flags.full, check: flags.check },
          })),
          // One per CPU: the main thread only runs the as-happened scenario, then waits.
          threads,
          { signal: abort.signal },
        );
  // Until it is awaited below, a failure of the variants is kept, not left unhandled.
  parallel.catch(() => {});
  const progress = createProgress(scenario.durationSeconds);
  let metrics = "";
  let result: RunResult;
  try {
    result = runScenario(scenario, {
      seed: flags.seed,
      full: flags.full,
      check: flags.check,
      onProgress: (now) => progress.update(now),
      onMetrics: flags.out === undefined ? undefined : (text) => (metrics = text),
    });
  } catch (error) {
    // The workers stop with the run that failed here; wait until they have.
    abort.abort(error);
    await parallel.catch(() => {});
    throw error;
  } finally {
    progress.done();
  }
  const variantResults = await parallel;
  const runs: VariantRun[] = [
    { id: "as-happened", title: "As happened", description: "The scenario as written.", result },
    ...variants.map((variant, index) => ({
      id: variant.id,
      title: variant.title,
      description: variant.description,
      result: variantResults[index],
    })),
  ];
  const comparison = variants.length === 0 ? undefined : comparisonTable(runs);
  const json =
    comparison === undefined
      ? runResultJson(result)
      : `${JSON.stringify(
          {
            ...result,
            comparison: {
              ...comparison,
              variants: runs.slice(1).map((run) => ({ id: run.id, outcomes: run.result.outcomes })),
            },
          },
          null,
          2,
        )}\n`;
  if (stage !== undefined) {
    const html = renderReportHtml(
      replayReportInput(result, scenario.calibration, packageVersion(), comparison),
    );
    const written = stage.publish({
      "report.html": html,
      "results.json": json,
      "metrics.prom": metrics,
    });
    process.stderr.write(`wrote ${written.join(", ")}\n`);
  }
  await writeStdout(flags.output === "json" ? json : humanSummary(scenario, result, comparison));
  if (runs.some((run) => run.result.outcome.limitHit)) {
    const hint = runs.some((run) => run.result.outcome.stopReason === "wall-clock")
      ? " (raise it with --budget)"
      : "";
    process.stderr.write(`kubestorm: ${result.outcome.message}${hint}\n`);
    process.exitCode = EXIT_RUN_FAILED;
  }
}

function humanSummary(
  scenario: Scenario,
  result: RunResult,
  comparison: ReturnType<typeof comparisonTable> | undefined,
): string {
  const parts: string[] = [];
  if (scenario.calibration.length > 0) {
    parts.push(timelineTable(result, timelineRows(result, scenario.calibration)));
  }
  if (scenario.workloads !== undefined || scenario.pipeline !== undefined) {
    parts.push(outcomeSummary(result));
  }
  if (comparison !== undefined) parts.push(`Mitigations compared\n${comparisonText(comparison)}`);
  parts.push(runResultTable(result));
  return parts.join("\n\n");
}

export function buildProgram(): Command {
  const program = new Command("kubestorm")
    .description(
      "Simulate Kubernetes fleets deterministically, replay control-plane incidents and compare mitigations.",
    )
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXAMPLES);

  withRunOptions(
    program
      .command("run")
      .description("run a scenario file")
      .argument("<file>", "scenario YAML (kind: Scenario)"),
  ).action((file: string, flags: RunFlags) => execute(loadScenarioFile(file), flags));

  withRunOptions(
    program
      .command("compare")
      .description("run a scenario file beside its mitigation variants (run --compare)")
      .argument("<file>", "scenario YAML (kind: Scenario)"),
  ).action((file: string, flags: RunFlags) =>
    execute(loadScenarioFile(file), { ...flags, compare: flags.compare ?? true }),
  );

  withRunOptions(
    program
      .command("replay")
      .description(`run a built-in scenario (default ${DEFAULT_REPLAY})`)
      .argument("[name]", "built-in scenario name; see `kubestorm scenarios`", DEFAULT_REPLAY),
  ).action((name: string, flags: RunFlags) => execute(loadBuiltinScenario(name), flags));

  program
    .command("scenarios")
    .description("list the built-in scenarios")
    .addOption(
      new Option("-o, --output <format>", "list format")
        .choices(["table", "json"])
        .default("table"),
    )
    .action((flags: { output: "table" | "json" }) => {
      const scenarios = builtinScenarioNames().map((name) => {
        const scenario = loadBuiltinScenario(name);
        return { name, description: scenario.description ?? "" };
      });
      if (flags.output === "json") return writeStdout(`${JSON.stringify(scenarios, null, 2)}\n`);
      const width = Math.max(...scenarios.map((s) => s.name.length));
      return writeStdout(
        scenarios.map((s) => `${s.name.padEnd(width)}  ${s.description}\n`).join(""),
      );
    });

  program
    .command("schema")
    .description("print the JSON Schema of scenario files (for editors and CI checks)")
    .action(() => writeStdout(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`));

  registerPreflightCommand(program);
  registerSwarmCommand(program);

  // Sub-commands inherit the parent's behaviour on errors so every usage error exits 2.
  for (const command of program.commands) {
    command.exitOverride().showHelpAfterError("(run with --help for usage)");
  }
  return program;
}
