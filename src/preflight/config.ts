/**
 * An agent's configuration as preflight reads it: the ConfigMaps its pod mounts (YAML, JSON,
 * TOML, Fluent Bit's classic format, or other text), flattened to "path.to.key = value" lines,
 * and its environment with values resolved from literals, ConfigMap keys and fieldRefs.
 */
import jsYaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import type { ManifestDocument, Workload } from "./types.js";

/** ConfigMaps of the input by "namespace/name"; several when alternatives share a name. */
export type ConfigMapIndex = ReadonlyMap<string, readonly ManifestDocument[]>;

/** The data of a ConfigMap, preferring the one in the workload's own file. */
export function configMapData(
  index: ConfigMapIndex,
  workload: Workload,
  name: string,
): Record<string, string> | undefined {
  const candidates = index.get(`${workload.namespace}/${name}`) ?? [];
  const file = workload.document.location.file;
  const chosen = candidates.find((d) => d.location.file === file) ?? candidates.at(-1);
  const data = chosen?.body.data;
  if (typeof data !== "object" || data === null) return chosen === undefined ? undefined : {};
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === "string") result[key] = value;
  }
  return result;
}

type Tree = unknown;

function flattenTree(tree: Tree, prefix: string, lines: string[]): void {
  if (Array.isArray(tree)) {
    // List items keep their parent's path: a condition on "receivers.x.key" matches any item.
    for (const item of tree) flattenTree(item, prefix, lines);
  } else if (typeof tree === "object" && tree !== null) {
    for (const [key, value] of Object.entries(tree)) {
      flattenTree(value, prefix === "" ? key : `${prefix}.${key}`, lines);
    }
  } else if (tree !== null && tree !== undefined) {
    lines.push(`${prefix} = ${String(tree)}`);
  }
}

/** Fluent Bit's classic format: [SECTION] headers and "Key Value" lines. */
function isFluentBitClassic(text: string): boolean {
  return /^\s*\[(SERVICE|INPUT|FILTER|OUTPUT|PARSER|MULTILINE_PARSER)\]\s*$/im.test(text);
}

/** "[FILTER] Name kubernetes Use_Kubelet On" → "filter.kubernetes.use_kubelet = On". */
function flattenFluentBit(text: string, lines: string[]): void {
  let section = "";
  let entries: [string, string][] = [];
  const flush = () => {
    const name = entries.find(([k]) => k === "name")?.[1] ?? "";
    for (const [key, value] of entries) lines.push(`${section}.${name}.${key} = ${value}`);
    entries = [];
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[([A-Za-z_]+)\]$/.exec(line);
    if (header !== null) {
      flush();
      section = header[1].toLowerCase();
      continue;
    }
    const pair = /^([A-Za-z0-9_.-]+)\s+(.*)$/.exec(line);
    if (pair !== null) entries.push([pair[1].toLowerCase(), pair[2].trim()]);
  }
  flush();
}

/** One configuration file as flattened lines; raw lines (comments dropped) when not structured. */
export function flattenConfig(fileName: string, text: string): string[] {
  const lines: string[] = [];
  try {
    if (/\.toml$/i.test(fileName)) {
      flattenTree(parseToml(text), "", lines);
      return lines;
    }
    if (isFluentBitClassic(text)) {
      flattenFluentBit(text, lines);
      return lines;
    }
    if (/\.(ya?ml|json)$/i.test(fileName) || /^\s*[A-Za-z_"][^\n]*:\s*(\n|$)/.test(text)) {
      const tree: unknown = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
      if (typeof tree === "object" && tree !== null) {
        flattenTree(tree, "", lines);
        return lines;
      }
    }
  } catch {
    // Not of that format after all: read as text below.
  }
  for (const raw of text.split("\n")) {
    const line = raw.replace(/(^|\s)(#|\/\/).*$/, "").trim();
    if (line !== "") lines.push(line);
  }
  return lines;
}

export interface AgentConfig {
  /** Flattened lines of every mounted configuration file. */
  lines: string[];
  /** Env var values by name (the first container that sets it), resolved where possible. */
  env: Map<string, string>;
  /** Env vars set from fieldRef spec.nodeName. */
  nodeNameVars: Set<string>;
  /** Where each configuration came from ("ConfigMap ns/name key"). */
  origins: string[];
}

export function readAgentConfig(workload: Workload, configMaps: ConfigMapIndex): AgentConfig {
  const lines: string[] = [];
  const origins: string[] = [];
  for (const name of workload.configMapNames) {
    const data = configMapData(configMaps, workload, name);
    if (data === undefined) continue;
    for (const [key, text] of Object.entries(data)) {
      lines.push(...flattenConfig(key, text));
      origins.push(`ConfigMap ${workload.namespace}/${name} key ${key}`);
    }
  }
  const env = new Map<string, string>();
  const nodeNameVars = new Set<string>();
  for (const container of workload.containers) {
    for (const name of container.envFromConfigMaps) {
      for (const [key, value] of Object.entries(configMapData(configMaps, workload, name) ?? {}))
        if (!env.has(key)) env.set(key, value);
    }
    for (const variable of container.env) {
      if (variable.fieldPath === "spec.nodeName") nodeNameVars.add(variable.name);
      if (env.has(variable.name)) continue;
      const fromConfigMap =
        variable.configMapKey === undefined
          ? undefined
          : configMapData(configMaps, workload, variable.configMapKey.name)?.[
              variable.configMapKey.key
            ];
      const value = variable.value ?? fromConfigMap;
      if (value !== undefined) env.set(variable.name, expandVars(value, env));
      else if (variable.fieldPath !== undefined) env.set(variable.name, `<${variable.fieldPath}>`);
    }
  }
  return { lines, env, nodeNameVars, origins };
}

/** Kubernetes' $(VAR) expansion: earlier vars of the container are substituted. */
export function expandVars(value: string, env: ReadonlyMap<string, string>): string {
  return value.replace(
    /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
    (whole, name: string) => env.get(name) ?? whole,
  );
}
