/**
 * Reads manifests: files, directories (recursively *.yaml, *.yml, *.json), and stdin ("-"),
 * each possibly multi-document, with `kind: List` expanded. Every document keeps its position
 * so findings and errors name file:line:column. A bad document is reported and skipped; the
 * others are still read.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isMap, isNode, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";
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
    else files.push(...walk(path));
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

/** Parses one file's text into `set` (documents and diagnostics). */
export function parseManifestText(file: string, text: string, set: ManifestSet): void {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  for (const doc of documents) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        set.diagnostics.push({
          ...at(error.pos[0]),
          path: "",
          message: `invalid YAML: ${error.message.split("\n")[0]}`,
        });
      }
      continue;
    }
    if (doc.contents === null) continue; // an empty document between separators
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    addObject(doc, [], value, at, set);
  }
}

function addObject(
  doc: Document.Parsed,
  prefix: (string | number)[],
  value: unknown,
  at: (offset: number) => SourceLocation,
  set: ManifestSet,
): void {
  const locate = (path: readonly (string | number)[]): SourceLocation => {
    // The deepest node that exists along the path: a missing field points at its parent.
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = doc.getIn([...prefix, ...path.slice(0, length)], true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return at(0);
  };
  const here = locate([]);
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
    const items = doc.getIn([...prefix, "items"], true);
    if (!Array.isArray(body.items) || !isSeq(items)) {
      set.diagnostics.push({
        ...locate(["items"]),
        path: "items",
        message: "expected a list of objects",
      });
      return;
    }
    body.items.forEach((item: unknown, index: number) =>
      addObject(doc, [...prefix, "items", index], item, at, set),
    );
    return;
  }
  const metadata = body.metadata;
  const metadataMap = doc.getIn([...prefix, "metadata"], true);
  const name =
    typeof metadata === "object" && metadata !== null
      ? (metadata as Record<string, unknown>).name
      : undefined;
  if (!isMap(metadataMap) || typeof name !== "string" || name === "") {
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
