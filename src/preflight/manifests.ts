/**
 * Reads manifests: files, directories (recursively *.yaml, *.yml, *.json), and stdin ("-"),
 * each possibly multi-document, with `kind: List` expanded. Every document keeps its position
 * so findings and errors name file:line:column. A bad document is reported and skipped; the
 * others are still read.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import jsYaml from "js-yaml";
import { isNode, LineCounter, parseAllDocuments, parseDocument, type Document } from "yaml";
import type { Diagnostic, ManifestDocument, SourceLocation } from "./types.js";

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;
export const STDIN_NAME = "<stdin>";

export interface ManifestSet {
  documents: ManifestDocument[];
  diagnostics: Diagnostic[];
  /** Text of each file read, for printing the offending line under an error. */
  sources: Map<string, string>;
}

/** Files under `paths` in a stable order ("-" stays as is: stdin). */
export function expandPaths(paths: readonly string[], diagnostics: Diagnostic[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (path === "-") {
      files.push(path);
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      diagnostics.push({
        file: path,
        line: 0,
        column: 0,
        path: "",
        message: "no such file or directory",
      });
      continue;
    }
    if (!isDirectory) files.push(path);
    else {
      const found = walk(path);
      if (found.length === 0) {
        diagnostics.push({
          file: path,
          line: 0,
          column: 0,
          path: "",
          message:
            "the directory holds no manifest (no *.yaml, *.yml or *.json file, searched recursively)",
        });
      }
      files.push(...found);
    }
  }
  return files;
}

function walk(directory: string): string[] {
  const found: string[] = [];
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...walk(full));
    else if (entry.isFile() && MANIFEST_EXTENSIONS.test(entry.name)) found.push(full);
  }
  return found;
}

/** Reads and parses every file; `readStdin` supplies the text of "-". */
export function readManifests(
  paths: readonly string[],
  readStdin: () => string = () => readFileSync(0, "utf8"),
): ManifestSet {
  const set: ManifestSet = { documents: [], diagnostics: [], sources: new Map() };
  for (const file of expandPaths(paths, set.diagnostics)) {
    const name = file === "-" ? STDIN_NAME : file;
    let text: string;
    try {
      text = file === "-" ? readStdin() : readFileSync(file, "utf8");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      set.diagnostics.push({
        file: name,
        line: 0,
        column: 0,
        path: "",
        message: `cannot read: ${reason}`,
      });
      continue;
    }
    set.sources.set(name, text);
    parseManifestText(name, text, set);
  }
  return set;
}

/**
 * Alias expansions allowed per document (yaml counts uses × nested aliases). Real manifests use
 * a few hundred at most; the bound only stops exponential "billion laughs" documents.
 */
export const MAX_ALIAS_EXPANSIONS = 100_000;

/** Keys every manifest starts with: repeated at the top level, two files were joined. */
const TOP_LEVEL_KEYS = /^(apiVersion|kind|metadata|spec)$/;
const HELM_TEMPLATE = /\{\{-?\s*[.$a-zA-Z(/-]/;

/** A document's text between `---` lines, and where it starts in its file. */
interface Chunk {
  text: string;
  offset: number;
}

/** Splits a file at its `---` (and `...`) lines; a directive (%YAML) keeps the file whole. */
function chunksOf(text: string): Chunk[] {
  if (/^%/m.test(text)) return [{ text, offset: 0 }];
  const chunks: Chunk[] = [];
  const separator = /^(?:---(?=[ \t]|\r?$)|\.\.\.[ \t]*\r?$)/gm;
  let start = 0;
  for (const match of text.matchAll(separator)) {
    const at = match.index;
    chunks.push({ text: text.slice(start, at), offset: start });
    // Content after "--- " on the marker line belongs to the next document.
    start = match[0].startsWith("---") ? at + 3 : text.indexOf("\n", at) + 1 || text.length;
  }
  chunks.push({ text: text.slice(start), offset: start });
  return chunks;
}

/** An anchor (&name) in the text: its aliases need yaml's expansion guard. */
const ANCHOR = /(?:^|[\s[{,:-])&[^\s,[\]{}]+/m;

/**
 * Parses one file's text into `set` (documents and diagnostics). Each document is read with
 * js-yaml, several times faster than a parse that keeps positions; positions of fields are
 * found on demand by a second parse with yaml (only for errors and findings). Documents with
 * anchors, or that js-yaml rejects, take yaml's path throughout: its alias guard and its
 * positioned error messages.
 */
export function parseManifestText(file: string, text: string, set: ManifestSet): void {
  let lineCounter: LineCounter | undefined;
  const at = (offset: number): SourceLocation => {
    if (lineCounter === undefined) {
      lineCounter = new LineCounter();
      lineCounter.addNewLine(0);
      for (const match of text.matchAll(/\n/g)) lineCounter.addNewLine(match.index + 1);
    }
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const parsedChunks = new Map<string, unknown>();
  const hints = { helm: HELM_TEMPLATE.test(text), given: false };
  for (const chunk of chunksOf(text)) {
    if (!ANCHOR.test(chunk.text)) {
      let value: unknown;
      let parsed = parsedChunks.has(chunk.text);
      if (parsed) value = parsedChunks.get(chunk.text);
      else {
        try {
          value = jsYaml.load(chunk.text, { schema: jsYaml.CORE_SCHEMA });
          parsed = true;
          parsedChunks.set(chunk.text, value);
        } catch {
          parsed = false; // yaml's parse below reports it with its position
        }
      }
      if (parsed) {
        if (value === null || value === undefined) continue;
        const lazy = lazyDocument(chunk, at);
        addObject(lazy.locate, [], value, set, lazy.start());
        continue;
      }
    }
    parseWithPositions(text, chunk, at, set, hints);
  }
}

/** A document parsed again by yaml, with positions, on the first call that needs one. */
function lazyDocument(
  chunk: Chunk,
  at: (offset: number) => SourceLocation,
): {
  locate: (path: readonly (string | number)[]) => SourceLocation;
  start: () => SourceLocation;
} {
  let doc: Document.Parsed | undefined;
  const start = (): SourceLocation => {
    // The first line that is not blank or a comment: where the document's content starts.
    const match = /^[ \t]*[^\s#]/m.exec(chunk.text);
    return at(chunk.offset + (match === null ? 0 : match.index + match[0].length - 1));
  };
  return {
    start,
    locate: (path) => {
      doc ??= parseDocument(chunk.text, { prettyErrors: false });
      for (let length = path.length; length >= 0; length--) {
        const node: unknown = doc.getIn(path.slice(0, length), true);
        if (isNode(node) && node.range) return at(chunk.offset + node.range[0]);
      }
      return start();
    },
  };
}

/** yaml's parse of one chunk: positioned errors with hints, and the alias guard. */
function parseWithPositions(
  text: string,
  chunk: Chunk,
  at: (offset: number) => SourceLocation,
  set: ManifestSet,
  hints: { helm: boolean; given: boolean },
): void {
  const shifted = (offset: number) => at(chunk.offset + offset);
  for (const doc of parseAllDocuments(chunk.text, { prettyErrors: false }) as Document.Parsed[]) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        let hint = "";
        if (!hints.given && hints.helm) {
          hint =
            " (the file holds Helm template expressions {{ ... }}: render it first with helm template, e.g. `helm template NAME CHART | kubestorm preflight -`)";
        } else if (
          !hints.given &&
          error.code === "DUPLICATE_KEY" &&
          TOP_LEVEL_KEYS.test(keyAt(text, chunk.offset + error.pos[0]))
        ) {
          hint =
            " (a second apiVersion/kind/metadata in one document: were several manifests joined without a `---` line between them, e.g. by `cat a.yaml b.yaml`?)";
        }
        hints.given ||= hint !== "";
        set.diagnostics.push({
          ...shifted(error.pos[0]),
          path: "",
          message: `invalid YAML: ${error.message.split("\n")[0]}${hint}`,
        });
      }
      continue;
    }
    if (doc.contents === null) continue; // an empty document between separators
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
    } catch (error) {
      // yaml throws (not reports) when aliases expand too much or point nowhere.
      const reason = error instanceof Error ? error.message : String(error);
      set.diagnostics.push({
        ...shifted(doc.range[0]),
        path: "",
        message: `invalid YAML: ${reason} (more than ${MAX_ALIAS_EXPANSIONS.toLocaleString("en-US")} alias expansions, or an alias to no anchor); this document is skipped`,
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    const locate = (path: readonly (string | number)[]): SourceLocation => {
      for (let length = path.length; length >= 0; length--) {
        const node: unknown = doc.getIn(path.slice(0, length), true);
        if (isNode(node) && node.range) return shifted(node.range[0]);
      }
      return shifted(0);
    };
    addObject(locate, [], value, set, locate([]));
  }
}

/** The mapping key written at `offset` (the text up to its colon). */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const match = /^["']?([A-Za-z0-9_.-]+)["']?\s*:/.exec(rest);
  return match === null ? "" : match[1];
}

function addObject(
  locateInFile: (path: readonly (string | number)[]) => SourceLocation,
  prefix: (string | number)[],
  value: unknown,
  set: ManifestSet,
  here: SourceLocation,
): void {
  const locate = (path: readonly (string | number)[]): SourceLocation =>
    locateInFile([...prefix, ...path]);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    set.diagnostics.push({
      ...here,
      path: "",
      message: "expected a Kubernetes object (a map with apiVersion and kind)",
    });
    return;
  }
  const body = value as Record<string, unknown>;
  const kind = body.kind;
  if (typeof kind !== "string" || kind === "") {
    set.diagnostics.push({
      ...locate(["kind"]),
      path: "kind",
      message: "missing: expected the object's kind, e.g. DaemonSet",
    });
    return;
  }
  if (kind === "List" || (kind.endsWith("List") && Array.isArray(body.items))) {
    if (!Array.isArray(body.items)) {
      set.diagnostics.push({
        ...locate(["items"]),
        path: "items",
        message: "expected a list of objects",
      });
      return;
    }
    body.items.forEach((item: unknown, index: number) => {
      const path = [...prefix, "items", index];
      addObject(locateInFile, path, item, set, locateInFile(path));
    });
    return;
  }
  const metadata = body.metadata;
  const name =
    typeof metadata === "object" && metadata !== null
      ? (metadata as Record<string, unknown>).name
      : undefined;
  if (typeof name !== "string" || name === "") {
    set.diagnostics.push({
      ...locate(["metadata", "name"]),
      path: "metadata.name",
      message: `missing: expected the ${kind}'s name`,
    });
    return;
  }
  const namespace = (metadata as Record<string, unknown>).namespace;
  set.documents.push({
    location: here,
    apiVersion: typeof body.apiVersion === "string" ? body.apiVersion : "",
    kind,
    name,
    // Trimmed so that a quoted "kube-system " still joins with its ServiceAccount.
    namespace:
      typeof namespace === "string" && namespace.trim() !== "" ? namespace.trim() : undefined,
    body,
    locate,
  });
}
