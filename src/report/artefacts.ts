/**
 * The artefacts of `--out DIR` appear as one set or not at all. Before the run, a private
 * staging directory is created beside DIR (mkdtemp: a fresh name, mode 0700, so nothing planted
 * can redirect a write); the files are written into it with exclusive creation, and the
 * directory is renamed onto DIR in one step. Readers of DIR see the previous set, nothing, or
 * the new set, never a mix. A staging directory left by a killed run is named
 * `.<DIR>.kubestorm-staging-*`.
 */
import {
  chmodSync,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** The files a run writes into --out; a directory holding only these may be replaced. */
export const ARTEFACT_NAMES = ["report.html", "results.json", "metrics.prom"] as const;

/** --out cannot be used: the message names the path and what is wrong (exit 2). */
export class OutputPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputPathError";
  }
}

/** Writing or publishing the artefacts failed (disk full, I/O error): exit 1. */
export class OutputWriteError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "OutputWriteError";
  }
}

const STAGING_MARK = ".kubestorm-staging-";
const RETIRED_MARK = ".kubestorm-previous-";

/** A staging directory ready to receive one run's artefacts. */
export interface ArtefactStage {
  /** Where the set will appear. */
  readonly directory: string;
  /** Writes the files and publishes them as DIR; returns the published paths. */
  publish(files: Record<string, string>): string[];
  /** Removes the staging directory (a failed or abandoned run). */
  discard(): void;
}

function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "disk quota exceeded";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "ENOTDIR":
      return "a path component is a file, not a directory";
    case "EIO":
      return "input/output error";
    case "ENOENT":
      return "no such file or directory";
    default:
      return e.message ?? String(error);
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new OutputPathError(`--out ${path}: cannot inspect it: ${errnoText(error)}`);
  }
}

/** Creates the missing ancestors of `path` one level at a time, each checked to be a directory. */
function ensureDirectory(path: string, shown: string): void {
  const stats = lstatOrUndefined(path);
  if (stats?.isDirectory()) return;
  if (stats?.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(path);
    } catch (error) {
      throw new OutputPathError(`--out ${shown}: ${path} is a broken link: ${errnoText(error)}`);
    }
    ensureDirectory(target, shown);
    return;
  }
  if (stats !== undefined) {
    throw new OutputPathError(`--out ${shown}: ${path} exists and is not a directory`);
  }
  const parent = dirname(path);
  if (parent === path) throw new OutputPathError(`--out ${shown}: ${path} does not exist`);
  ensureDirectory(parent, shown);
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST" && lstatSync(path).isDirectory()) return;
    throw new OutputPathError(`--out ${shown}: cannot create ${path}: ${errnoText(error)}`);
  }
}

/**
 * Checks --out and creates its staging directory, before the run: a path that is a file, lies
 * under a file, cannot be created or written, or holds files other than a previous run's
 * artefacts is refused now rather than after the simulation.
 */
export function prepareArtefacts(out: string): ArtefactStage {
  let directory = resolve(out);
  const stats = lstatOrUndefined(directory);
  // A link the user points --out at is followed once, here; the rename below replaces the
  // directory it names.
  if (stats?.isSymbolicLink()) {
    try {
      directory = realpathSync(directory);
    } catch (error) {
      throw new OutputPathError(`--out ${out}: a broken link: ${errnoText(error)}`);
    }
  }
  const target = stats?.isSymbolicLink() ? lstatOrUndefined(directory) : stats;
  if (target !== undefined) {
    if (!target.isDirectory()) {
      throw new OutputPathError(`--out ${out}: exists and is not a directory`);
    }
    checkReplaceable(directory, out);
  }
  const parent = dirname(directory);
  ensureDirectory(parent, out);
  let staging: string;
  try {
    staging = mkdtempSync(join(parent, `.${basename(directory)}${STAGING_MARK}`));
  } catch (error) {
    throw new OutputPathError(`--out ${out}: cannot write in ${parent}: ${errnoText(error)}`);
  }
  let settled = false;
  const removeStaging = () => {
    if (!settled) rmSync(staging, { recursive: true, force: true });
    settled = true;
  };
  // A run that ends by an error or process.exit leaves no staging directory behind.
  process.once("exit", removeStaging);
  return {
    directory,
    publish(files) {
      try {
        for (const [name, content] of Object.entries(files)) {
          writeNewFile(join(staging, name), content);
        }
        // mkdtemp's 0700 would hide the report from other users; the usual 0755 less the umask.
        chmodSync(staging, 0o755 & ~process.umask());
        publishDirectory(staging, directory);
      } catch (error) {
        removeStaging();
        if (error instanceof OutputPathError) throw error;
        throw new OutputWriteError(`cannot write --out ${out}: ${errnoText(error)}`, {
          cause: error,
        });
      }
      settled = true;
      process.removeListener("exit", removeStaging);
      return Object.keys(files).map((name) => join(out, name));
    },
    discard() {
      removeStaging();
      process.removeListener("exit", removeStaging);
    },
  };
}

/** A directory the set may replace holds nothing but a previous run's artefact files. */
function checkReplaceable(directory: string, shown: string): void {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch (error) {
    throw new OutputPathError(`--out ${shown}: cannot read the directory: ${errnoText(error)}`);
  }
  const foreign = entries.filter(
    (name) =>
      !(ARTEFACT_NAMES as readonly string[]).includes(name) ||
      !(lstatOrUndefined(join(directory, name))?.isFile() ?? true),
  );
  if (foreign.length > 0) {
    throw new OutputPathError(
      `--out ${shown}: the directory holds other entries (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}); ` +
        `give a new or empty directory, or one holding only the files ${ARTEFACT_NAMES.join(", ")} of an earlier run`,
    );
  }
}

/** Exclusive creation (O_EXCL, no link followed), every byte checked, flushed to disk. */
function writeNewFile(path: string, content: string): void {
  const fd = openSync(path, "wx", 0o644);
  try {
    const bytes = Buffer.from(content, "utf8");
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts `staging` at `directory` with renames only: onto a missing or empty directory in one
 * step; over a previous set by moving it aside first (DIR is absent for that instant, never
 * mixed), then deleting it.
 */
function publishDirectory(staging: string, directory: string): void {
  try {
    renameSync(staging, directory);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
  }
  checkReplaceable(directory, directory); // files added during the run are never deleted
  const retired = mkdtempSync(join(dirname(directory), `.${basename(directory)}${RETIRED_MARK}`));
  const aside = join(retired, "previous");
  renameSync(directory, aside);
  try {
    renameSync(staging, directory);
  } catch (error) {
    renameSync(aside, directory);
    rmSync(retired, { recursive: true, force: true });
    throw error;
  }
  rmSync(retired, { recursive: true, force: true });
}

/** One file written whole or not at all: a private temporary directory, then a rename. */
export function writeFileAtomic(path: string, content: string): void {
  const staging = mkdtempSync(join(dirname(resolve(path)), `.${basename(path)}${STAGING_MARK}`));
  try {
    const temporary = join(staging, "file");
    writeNewFile(temporary, content);
    renameSync(temporary, path);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
