/**
 * Standard output that reports its failures: a result that cannot be written (disk full,
 * closed stdout) ends the command with a message and exit 1 instead of vanishing.
 */
import { fstatSync, readFileSync, statSync } from "node:fs";

/** The result could not be written to stdout. */
export class StdoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StdoutError";
  }
}

/**
 * True when the process was started with stdout closed (`>&-`): Node then opens /dev/null in
 * its place, read-write, where a shell's `>/dev/null` opens it write-only. Linux only (it reads
 * /proc); elsewhere false.
 */
export function stdoutWasClosed(): boolean {
  try {
    const stdout = fstatSync(1);
    if (!stdout.isCharacterDevice() || stdout.rdev !== statSync("/dev/null").rdev) return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync("/proc/self/fdinfo/1", "utf8"));
    const O_ACCMODE = 0o3;
    const O_RDWR = 0o2;
    return flags !== null && (parseInt(flags[1], 8) & O_ACCMODE) === O_RDWR;
  } catch {
    return false;
  }
}

/**
 * Refuses to start work whose result could not be delivered: stdout closed and no --out. With
 * --out the artefacts hold the result, so the run goes ahead with a note. (A parent that spawns
 * the command with its stdout ignored gets the same /dev/null and the same answer.)
 */
export function checkStdoutOpen(resultAlsoInFiles: boolean): void {
  if (!stdoutWasClosed()) return;
  if (resultAlsoInFiles) {
    process.stderr.write("kubestorm: standard output is closed; the result goes to --out only\n");
    return;
  }
  throw new StdoutError(
    "standard output is closed; nothing to write the result to (redirect it to a file or /dev/null, or give --out)",
  );
}

/** Writes `text` to stdout and resolves once it is written; rejects with StdoutError if not. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => {
      if (error === null || error === undefined) resolve();
      else {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === "ENOSPC"
            ? "no space left on the device"
            : code === "EPIPE"
              ? "the reader has gone away (broken pipe)"
              : error.message;
        reject(new StdoutError(`cannot write the result to standard output: ${reason}`));
      }
    });
  });
}
