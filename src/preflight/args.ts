/**
 * A container's command line as an agent reads it: tokens (shell strings of `sh -c` split as
 * the shell would, roughly), flags with their values in the `--flag=value`, `--flag value` and
 * `-flag value` forms, and Kubernetes' `$(VAR)` expansion against the container's env.
 */
import type { Container } from "./types.js";

/** Words of a shell string: whitespace-separated, quotes removed (no globbing or escapes). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3]);
  return words;
}

const SHELLS = /(^|\/)(ba|da)?sh$/;

/** Command and args as tokens; the script of `sh -c "..."` is split into words too. */
export function commandTokens(container: Container): string[] {
  const tokens = [...container.command, ...container.args];
  const result: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const script = i > 0 && tokens[i - 1] === "-c" && SHELLS.test(tokens[0] ?? "");
    if (script || /\s/.test(token)) result.push(...shellWords(token));
    else result.push(token);
  }
  return result;
}

export interface Flag {
  name: string;
  value: string | undefined;
  /** The flag as written, for quoting in evidence. */
  text: string;
}

/** Flags in tokens: `--name=value`, or `--name value` when the next token is not a flag. */
export function flagsOf(tokens: readonly string[]): Flag[] {
  const flags: Flag[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const match = /^--?([A-Za-z0-9][A-Za-z0-9_.-]*)(?:=(.*))?$/s.exec(token);
    if (match === null) continue;
    if (match[2] !== undefined) {
      flags.push({ name: match[1], value: match[2], text: token });
      continue;
    }
    const next = tokens[i + 1];
    if (next !== undefined && !next.startsWith("-")) {
      flags.push({ name: match[1], value: next, text: `${token} ${next}` });
      i++;
    } else {
      flags.push({ name: match[1], value: undefined, text: token });
    }
  }
  return flags;
}

/** Names of env vars a value refers to: `$(VAR)`, `${VAR}`, `${env:VAR}`, `$VAR`. */
export function referencedVars(value: string): string[] {
  const names: string[] = [];
  const pattern =
    /\$\(([A-Za-z_][A-Za-z0-9_]*)\)|\$\{(?:env:|env\.)?([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  for (const match of value.matchAll(pattern)) names.push(match[1] ?? match[2] ?? match[3]);
  return names;
}
