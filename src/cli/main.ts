#!/usr/bin/env node
/** The kubestorm command: parses arguments, runs a command, maps failures to exit codes. */
import { CommanderError } from "commander";
import { InputError, formatInputError } from "../scenario/index.js";
import { SimulationError } from "../sim/index.js";
import { OutputPathError, OutputWriteError } from "../report/index.js";
import { ParallelRunError } from "../fleet/index.js";
import { buildProgram } from "./program.js";
import { StdoutError } from "./output.js";
import { EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE } from "./exit-codes.js";

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (error) {
    return reportFailure(error);
  }
}

function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help) already. Help asked for exits 0; help
    // shown because no command was given (exitCode 1) is a usage error.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") {
      return EXIT_OK;
    }
    if (error.code === "commander.help") return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    return EXIT_USAGE;
  }
  if (error instanceof InputError) {
    process.stderr.write(`${formatInputError(error)}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof OutputPathError) {
    process.stderr.write(`kubestorm: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof OutputWriteError || error instanceof StdoutError) {
    process.stderr.write(`kubestorm: ${error.message}\n`);
    return EXIT_RUN_FAILED;
  }
  if (error instanceof SimulationError || error instanceof ParallelRunError) {
    process.stderr.write(`kubestorm: ${error.message}\n`);
    if (process.env.KUBESTORM_DEBUG && error.cause instanceof Error)
      process.stderr.write(`${error.cause.stack}\n`);
    return EXIT_RUN_FAILED;
  }
  const detail = error instanceof Error ? error.message : String(error);
  process.stderr.write(`kubestorm: internal error: ${detail}\n`);
  if (process.env.KUBESTORM_DEBUG && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  else process.stderr.write("(set KUBESTORM_DEBUG=1 for a stack trace)\n");
  return EXIT_RUN_FAILED;
}

// Quietly stop when the reader of stdout goes away (`kubestorm schema | head`).
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT_OK);
});

// Nothing is left to tell when stderr itself fails; the exit code still says how the run went.
process.stderr.on("error", () => {});

process.exitCode = await main(process.argv);
