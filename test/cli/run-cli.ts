import { spawnSync } from "node:child_process";
import { CLI } from "../paths.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built kubestorm command as a user would, without a terminal. */
export function runCli(args: string[], input?: string): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    input,
    // Only a guard against a hang: the replay needs ~35 s of CPU, far more on a loaded machine.
    timeout: 600_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
