/**
 * Errors in input files, each with file:line:column, the field path, what was expected and
 * what was found, printed like a compiler's with the offending line underneath.
 */

export interface Diagnostic {
  file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  line: number;
  column: number;
  /** Field path such as spec.clusters[0].nodes; empty for the document itself. */
  path: string;
  message: string;
}

export class InputError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly sourceText?: string,
  ) {
    super(diagnostics.map(formatDiagnosticHeadline).join("\n"));
    this.name = "InputError";
  }
}

export function formatDiagnosticHeadline(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  return `${where}: ${d.path === "" ? "" : `${d.path}: `}${d.message}`;
}

/** The headline, then the source line with a caret under the column. */
export function formatDiagnostic(d: Diagnostic, sourceText?: string): string {
  const headline = `error: ${formatDiagnosticHeadline(d)}`;
  if (sourceText === undefined || d.line <= 0) return headline;
  const lineText = sourceText.split(/\r?\n/)[d.line - 1];
  if (lineText === undefined) return headline;
  const gutter = String(d.line);
  const pad = " ".repeat(gutter.length);
  const shown = lineText.length > 160 ? `${lineText.slice(0, 157)}...` : lineText;
  return `${headline}\n ${gutter} | ${shown}\n ${pad} | ${" ".repeat(Math.max(0, d.column - 1))}^`;
}

export function formatInputError(error: InputError): string {
  const count = error.diagnostics.length;
  const body = error.diagnostics.map((d) => formatDiagnostic(d, error.sourceText)).join("\n");
  return count > 1 ? `${body}\n${count} errors` : body;
}

/** Path segments to "spec.clusters[0].nodes". */
export function formatPath(segments: readonly (string | number)[]): string {
  let path = "";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment))
      path += path === "" ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** Renders a found value for a message: short, typed, never "[object Object]". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing (null)";
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") return "a map";
  if (typeof value === "string") {
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return `the number ${value > 0 ? "+" : ""}${value} (out of range)`;
    return `the number ${value}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** The closest candidate within a small edit distance, for "did you mean" hints. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
