/** Shared helpers of the preflight tests: analyse a fixture, find a workload's report. */
import { join } from "node:path";
import { FIXTURES } from "../paths.js";
import {
  analyseManifests,
  DEFAULT_CONTROL_PLANE,
  readManifests,
  type ControlPlane,
  type PreflightResult,
  type WorkloadReport,
} from "../../src/preflight/index.js";

export const PREFLIGHT_FIXTURES = join(FIXTURES, "preflight");

export function fixture(name: string): string {
  return join(PREFLIGHT_FIXTURES, name);
}

export function analyse(paths: string[], plane: Partial<ControlPlane> = {}): PreflightResult {
  return analyseManifests(readManifests(paths), { plane: { ...DEFAULT_CONTROL_PLANE, ...plane } });
}

export function workloadNamed(result: PreflightResult, name: string): WorkloadReport {
  const found = result.workloads.find((w) => w.workload.name === name);
  if (found === undefined) {
    throw new Error(
      `no workload ${name}; found ${result.workloads.map((w) => w.workload.name).join(", ")}`,
    );
  }
  return found;
}

export function findingIds(report: WorkloadReport): string[] {
  return report.findings.map((f) => f.id);
}

export function scopeOf(report: WorkloadReport, resource: string): string | undefined {
  return report.pattern.calls.find((c) => c.resource === resource)?.scope;
}

/** Analyses YAML text as if read from stdin. */
export function analyseText(text: string, plane: Partial<ControlPlane> = {}): PreflightResult {
  return analyseManifests(
    readManifests(["-"], () => text),
    { plane: { ...DEFAULT_CONTROL_PLANE, ...plane } },
  );
}

/** A DaemonSet (or Deployment) document with one container. */
export function workloadYaml(options: {
  name: string;
  kind?: "DaemonSet" | "Deployment";
  namespace?: string;
  serviceAccount?: string;
  image?: string;
  args?: string[];
  env?: string;
  replicas?: number;
  nodeSelector?: Record<string, string>;
  annotations?: Record<string, string>;
  configMap?: string;
}): string {
  const kind = options.kind ?? "DaemonSet";
  const annotations =
    options.annotations === undefined
      ? ""
      : `  annotations: ${JSON.stringify(options.annotations)}\n`;
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${options.name}
  namespace: ${options.namespace ?? "agents"}
${annotations}spec:
${kind === "Deployment" ? `  replicas: ${options.replicas ?? 1}\n` : ""}  selector: { matchLabels: { app: ${options.name} } }
  template:
    metadata: { labels: { app: ${options.name} } }
    spec:
      serviceAccountName: ${options.serviceAccount ?? options.name}
${options.nodeSelector === undefined ? "" : `      nodeSelector: ${JSON.stringify(options.nodeSelector)}\n`}${options.configMap === undefined ? "" : `      volumes: [{ name: config, configMap: { name: ${options.configMap} } }]\n`}      containers:
        - name: main
          image: ${options.image ?? "example.com/agent:1.0"}
          args: ${JSON.stringify(options.args ?? [])}
${options.env ?? ""}`;
}

/** A ClusterRole with the given read verbs on resources, bound to namespace/account. */
export function clusterRbacYaml(
  account: string,
  resources: string[],
  verbs: string[] = ["get", "list", "watch"],
  namespace = "agents",
): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: ${account} }
rules:
  - apiGroups: [""]
    resources: ${JSON.stringify(resources)}
    verbs: ${JSON.stringify(verbs)}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${account} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${account} }
subjects: [{ kind: ServiceAccount, name: ${account}, namespace: ${namespace} }]
`;
}

/** The env block of a container with NODE_NAME (or `name`) from fieldRef spec.nodeName. */
export function nodeNameEnv(name = "NODE_NAME"): string {
  return `          env:
            - name: ${name}
              valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
`;
}
