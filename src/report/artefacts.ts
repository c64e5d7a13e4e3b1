/** Output files are written whole or not at all: to a temporary name, then renamed. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function writeFileAtomic(path: string, content: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Writes each named file into `directory` (created if missing); returns the paths written. */
export function writeArtefacts(directory: string, files: Record<string, string>): string[] {
  mkdirSync(directory, { recursive: true });
  return Object.entries(files).map(([name, content]) => {
    const path = join(directory, name);
    writeFileAtomic(path, content);
    return path;
  });
}
