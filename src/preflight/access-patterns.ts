/**
 * What each workload calls, inferred from evidence in the manifests, in this order: the
 * `kubestorm.dev/api-calls` annotation; the rules for well-known agents (images, arguments and
 * configuration); generic node scoping (an env var from fieldRef spec.nodeName used as a node
 * filter); otherwise one informer per resource the service account may list, which is reported
 * as an assumption. docs/preflight.md gives the evidence behind every rule.
 */
import { API_CALLS_ANNOTATION, parseApiCallsAnnotation } from "./api-calls-annotation.js";
import { commandTokens, flagsOf, referencedVars } from "./args.js";
import { readAgentConfig, type AgentConfig, type ConfigMapIndex } from "./config.js";
import { recognise } from "./knowledge/match.js";
import { grantsWatch, listableGrants, type Permissions } from "./rbac.js";
import type { AccessPattern, ApiCall, CallScope, Container, Workload } from "./types.js";

export interface InferenceContext {
  /** Every workload of the input: fan-out caches (Typha, a cluster agent) are looked up here. */
  workloads: readonly Workload[];
  /** ConfigMaps of the input by "namespace/name" (configuration files). */
  configMaps: ConfigMapIndex;
}

export interface Inference {
  pattern: AccessPattern;
  /** Problems with the api-calls annotation; inference then falls back to the evidence. */
  annotationErrors: string[];
}

/** An informer: LIST (from the watch cache, RV="0", as client-go's first list) then WATCH. */
export function informer(resource: string, scope: CallScope, apiGroup = ""): ApiCall {
  return {
    verb: "watch",
    resource,
    apiGroup,
    scope,
    resourceVersion: "0",
    limit: 0,
    encoding: "json",
  };
}

export function inferAccessPattern(
  workload: Workload,
  permissions: Permissions,
  context: InferenceContext,
): Inference {
  const annotationErrors: string[] = [];
  const declared = workload.annotations[API_CALLS_ANNOTATION];
  if (declared !== undefined) {
    const parsed = parseApiCallsAnnotation(declared);
    if ("calls" in parsed) {
      return {
        pattern: {
          calls: parsed.calls,
          rule: "annotation",
          source: "annotation",
          evidence: [`declared in the ${API_CALLS_ANNOTATION} annotation`],
          assumed: false,
          fanOutCache: false,
        },
        annotationErrors,
      };
    }
    annotationErrors.push(...parsed.errors);
  }
  const config = readAgentConfig(workload, context.configMaps);
  const recognised = recognise({
    workload,
    permissions,
    config,
    workloads: context.workloads,
    grantCalls: (p) => informersFromGrants(p),
  });
  if (recognised !== undefined) return { pattern: recognised, annotationErrors };
  return {
    pattern: defaultPattern(new WorkloadFacts(workload, config), permissions),
    annotationErrors,
  };
}

/** Evidence gathered once per workload. */
class WorkloadFacts {
  readonly images: string;
  readonly args: string[];
  /** Configuration text: mounted ConfigMaps, without comment lines. */
  readonly config: string;
  /** Names of env vars filled from fieldRef spec.nodeName. */
  readonly nodeNameVars: string[];

  constructor(
    readonly workload: Workload,
    agentConfig: AgentConfig,
  ) {
    this.images = workload.containers.map((c) => c.image.toLowerCase()).join(" ");
    this.args = workload.containers.flatMap((c: Container) => [...c.command, ...c.args]);
    this.config = agentConfig.lines.join("\n");
    this.nodeNameVars = workload.containers.flatMap((c) =>
      c.env.filter((e) => e.fieldPath === "spec.nodeName").map((e) => e.name),
    );
  }

  image(pattern: RegExp): boolean {
    return pattern.test(this.images);
  }

  hasArg(pattern: RegExp): boolean {
    return this.args.some((arg) => pattern.test(arg));
  }

  argValue(flag: string): string | undefined {
    for (let i = 0; i < this.args.length; i++) {
      const arg = this.args[i];
      if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
      if (arg === flag && i + 1 < this.args.length) return this.args[i + 1];
    }
    return undefined;
  }

  env(name: string): string | undefined {
    for (const c of this.workload.containers) {
      const found = c.env.find((e) => e.name === name);
      if (found !== undefined) return found.value ?? "";
    }
    return undefined;
  }

  /** Where a spec.nodeName env var is used as a node filter, quoted; undefined if nowhere. */
  nodeFilterEvidence(): string | undefined {
    const nodeVars = new Set(this.nodeNameVars);
    for (const container of this.workload.containers) {
      for (const flag of flagsOf(commandTokens(container))) {
        if (flag.value === undefined) continue;
        const byName = NODE_FLAG.test(flag.name);
        const bySelector = /spec\.nodeName=/.test(flag.value);
        if (!byName && !bySelector) continue;
        const used = referencedVars(flag.value).find((v) => nodeVars.has(v));
        if (used !== undefined)
          return `env ${used} from fieldRef spec.nodeName, used in argument "${flag.text}"`;
      }
    }
    for (const name of this.nodeNameVars) {
      const ref = `(?:\\$\\(${name}\\)|\\$\\{(?:env:)?${name}\\})`;
      const inConfig = new RegExp(
        `(?:node_from_env_var\\s*:\\s*["']?${name}\\b|(?:host|node|node_?name|nodeName)\\s*[:=]\\s*["']?${ref}|spec\\.nodeName=${ref})`,
      ).exec(this.config);
      if (inConfig !== null) {
        return `env ${name} from fieldRef spec.nodeName, used in configuration "${inConfig[0]}"`;
      }
    }
    return undefined;
  }
}

/** Flag names that name the node an agent should watch for (--node, --k8s-node, --node-name…). */
const NODE_FLAG = /^(k8s-|kube-|kubernetes-)?node(-?name)?$/i;

/**
 * Assumed period of a client that may list but not watch: it can only poll. One minute is the
 * common default of polling agents (an assumption, documented in docs/preflight.md).
 */
export const ASSUMED_POLL_SECONDS = 60;

/** A periodic LIST as a plain client makes it (resourceVersion "": a consistent read). */
export function poll(
  resource: string,
  scope: CallScope,
  everySeconds: number,
  apiGroup = "",
): ApiCall {
  return {
    verb: "list",
    resource,
    apiGroup,
    scope,
    everySeconds,
    resourceVersion: "",
    limit: 0,
    encoding: "json",
  };
}

/**
 * Resources the account may list or watch, at the scope of their grant: an informer where it
 * may watch, a LIST every ASSUMED_POLL_SECONDS where it may only list.
 */
export function informersFromGrants(
  permissions: Permissions,
  only?: ReadonlySet<string>,
): ApiCall[] {
  const byResource = new Map<string, ApiCall>();
  for (const grant of listableGrants(permissions)) {
    if (grant.resource === "*" || (only !== undefined && !only.has(grant.resource))) continue;
    const scope: CallScope = grant.scope === "cluster" ? "cluster" : "namespace";
    const existing = byResource.get(grant.resource);
    const watch = grantsWatch(grant) || existing?.verb === "watch";
    const wider = existing === undefined || (existing.scope !== "cluster" && scope === "cluster");
    const widestScope = wider ? scope : existing.scope;
    if (wider || (watch && existing.verb !== "watch")) {
      byResource.set(
        grant.resource,
        watch
          ? informer(grant.resource, widestScope, grant.apiGroup)
          : poll(grant.resource, widestScope, ASSUMED_POLL_SECONDS, grant.apiGroup),
      );
    }
  }
  return [...byResource.values()];
}

/** No agent rule: one informer per listable resource, pods scoped if a node filter is evident. */
function defaultPattern(facts: WorkloadFacts, permissions: Permissions): AccessPattern {
  const workload = facts.workload;
  if (permissions.bindings.length === 0 && workload.serviceAccount !== "default") {
    // Missing RBAC is not "no access": the bindings may simply not be in the input.
    return {
      calls: [],
      rule: "rbac-not-in-input",
      source: "assumed",
      evidence: [
        `no RoleBinding or ClusterRoleBinding in the input names service account ${workload.namespace}/${workload.serviceAccount}: what it may call is unknown, and no load is counted`,
      ],
      assumed: true,
      accessUnknown: true,
      fanOutCache: false,
    };
  }
  const nodeFilter = facts.nodeFilterEvidence();
  const calls = informersFromGrants(permissions).map((call) =>
    call.resource === "pods" && nodeFilter !== undefined
      ? { ...call, scope: "node" as const }
      : call,
  );
  const evidence = [
    calls.length === 0
      ? "its service account may not list or watch anything: no API load assumed"
      : "assumed: one informer (LIST, then WATCH, relist on failure) per resource its RBAC lets it list or watch",
  ];
  if (nodeFilter !== undefined) evidence.push(`pods scoped to its node: ${nodeFilter}`);
  if (permissions.unresolvedRoles.length > 0) {
    evidence.push(`bound to roles not in the input: ${permissions.unresolvedRoles.join(", ")}`);
  }
  return {
    calls,
    rule: nodeFilter !== undefined ? "node-scoping" : "default-informers",
    source: nodeFilter !== undefined ? "node-scoping" : "assumed",
    evidence,
    assumed: calls.length > 0,
    fanOutCache: false,
  };
}
