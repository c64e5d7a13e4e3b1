import { spawnSync, type StdioOptions } from "node:child_process";
import { CLI } from "../paths.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Where stdout goes: a pipe (read back) by default, or an open file descriptor. */
  stdoutFd?: number;
}

/** Runs the built kubestorm command as a user would, without a terminal. */
export function runCli(args: string[], input?: string, options: CliOptions = {}): CliResult {
  const stdio: StdioOptions = ["pipe", options.stdoutFd ?? "pipe", "pipe"];
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    input,
    cwd: options.cwd,
    stdio,
    // Only a guard against a hang: the replay needs ~35 s of CPU, far more on a loaded machine.
    timeout: 600_000,
  });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** Runs the command through sh, for conditions only a shell sets up (a closed stdout). */
export function runCliInShell(command: string, cwd?: string): CliResult {
  const result = spawnSync("sh", ["-c", command], {
    encoding: "utf8",
    cwd,
    env: {
      ...process.env,
      KUBESTORM: `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)}`,
    },
    timeout: 600_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Signs of an unhandled failure that no message for a user contains. */
export function assertNoCrash(result: CliResult, context: string): void {
  const output = `${result.stdout}\n${result.stderr}`;
  if (/internal error|^\s+at .+:\d+:\d+\)?$|Unhandled|UnhandledPromiseRejection/m.test(output)) {
    throw new Error(`${context}: crash output:\n${result.stderr}`);
  }
  if (result.status === null || ![0, 1, 2].includes(result.status)) {
    throw new Error(`${context}: exit status ${result.status}:\n${result.stderr}`);
  }
}
