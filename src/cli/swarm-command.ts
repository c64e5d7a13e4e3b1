/** `kubestorm swarm`: scenarios drawn from seeds, each run with the state checker on. */
import { availableParallelism } from "node:os";
import { Command, InvalidArgumentError } from "commander";
import { reproduceCommand, runSwarm, type SwarmOutcome } from "../fleet/swarm.js";
import { swarmScenario } from "../scenario/swarm-scenario.js";
import { isValidSeed, MAX_SEED } from "../sim/index.js";
import { EXIT_RUN_FAILED, EXIT_USAGE } from "./exit-codes.js";
import { writeStdout } from "./output.js";

interface SwarmFlags {
  seeds: number;
  from: number;
  threads?: number;
  print?: number;
  output: "table" | "json";
}

const EXAMPLES = `
Examples:
  kubestorm swarm --seeds 500                 500 scenarios from seeds 1 to 500
  kubestorm swarm --from 1234 --seeds 1       rerun one seed exactly
  kubestorm swarm --print 1234 > s.yaml       the scenario file of a seed, to read or edit
`;

function integerIn(low: number, high: number) {
  return (text: string): number => {
    const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!(value >= low && value <= high)) {
      throw new InvalidArgumentError(`expected an integer from ${low} to ${high}.`);
    }
    return value;
  };
}

function parseSeed(text: string): number {
  const seed = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!isValidSeed(seed))
    throw new InvalidArgumentError(`expected an integer from 0 to ${MAX_SEED}.`);
  return seed;
}

function line(outcome: SwarmOutcome): string {
  const applied = outcome.mitigations.length > 0 ? ` +${outcome.mitigations.join(",")}` : "";
  if (outcome.ok) {
    return `seed ${outcome.seed}: ok (${outcome.clusters} clusters, ${outcome.events.toLocaleString("en-US")} events, ${outcome.oomKills} OOM kills${applied})\n`;
  }
  return `seed ${outcome.seed}: FAILED${applied}\n  ${outcome.message ?? ""}\n  reproduce: ${reproduceCommand(outcome.seed)}\n`;
}

export function registerSwarmCommand(program: Command): void {
  program
    .command("swarm")
    .description("run scenarios drawn from seeds with the state checker on; report violations")
    .option("--seeds <n>", "how many seeds to run", integerIn(1, 1_000_000), 100)
    .option("--from <seed>", "first seed", parseSeed, 1)
    .option("--threads <n>", "worker threads (default: one per CPU)", integerIn(1, 256))
    .option("--print <seed>", "print the scenario file of one seed and exit", parseSeed)
    .option(
      "-o, --output <format>",
      "table or json",
      (text: string) => {
        if (text !== "table" && text !== "json")
          throw new InvalidArgumentError("expected table or json.");
        return text;
      },
      "table",
    )
    .addHelpText("after", EXAMPLES)
    .action(async (flags: SwarmFlags) => {
      if (flags.print !== undefined) {
        const drawn = swarmScenario(flags.print);
        const note =
          drawn.mitigations.length === 0
            ? ""
            : `# the swarm also applies these mitigations: ${drawn.mitigations.join(", ")}\n`;
        await writeStdout(`${note}${drawn.yaml}`);
        return;
      }
      // Compared without adding: past 2^53 a sum would round.
      if (flags.from > MAX_SEED - (flags.seeds - 1)) {
        process.stderr.write(
          `kubestorm: swarm: --from ${flags.from} with --seeds ${flags.seeds} goes past the last seed; seeds go up to ${MAX_SEED}\n`,
        );
        process.exitCode = EXIT_USAGE;
        return;
      }
      const writes: Promise<void>[] = [];
      const seeds = Array.from({ length: flags.seeds }, (_, i) => flags.from + i);
      const outcomes = await runSwarm(seeds, flags.threads ?? availableParallelism(), (outcome) => {
        if (flags.output === "table") writes.push(writeStdout(line(outcome)));
      });
      await Promise.all(writes);
      const failed = outcomes.filter((o) => !o.ok);
      if (flags.output === "json") {
        await writeStdout(
          `${JSON.stringify({ seeds: outcomes.length, failed: failed.length, outcomes }, null, 2)}\n`,
        );
      } else {
        await writeStdout(
          `${outcomes.length - failed.length} passed, ${failed.length} failed (seeds ${flags.from} to ${flags.from + flags.seeds - 1})\n`,
        );
      }
      if (failed.length > 0) process.exitCode = EXIT_RUN_FAILED;
    });
}
