/**
 * A cluster class of a scenario with defaults and units resolved, and the checks the schema
 * cannot express (names that refer to each other, identities, durations in range).
 */
import type { FeatureGates } from "../k8s/features.js";
import type { UserInfo } from "../k8s/index.js";
import { serviceAccountUser } from "../k8s/index.js";
import { bootstrapConfiguration } from "../k8s/apf/index.js";
import {
  LIMITS,
  KUBERNETES_VERSIONS,
  type KubernetesVersion,
  type RawClusterClass,
} from "./schema.js";
import type { FlowControlObject } from "./flowcontrol-schema.js";
import { parseDuration, parseQuantity } from "./units.js";
import { describeValue } from "./diagnostics.js";
import type { DnsSettings } from "./operations-settings.js";
import { reportDuplicateNames } from "./name-checks.js";
import {
  defaultEtcdQuotaBytes,
  ETCD_SUGGESTED_MAX_QUOTA_BYTES,
  storedBytesEstimate,
} from "./cluster-sizing.js";

export interface AgentCall {
  verb: "get" | "list" | "watch" | "create" | "update" | "patch" | "delete";
  resource: "pods" | "nodes" | "leases";
  scope: "cluster" | "namespace" | "node";
  resourceVersion: string;
  limit: number;
  everySeconds: number;
  encoding: "json" | "protobuf";
  qps: number;
  burst: number;
  retry: "client-go" | "tight-loop" | "backoff" | "none";
}

export interface Agent {
  name: string;
  user: UserInfo;
  perNode: boolean;
  replicas: number;
  startSeconds: number;
  rolloutSeconds: number;
  /** "pipeline": the change the deploy pipeline rolls out, pods created by the DaemonSet controller. */
  deployedBy: "start" | "pipeline";
  calls: AgentCall[];
}

export interface ClusterClass {
  name: string;
  /** Identical clusters in the fleet that this class stands for. */
  count: number;
  nodes: number;
  podsPerNode: number;
  kubernetesVersion: KubernetesVersion;
  apiserver: {
    replicas: number;
    /** Undefined when the scenario leaves it to the model's default. */
    cpuCores: number | undefined;
    memoryBytes: number | undefined;
    apf: boolean;
    maxRequestsInflight: number;
    maxMutatingRequestsInflight: number;
    requestTimeoutSeconds: number;
    featureGates: Partial<FeatureGates>;
  };
  /** quotaBytes is sized to the cluster when the scenario does not give it (cluster-sizing.ts). */
  etcd: { cpuCores: number | undefined; quotaBytes: number | undefined };
  nodeLeases: boolean;
  zones: number;
  breakGlass: boolean;
  /** DNS settings: the fleet's, overridden by the class's own. */
  dns: DnsSettings;
  flowControl: FlowControlObject[];
  agents: Agent[];
}

const DEFAULT_PODS_PER_NODE = 30;

export type Report = (segments: (string | number)[], message: string) => void;

export function resolveClusterClass(
  raw: RawClusterClass,
  path: (string | number)[],
  report: Report,
): ClusterClass {
  const apiserver = raw.apiserver ?? {};
  const version = raw.kubernetesVersion ?? KUBERNETES_VERSIONS[0];
  checkFlowControlReferences(raw.flowControl ?? [], version, [...path, "flowControl"], report);
  reportDuplicateNames(raw.agents ?? [], [...path, "agents"], "agent", report);
  reportDuplicateNames(
    (raw.flowControl ?? []).map((o) => ({ name: o.metadata.name, kind: o.kind })),
    [...path, "flowControl"],
    "flowControl object",
    report,
    (o) => `${o.kind}/${o.name}`,
  );
  return {
    name: raw.name,
    count: raw.count ?? 1,
    nodes: raw.nodes,
    podsPerNode: raw.podsPerNode ?? DEFAULT_PODS_PER_NODE,
    kubernetesVersion: version,
    apiserver: {
      replicas: apiserver.replicas ?? 3,
      cpuCores: checkedQuantity(
        apiserver.cpu,
        [...path, "apiserver", "cpu"],
        0.001,
        LIMITS.maxCpuCores,
        "cores",
        report,
      ),
      memoryBytes: checkedQuantity(
        apiserver.memory,
        [...path, "apiserver", "memory"],
        2 ** 20,
        LIMITS.maxMemoryBytes,
        "bytes",
        report,
      ),
      apf: apiserver.apf ?? true,
      maxRequestsInflight: apiserver.maxRequestsInflight ?? 400,
      maxMutatingRequestsInflight: apiserver.maxMutatingRequestsInflight ?? 200,
      requestTimeoutSeconds:
        apiserver.requestTimeout === undefined
          ? 60
          : checkedDuration(
              apiserver.requestTimeout,
              [...path, "apiserver", "requestTimeout"],
              1,
              3600,
              report,
            ),
      featureGates: (apiserver.featureGates ?? {}) as Partial<FeatureGates>,
    },
    etcd: {
      cpuCores: checkedQuantity(
        raw.etcd?.cpu,
        [...path, "etcd", "cpu"],
        0.001,
        LIMITS.maxCpuCores,
        "cores",
        report,
      ),
      quotaBytes:
        raw.etcd?.quota === undefined
          ? etcdQuotaFor(raw, path, report)
          : checkedQuantity(
              raw.etcd.quota,
              [...path, "etcd", "quota"],
              2 ** 20,
              LIMITS.maxMemoryBytes,
              "bytes",
              report,
            ),
    },
    nodeLeases: raw.nodeLeases ?? true,
    zones: raw.zones ?? 3,
    dns: {},
    breakGlass: raw.breakGlass ?? false,
    flowControl: (raw.flowControl ?? []) as FlowControlObject[],
    agents: (raw.agents ?? []).map((agent, index) =>
      resolveAgent(agent, [...path, "agents", index], report),
    ),
  };
}

/** The default etcd quota for the class's size, or a diagnostic when none fits. */
function etcdQuotaFor(
  raw: RawClusterClass,
  path: (string | number)[],
  report: Report,
): number | undefined {
  const stored = storedBytesEstimate(raw.nodes, raw.podsPerNode ?? DEFAULT_PODS_PER_NODE);
  const quota = defaultEtcdQuotaBytes(stored);
  if (quota === undefined) {
    report(
      path,
      `${raw.nodes.toLocaleString("en-US")} nodes with ${raw.podsPerNode ?? DEFAULT_PODS_PER_NODE} pods each store about ` +
        `${(stored / 2 ** 30).toFixed(1)} GiB in etcd, more than half of the largest default quota ` +
        `(${ETCD_SUGGESTED_MAX_QUOTA_BYTES / 2 ** 30} GiB, etcd's suggested maximum); give etcd.quota (and size the control plane) explicitly`,
    );
  }
  return quota;
}

function resolveAgent(
  raw: NonNullable<RawClusterClass["agents"]>[number],
  path: (string | number)[],
  report: Report,
): Agent {
  let user: UserInfo;
  if (raw.serviceAccount !== undefined && raw.user !== undefined) {
    report(path, "give either serviceAccount or user, not both");
  }
  if (raw.serviceAccount !== undefined) {
    user = serviceAccountUser(raw.serviceAccount.namespace, raw.serviceAccount.name);
  } else if (raw.user !== undefined) {
    user = { name: raw.user.name, groups: [...(raw.user.groups ?? []), "system:authenticated"] };
  } else {
    report(
      path,
      "missing identity: give serviceAccount (e.g. { namespace: monitoring, name: agent }) or user",
    );
    user = { name: "system:anonymous", groups: [] };
  }
  const perNode = raw.perNode ?? raw.replicas === undefined;
  if (perNode && raw.replicas !== undefined)
    report([...path, "replicas"], "replicas does not apply when perNode is true");
  return {
    name: raw.name,
    user,
    perNode,
    replicas: raw.replicas ?? 1,
    startSeconds:
      raw.start === undefined
        ? 0
        : checkedDuration(raw.start, [...path, "start"], 0, LIMITS.maxDurationSeconds, report),
    rolloutSeconds:
      raw.rollout === undefined
        ? 0
        : checkedDuration(raw.rollout, [...path, "rollout"], 0, LIMITS.maxDurationSeconds, report),
    deployedBy: raw.deployedBy ?? "start",
    calls: raw.calls.map((call, index) => ({
      verb: call.verb,
      resource: call.resource,
      scope: call.scope ?? "cluster",
      resourceVersion: call.resourceVersion ?? "",
      limit: call.limit ?? 0,
      everySeconds: everySeconds(call.verb, call.every, [...path, "calls", index], report),
      encoding: call.encoding ?? "json",
      qps: call.qps ?? 5,
      burst: call.burst ?? 10,
      retry: call.retry ?? "client-go",
    })),
  };
}

/** A periodic call needs its period; a watch (an informer) runs until it fails and has none. */
function everySeconds(
  verb: AgentCall["verb"],
  every: string | undefined,
  path: (string | number)[],
  report: Report,
): number {
  if (verb === "watch") {
    if (every !== undefined) report([...path, "every"], "a watch runs continuously; remove every");
    return 0;
  }
  if (every === undefined) {
    report([...path, "every"], `missing required field "every" for a ${verb} call`);
    return 0;
  }
  return checkedDuration(every, [...path, "every"], 0.001, LIMITS.maxDurationSeconds, report);
}

/** A FlowSchema must name a PriorityLevelConfiguration that exists (given or bootstrap). */
function checkFlowControlReferences(
  objects: readonly FlowControlObject[],
  version: KubernetesVersion,
  path: (string | number)[],
  report: Report,
): void {
  const levels = new Set(
    bootstrapConfiguration(version).priorityLevelConfigurations.map((l) => l.metadata.name),
  );
  for (const object of objects)
    if (object.kind === "PriorityLevelConfiguration") levels.add(object.metadata.name);
  objects.forEach((object, index) => {
    if (object.kind !== "FlowSchema") return;
    const name = object.spec.priorityLevelConfiguration.name;
    if (!levels.has(name)) {
      report(
        [...path, index, "spec", "priorityLevelConfiguration", "name"],
        `no PriorityLevelConfiguration named ${JSON.stringify(name)}; known: ${[...levels].sort().join(", ")}`,
      );
    }
  });
}

export function checkedDuration(
  text: string,
  path: (string | number)[],
  min: number,
  max: number,
  report: Report,
): number {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds < min || seconds > max) {
    const low = min === 0 ? "0s" : min < 1 ? `${min * 1000}ms` : `${min}s`;
    const high = max >= 86_400 ? `${max / 86_400}d` : `${max}s`;
    report(path, `expected a duration from ${low} to ${high}, found ${describeValue(text)}`);
    return 0;
  }
  return seconds;
}

export function checkedQuantity(
  value: string | number | undefined,
  path: (string | number)[],
  min: number,
  max: number,
  unit: string,
  report: Report,
): number | undefined {
  if (value === undefined) return undefined;
  const amount = parseQuantity(value);
  if (amount === undefined || amount < min || amount > max) {
    report(
      path,
      `expected a quantity from ${min} to ${max} ${unit}, found ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return amount;
}
