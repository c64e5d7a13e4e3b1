/**
 * Bounds on what reading a scenario may cost, checked before the costly step: the file's size
 * before it is parsed, and the parsed tree's list lengths and alias expansion before it is
 * turned into values (a few kilobytes of aliases can stand for gigabytes of data).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from "yaml";
import { formatPath } from "./diagnostics.js";

/**
 * Largest scenario file read: far above any real fleet (the built-in replay is 6 KiB, 1,000
 * classes with an agent each about 300 KiB), and small enough to parse in about a second.
 */
export const MAX_SCENARIO_BYTES = 2 ** 20;

/** No list or map of the schema may hold more (spec.clusters and services allow 1,000). */
export const MAX_COLLECTION_ITEMS = 1000;

/** Nodes of the document with every alias expanded (a 1,000-class fleet needs ~100,000). */
export const MAX_EXPANDED_NODES = 1_000_000;

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Reads at most `maxBytes` of a file: a larger file, or an endless one such as /dev/zero, is
 * refused after reading one byte more than the limit.
 */
export function readBoundedText(path: string, maxBytes = MAX_SCENARIO_BYTES): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    return { ok: false, reason: readFailure(error) };
  }
  try {
    if (fstatSync(fd).isDirectory()) return { ok: false, reason: "it is a directory" };
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, 1 << 16));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes) {
        return {
          ok: false,
          reason: `larger than ${maxBytes / 2 ** 20} MiB, the largest scenario file read`,
        };
      }
      chunks.push(Buffer.from(buffer.subarray(0, read)));
    }
    return { ok: true, text: Buffer.concat(chunks, total).toString("utf8") };
  } catch (error) {
    return { ok: false, reason: readFailure(error) };
  } finally {
    closeSync(fd);
  }
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return error instanceof Error ? error.message : String(error);
}

export interface TreeProblem {
  offset: number | undefined;
  path: string;
  message: string;
}

/**
 * Checks the parsed tree before it becomes values: no list or map longer than the schema
 * allows, no alias to the node that contains it, and at most `maxExpanded` nodes once every
 * alias is expanded. Returns the first problem, if any.
 */
export function checkTreeBounds(
  document: Document,
  maxItems = MAX_COLLECTION_ITEMS,
  maxExpanded = MAX_EXPANDED_NODES,
): TreeProblem | undefined {
  const anchors = new Map<string, Node>();
  const expanded = new Map<Node, number>();
  const open = new Set<Node>();
  let problem: TreeProblem | undefined;

  const size = (node: unknown, segments: (string | number)[]): number => {
    if (problem !== undefined || node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return 1; // the parser reports unknown anchors itself
      if (open.has(target)) {
        problem = {
          offset: node.range?.[0],
          path: formatPath(segments),
          message: `the alias *${node.source} refers to the node that contains it`,
        };
        return 0;
      }
      return expanded.get(target) ?? 1;
    }
    const current = node as Node;
    if (current.anchor !== undefined && current.anchor !== null) {
      anchors.set(current.anchor, current);
    }
    let total = 1;
    if (isSeq(current) || isMap(current)) {
      if (current.items.length > maxItems) {
        problem = {
          offset: current.range?.[0],
          path: formatPath(segments),
          message: `${isSeq(current) ? "a list" : "a map"} of ${current.items.length} items; a scenario allows at most ${maxItems}`,
        };
        return 0;
      }
      open.add(current);
      current.items.forEach((item: unknown, index: number) => {
        if (isPair(item)) {
          const key = isScalar(item.key) ? String(item.key.value) : "?";
          total += size(item.key, segments) + size(item.value, [...segments, key]);
        } else total += size(item, [...segments, index]);
      });
      open.delete(current);
    }
    expanded.set(current, total);
    return total;
  };

  const total = size(document.contents, []);
  if (problem === undefined && total > maxExpanded) {
    return {
      offset: 0,
      path: "",
      message: `the document expands to ${total.toLocaleString("en-US")} values once its aliases are resolved; a scenario allows at most ${maxExpanded.toLocaleString("en-US")}`,
    };
  }
  return problem;
}
