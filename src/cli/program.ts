/** Commands, options and help of the kubestorm CLI (kubectl conventions: verbs, -o, stderr). */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { runScenario } from "../fleet/index.js";
import { runResultJson, runResultTable, writeArtefacts } from "../report/index.js";
import {
  builtinScenarioNames,
  DEFAULT_REPLAY,
  loadBuiltinScenario,
  loadScenarioFile,
  scenarioJsonSchema,
  type Scenario,
} from "../scenario/index.js";
import { isValidSeed, MAX_SEED } from "../sim/index.js";
import { EXIT_RUN_FAILED } from "./exit-codes.js";
import { createProgress } from "./progress.js";
import { registerPreflightCommand } from "./preflight-command.js";

interface RunFlags {
  seed?: number;
  output: "table" | "json";
  out?: string;
}

const EXAMPLES = `
Examples:
  kubestorm replay                          replay the 2024-12-11 incident (built-in)
  kubestorm scenarios                       list the built-in scenarios
  kubestorm run my-fleet.yaml --seed 7      run a scenario file with another seed
  kubestorm run my-fleet.yaml -o json       machine-readable result on stdout
  kubestorm replay --out report/            also write results.json and metrics.prom into report/
  kubestorm schema > scenario.schema.json   JSON Schema of scenario files, for editors

Exit codes:
  0  success
  1  the run failed or a run limit (maxEvents, wallClock) stopped it
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
    .option("--out <dir>", "also write artefacts (results.json, metrics.prom) into this directory");
}

function execute(scenario: Scenario, flags: RunFlags): void {
  const progress = createProgress(scenario.durationSeconds);
  let metrics = "";
  const result = runScenario(scenario, {
    seed: flags.seed,
    onProgress: (now) => progress.update(now),
    onMetrics: flags.out === undefined ? undefined : (text) => (metrics = text),
  });
  progress.done();
  const json = runResultJson(result);
  process.stdout.write(flags.output === "json" ? json : runResultTable(result));
  if (flags.out !== undefined) {
    const written = writeArtefacts(flags.out, { "results.json": json, "metrics.prom": metrics });
    process.stderr.write(`wrote ${written.join(", ")}\n`);
  }
  if (result.outcome.limitHit) {
    process.stderr.write(`kubestorm: ${result.outcome.message}\n`);
    process.exitCode = EXIT_RUN_FAILED;
  }
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
      if (flags.output === "json") {
        process.stdout.write(`${JSON.stringify(scenarios, null, 2)}\n`);
        return;
      }
      const width = Math.max(...scenarios.map((s) => s.name.length));
      for (const s of scenarios)
        process.stdout.write(`${s.name.padEnd(width)}  ${s.description}\n`);
    });

  program
    .command("schema")
    .description("print the JSON Schema of scenario files (for editors and CI checks)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });

  registerPreflightCommand(program);

  // Sub-commands inherit the parent's behaviour on errors so every usage error exits 2.
  for (const command of program.commands) {
    command.exitOverride().showHelpAfterError("(run with --help for usage)");
  }
  return program;
}
