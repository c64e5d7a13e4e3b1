/**
 * What each workload calls, inferred from evidence in the manifests, in this order: the
 * `kubestorm.dev/api-calls` annotation; the rules for well-known agents (images, arguments and
 * configuration); generic node scoping (an env var from fieldRef spec.nodeName used as a node
 * filter); otherwise one informer per resource the service account may list, which is reported
 * as an assumption. docs/preflight.md gives the evidence behind every rule.
 */
import { API_CALLS_ANNOTATION, parseApiCallsAnnotation } from "./api-calls-annotation.js";
import { commandTokens, flagsOf, referencedVars } from "./args.js";
import { grantsWatch, listableGrants, type Permissions } from "./rbac.js";
import type { AccessPattern, ApiCall, CallScope, Container, Workload } from "./types.js";

export interface InferenceContext {
  /** Every workload of the input: fan-out caches (Typha, a cluster agent) are looked up here. */
  workloads: readonly Workload[];
  /** ConfigMap data by "namespace/name", all values joined (configuration files). */
  configMaps: ReadonlyMap<string, string>;
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
  const facts = new WorkloadFacts(workload, context);
  for (const rule of AGENT_RULES) {
    const pattern = rule(facts, permissions, context);
    if (pattern !== undefined) return { pattern, annotationErrors };
  }
  return { pattern: defaultPattern(facts, permissions), annotationErrors };
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
    context: InferenceContext,
  ) {
    this.images = workload.containers.map((c) => c.image.toLowerCase()).join(" ");
    this.args = workload.containers.flatMap((c: Container) => [...c.command, ...c.args]);
    this.config = workload.configMapNames
      .map((name) => context.configMaps.get(`${workload.namespace}/${name}`) ?? "")
      .join("\n")
      .split("\n")
      .filter((line) => !/^\s*#/.test(line))
      .join("\n");
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

type AgentRule = (
  facts: WorkloadFacts,
  permissions: Permissions,
  context: InferenceContext,
) => AccessPattern | undefined;

function known(
  rule: string,
  calls: ApiCall[],
  evidence: string[],
  options: { fanOutCache?: boolean; source?: AccessPattern["source"] } = {},
): AccessPattern {
  return {
    calls,
    rule,
    source: options.source ?? "agent-rule",
    evidence,
    assumed: false,
    fanOutCache: options.fanOutCache ?? false,
  };
}

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

function anyWorkload(context: InferenceContext, image: RegExp): Workload | undefined {
  return context.workloads.find((w) => w.containers.some((c) => image.test(c.image.toLowerCase())));
}

const TYPHA_IMAGE = /calico\/typha|typha:/;
const DATADOG_CLUSTER_AGENT_IMAGE = /datadog\/cluster-agent|datadoghq\/cluster-agent/;

export const AGENT_RULES: readonly AgentRule[] = [
  // flannel --kube-subnet-mgr keeps every Node in an informer on every node.
  (f) => {
    if (!f.image(/flannel/)) return undefined;
    if (!f.hasArg(/^--kube-subnet-mgr$/)) {
      return known(
        "flannel",
        [],
        [`image ${f.images}: without --kube-subnet-mgr flannel uses etcd, not the API`],
      );
    }
    return known(
      "flannel",
      [informer("nodes", "cluster")],
      [
        "image flannel with --kube-subnet-mgr: every node watches every Node object (traffic grows ~N²)",
      ],
    );
  },
  // Typha: the fan-out cache of calico-node.
  (f, permissions) => {
    if (!f.image(TYPHA_IMAGE)) return undefined;
    return known(
      "calico-typha",
      informersFromGrants(permissions).filter((c) => c.scope === "cluster"),
      ["image calico/typha: one set of watches fanned out to every calico-node"],
      { fanOutCache: true, source: "fan-out" },
    );
  },
  (f, permissions, context) => {
    if (!f.image(/calico\/node/)) return undefined;
    const typha = anyWorkload(context, TYPHA_IMAGE);
    if (typha !== undefined) {
      return known(
        "calico-node-with-typha",
        [],
        [`image calico/node; Typha (${typha.kind} ${typha.name}) in the input serves its watches`],
        { source: "fan-out" },
      );
    }
    return known(
      "calico-node-without-typha",
      informersFromGrants(permissions).filter((c) => c.scope === "cluster"),
      [
        "image calico/node without Typha in the input: every node watches the cluster (Typha recommended above 50 nodes)",
      ],
    );
  },
  (f, permissions) => {
    if (!f.image(DATADOG_CLUSTER_AGENT_IMAGE)) return undefined;
    return known(
      "datadog-cluster-agent",
      informersFromGrants(permissions).filter((c) => c.scope === "cluster"),
      ["image datadog/cluster-agent: one set of cluster-wide watches serving every node agent"],
      { fanOutCache: true, source: "fan-out" },
    );
  },
  (f, _permissions, context) => {
    if (!f.image(/datadog\/agent|datadoghq\/agent/)) return undefined;
    const clusterAgent = anyWorkload(context, DATADOG_CLUSTER_AGENT_IMAGE);
    if (f.env("DD_CLUSTER_AGENT_ENABLED") === "true" || clusterAgent !== undefined) {
      return known(
        "datadog-agent-with-cluster-agent",
        [],
        [
          clusterAgent !== undefined
            ? `image datadog/agent; the Cluster Agent (${clusterAgent.kind} ${clusterAgent.name}) serves cluster metadata`
            : "image datadog/agent with DD_CLUSTER_AGENT_ENABLED=true: cluster metadata comes from the Cluster Agent",
        ],
        { source: "fan-out" },
      );
    }
    return known(
      "datadog-agent-without-cluster-agent",
      ["services", "endpoints", "nodes"].map((r) => informer(r, "cluster")),
      [
        "image datadog/agent without a Cluster Agent: every node agent watches cluster metadata (services, endpoints, nodes) itself",
      ],
    );
  },
  (f, permissions) => {
    if (!f.image(/kube-state-metrics/)) return undefined;
    const resourcesArg = f.argValue("--resources");
    const only =
      resourcesArg === undefined
        ? undefined
        : new Set(resourcesArg.split(",").map((r) => r.trim()));
    const nodeFilter = f.nodeFilterEvidence();
    const calls = informersFromGrants(permissions, only).map((call) =>
      call.resource === "pods" && nodeFilter !== undefined
        ? { ...call, scope: "node" as const }
        : call,
    );
    return known("kube-state-metrics", calls, [
      nodeFilter !== undefined
        ? `image kube-state-metrics with --node: ${nodeFilter} (pods of its own node only)`
        : "image kube-state-metrics without --node: one informer per resource of its ClusterRole, cluster-wide",
      ...(only !== undefined ? [`--resources=${resourcesArg}`] : []),
    ]);
  },
  (f) => {
    if (!f.image(/node-exporter/)) return undefined;
    return known(
      "node-exporter",
      [],
      ["image node-exporter: reads /proc and /sys of its node, makes no API calls"],
    );
  },
  (f) => {
    if (!f.image(/node-problem-detector/)) return undefined;
    return known(
      "node-problem-detector",
      [
        {
          verb: "get",
          resource: "nodes",
          apiGroup: "",
          scope: "named",
          everySeconds: 300,
          resourceVersion: "",
          limit: 0,
          encoding: "json",
        },
      ],
      [
        "image node-problem-detector: reads and patches its own Node (NODE_NAME from spec.nodeName) every heartbeat (5m)",
      ],
    );
  },
  (f) => {
    if (!f.image(/opentelemetry-collector|otel\/|otelcol/)) return undefined;
    if (!/k8sattributes/.test(f.config)) {
      return known(
        "otel-collector",
        [],
        ["image opentelemetry-collector without a k8sattributes processor in its configuration"],
      );
    }
    const filter = /node_from_env_var\s*:\s*["']?([A-Za-z_][A-Za-z0-9_]*)/.exec(f.config);
    const scoped = filter !== null && f.nodeNameVars.includes(filter[1]);
    return known(
      "otel-k8sattributes",
      [
        informer("pods", scoped ? "node" : "cluster"),
        informer("namespaces", "cluster"),
        // Deployment names come from the pods' ReplicaSets, watched only when asked for.
        ...(/k8s\.deployment\./.test(f.config) ? [informer("replicasets", "cluster", "apps")] : []),
      ],
      [
        scoped
          ? `k8sattributes with filter node_from_env_var: ${filter[1]} (fieldRef spec.nodeName): pods of its own node`
          : "k8sattributes without filter.node_from_env_var: watches every pod of the cluster",
      ],
    );
  },
  (f) => {
    if (!f.image(/fluent-bit|fluentbit/)) return undefined;
    if (/Use_Kubelet\s+(On|true)/i.test(f.config)) {
      return known(
        "fluent-bit",
        [],
        ["fluent-bit kubernetes filter with Use_Kubelet On: pod metadata from the local kubelet"],
      );
    }
    return known(
      "fluent-bit",
      [
        {
          verb: "get",
          resource: "pods",
          apiGroup: "",
          scope: "named",
          everySeconds: 60,
          resourceVersion: "",
          limit: 0,
          encoding: "json",
        },
      ],
      [
        "fluent-bit kubernetes filter without Use_Kubelet: GETs each new pod's metadata from the API (cached)",
      ],
    );
  },
  (f) => {
    if (!f.image(/fluentd/)) return undefined;
    const scoped = f.env("K8S_NODE_NAME") !== undefined && f.nodeNameVars.includes("K8S_NODE_NAME");
    return known(
      "fluentd-kubernetes-metadata",
      [informer("pods", scoped ? "node" : "cluster"), informer("namespaces", "cluster")],
      [
        scoped
          ? "fluentd kubernetes_metadata filter with K8S_NODE_NAME from spec.nodeName: pods of its own node"
          : "fluentd kubernetes_metadata filter without K8S_NODE_NAME from spec.nodeName: watches every pod of the cluster",
      ],
    );
  },
  (f) => {
    if (!f.image(/beats\/(filebeat|metricbeat|auditbeat|packetbeat|heartbeat)/)) return undefined;
    const nodeFilter = f.nodeFilterEvidence();
    return known(
      "beats-kubernetes-metadata",
      [
        informer("pods", nodeFilter !== undefined ? "node" : "cluster"),
        informer("nodes", "named"),
        informer("namespaces", "cluster"),
      ],
      [
        nodeFilter !== undefined
          ? `add_kubernetes_metadata on its own node: ${nodeFilter}`
          : "add_kubernetes_metadata without a node from spec.nodeName: watches every pod of the cluster",
      ],
    );
  },
];

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
