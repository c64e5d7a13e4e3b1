/**
 * Recognition: the first knowledge-base entry whose images match a container decides, and in
 * it the first behaviour whose condition holds on the manifests (args, env, configuration,
 * image version, other workloads of the input). The result quotes the entry and its source.
 */
import semver from "semver";
import { commandTokens, flagsOf, referencedVars } from "../args.js";
import type { AgentConfig } from "../config.js";
import type { Permissions } from "../rbac.js";
import type { AccessPattern, ApiCall, Workload } from "../types.js";
import { KNOWLEDGE_BASE } from "./index.js";
import type { AgentEntry, CallSpec, Condition, GrantsSpec } from "./types.js";

export interface RecognitionInput {
  workload: Workload;
  permissions: Permissions;
  config: AgentConfig;
  /** Every workload of the input (fan-out peers are looked up here). */
  workloads: readonly Workload[];
  /** Informers from the account's grants (see access-patterns.ts). */
  grantCalls: (permissions: Permissions) => ApiCall[];
}

/** The version in an image reference's tag ("v0.11.0-amd64" → 0.11.0), if it has one. */
export function imageVersion(image: string): string | undefined {
  const withoutDigest = image.split("@")[0];
  const colon = withoutDigest.lastIndexOf(":");
  if (colon < 0 || withoutDigest.indexOf("/", colon) >= 0) return undefined;
  const tag = withoutDigest.slice(colon + 1);
  if (!/^v?\d/.test(tag)) return undefined;
  return semver.coerce(tag)?.version;
}

class Evaluator {
  private readonly tokens: string[];
  readonly reasons: string[] = [];

  constructor(
    private readonly input: RecognitionInput,
    private readonly image: string,
  ) {
    this.tokens = input.workload.containers.flatMap((c) => commandTokens(c));
  }

  /** True when every field of the condition holds; reasons collect what was found. */
  holds(condition: Condition | undefined): boolean {
    if (condition === undefined) return true;
    const { config, workload, workloads } = this.input;
    if (condition.arg !== undefined) {
      const pattern = new RegExp(condition.arg);
      const token = this.tokens.find((t) => pattern.test(t));
      if (token === undefined) return false;
      this.reasons.push(`argument "${token}"`);
    }
    if (condition.env !== undefined) {
      const value = config.env.get(condition.env.name);
      if (value === undefined || !new RegExp(condition.env.matches).test(value)) return false;
      this.reasons.push(`env ${condition.env.name}=${JSON.stringify(value)}`);
    }
    if (condition.nodeEnv !== undefined) {
      const name = condition.nodeEnv.find((n) => config.nodeNameVars.has(n));
      if (name === undefined) return false;
      this.reasons.push(`env ${name} from fieldRef spec.nodeName`);
    }
    if (condition.nodeFlag !== undefined) {
      const names = new Set(condition.nodeFlag);
      const flag = workload.containers
        .flatMap((c) => flagsOf(commandTokens(c)))
        .find(
          (f) =>
            names.has(f.name) &&
            f.value !== undefined &&
            referencedVars(f.value).some((v) => config.nodeNameVars.has(v)),
        );
      if (flag === undefined) return false;
      this.reasons.push(`argument "${flag.text}" with a variable from spec.nodeName`);
    }
    if (condition.config !== undefined) {
      const pattern = new RegExp(condition.config, "i");
      const line = config.lines.find((l) => pattern.test(l));
      if (line === undefined) return false;
      this.reasons.push(`configuration "${line}"`);
    }
    if (condition.nodeConfig !== undefined) {
      const pattern = new RegExp(condition.nodeConfig, "i");
      const found = config.lines.find((line) => {
        const match = pattern.exec(line);
        if (match === null || match[1] === undefined) return false;
        const refs = referencedVars(match[1]);
        return (refs.length > 0 ? refs : [match[1]]).some((v) => config.nodeNameVars.has(v));
      });
      if (found === undefined) return false;
      this.reasons.push(`configuration "${found}" with a variable from spec.nodeName`);
    }
    if (condition.peer !== undefined) {
      const pattern = new RegExp(condition.peer);
      const peer = workloads.find(
        (w) =>
          w !== workload &&
          w.namespace === workload.namespace &&
          w.document.location.file === workload.document.location.file &&
          w.containers.some((c) => pattern.test(c.image.toLowerCase())),
      );
      if (peer === undefined) return false;
      this.reasons.push(`${peer.kind} ${peer.namespace}/${peer.name} in the input`);
    }
    if (condition.versions !== undefined) {
      const version = imageVersion(this.image);
      if (version === undefined || !semver.satisfies(version, condition.versions)) return false;
      this.reasons.push(`image version ${version} (${condition.versions})`);
    }
    if (condition.not !== undefined) {
      const inner = new Evaluator(this.input, this.image);
      if (inner.holds(condition.not)) return false;
    }
    if (condition.any !== undefined) {
      if (!condition.any.some((c) => this.holds(c))) return false;
    }
    return true;
  }
}

function flagValue(workload: Workload, name: string): string | undefined {
  for (const container of workload.containers) {
    const flag = flagsOf(commandTokens(container)).find((f) => f.name === name);
    if (flag?.value !== undefined) return flag.value;
  }
  return undefined;
}

function isGrants(spec: CallSpec | GrantsSpec): spec is GrantsSpec {
  return "fromGrants" in spec;
}

function callOf(spec: CallSpec): ApiCall {
  const watch = spec.verb === "watch";
  return {
    verb: spec.verb,
    resource: spec.resource,
    apiGroup: spec.apiGroup ?? "",
    scope: spec.scope,
    everySeconds: watch ? undefined : (spec.every ?? 60),
    resourceVersion: watch ? "0" : "",
    limit: 0,
    encoding: "json",
  };
}

/** The entry whose images match one of the workload's containers, and that image. */
/** Each entry's image patterns, compiled once. */
const IMAGE_PATTERNS: ReadonlyMap<AgentEntry, RegExp[]> = new Map(
  KNOWLEDGE_BASE.map((entry) => [entry, entry.images.map((p) => new RegExp(p))]),
);

export function findEntry(workload: Workload): { entry: AgentEntry; image: string } | undefined {
  for (const entry of KNOWLEDGE_BASE) {
    const patterns = IMAGE_PATTERNS.get(entry) ?? [];
    const container = workload.containers.find((c) =>
      patterns.some((p) => p.test(c.image.toLowerCase())),
    );
    if (container !== undefined) return { entry, image: container.image.toLowerCase() };
  }
  return undefined;
}

export function recognise(input: RecognitionInput): AccessPattern | undefined {
  const found = findEntry(input.workload);
  if (found === undefined) return undefined;
  const { entry, image } = found;
  for (const behaviour of entry.behaviours) {
    const evaluator = new Evaluator(input, image);
    if (!evaluator.holds(behaviour.when)) continue;
    const calls: ApiCall[] = [];
    for (const spec of behaviour.calls) {
      if (!isGrants(spec)) {
        calls.push(callOf(spec));
        continue;
      }
      const scoped = new Set(spec.nodeScoped ?? []);
      const scopeHolds = scoped.size > 0 && evaluator.holds(spec.nodeScopedWhen);
      const listed =
        spec.resourcesFlag === undefined
          ? undefined
          : flagValue(input.workload, spec.resourcesFlag);
      const only =
        listed === undefined ? undefined : new Set(listed.split(",").map((r) => r.trim()));
      if (only !== undefined) evaluator.reasons.push(`--${spec.resourcesFlag}=${listed}`);
      for (const call of input.grantCalls(input.permissions)) {
        if (spec.clusterOnly === true && call.scope !== "cluster") continue;
        if (only !== undefined && !only.has(call.resource)) continue;
        calls.push(scopeHolds && scoped.has(call.resource) ? { ...call, scope: "node" } : call);
      }
    }
    const version = imageVersion(image);
    const source = entry.sources.map((s) => `${s.url} (${s.release})`).join("; ");
    return {
      calls,
      rule: entry.id,
      source: behaviour.fanOutCache === true ? "fan-out" : "agent-rule",
      evidence: [
        `recognised as ${entry.name} (image ${image}${version === undefined ? ", no version in its tag" : ""}): ${behaviour.says}`,
        ...(evaluator.reasons.length > 0 ? [`found: ${evaluator.reasons.join("; ")}`] : []),
        `source: ${source}`,
      ],
      assumed: false,
      fanOutCache: behaviour.fanOutCache === true,
      entry: entry.id,
      confidence: version === undefined ? "medium" : "high",
    };
  }
  return undefined;
}
