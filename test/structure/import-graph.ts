/**
 * The import graph of the TypeScript sources under a directory, and its cycles.
 * Type-only imports count: a cycle through `import type` still ties two modules together.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** Module (path relative to the root, with `/`) → the modules it imports. */
export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files.sort();
}

/** `./x.js` → `./x.ts`, `./dir` → `./dir/index.ts`, as NodeNext resolution maps them. */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    `${base}.ts`,
    join(base, "index.ts"),
  ];
  return candidates.find((candidate) => existsSync(candidate));
}

export function buildImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const name = (path: string): string => relative(root, path).split(sep).join("/");
  for (const file of sourceFiles(root)) {
    // preProcessFile lists import and export declarations (type-only ones too) and import().
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = new Set<string>();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith(".")) continue; // a package, outside the graph
      const target = resolveRelative(file, fileName);
      if (target === undefined) {
        throw new Error(`${name(file)}: cannot resolve the import "${fileName}"`);
      }
      targets.add(name(target));
    }
    graph.set(name(file), [...targets].sort());
  }
  return graph;
}

/** One cycle: the modules of a strongly connected component and one loop through it. */
export interface ImportCycle {
  /** Every module of the component, sorted. */
  modules: string[];
  /** The shortest loop from the first module back to it (first module repeated at the end). */
  loop: string[];
}

/** Every cycle of the graph, one per strongly connected component (Tarjan). */
export function findCycles(graph: ImportGraph): ImportCycle[] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: ImportCycle[] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    lowLink.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(target)!));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = (graph.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) {
      const modules = component.sort();
      cycles.push({ modules, loop: shortestLoop(graph, new Set(modules), modules[0]!) });
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** Breadth-first from start back to start, staying inside the component. */
function shortestLoop(graph: ImportGraph, members: Set<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of graph.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const loop = [start];
        for (let step = node; step !== start; step = previous.get(step)!) loop.unshift(step);
        return [start, ...loop];
      }
      if (previous.has(target)) continue;
      previous.set(target, node);
      queue.push(target);
    }
  }
  throw new Error(`${start} has no loop inside its strongly connected component`);
}
