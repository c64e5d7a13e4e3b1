/**
 * Workloads (DaemonSet, Deployment, StatefulSet, Job, CronJob, bare Pod) read from their
 * documents: the pod template's service account, containers, env and mounted ConfigMaps. A
 * missing or mistyped field is a diagnostic naming it; the workload is then skipped.
 */
import type {
  Container,
  Diagnostic,
  EnvVar,
  ManifestDocument,
  Placement,
  Workload,
  WorkloadKind,
} from "./types.js";

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  "DaemonSet",
  "Deployment",
  "StatefulSet",
  "Job",
  "CronJob",
  "Pod",
];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

class MissingField extends Error {
  constructor(
    readonly path: (string | number)[],
    readonly expected: string,
  ) {
    super(expected);
  }
}

function objectAt(root: Json, path: (string | number)[], expected: string): Json {
  let value: unknown = root;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  if (!isObject(value)) throw new MissingField(path, expected);
  return value;
}

/** Path of the pod spec inside a workload of `kind`. */
export function podSpecPath(kind: WorkloadKind): string[] {
  switch (kind) {
    case "Pod":
      return ["spec"];
    case "CronJob":
      return ["spec", "jobTemplate", "spec", "template", "spec"];
    default:
      return ["spec", "template", "spec"];
  }
}

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/** The workload in `document`, or a diagnostic saying which field is missing. */
export function readWorkload(document: ManifestDocument): Workload | Diagnostic {
  const kind = document.kind;
  if (!isWorkloadKind(kind)) throw new Error(`${kind} is not a workload kind`);
  const body = document.body;
  const specPath = podSpecPath(kind);
  try {
    const podSpec = objectAt(body, specPath, "the pod spec (a map with containers)");
    const rawContainers = podSpec.containers;
    if (!Array.isArray(rawContainers) || rawContainers.length === 0) {
      throw new MissingField([...specPath, "containers"], "a non-empty list of containers");
    }
    const containers: Container[] = [];
    const initContainers = Array.isArray(podSpec.initContainers) ? podSpec.initContainers : [];
    [...rawContainers, ...initContainers].forEach((raw: unknown, index: number) => {
      const field = index < rawContainers.length ? "containers" : "initContainers";
      const position = index < rawContainers.length ? index : index - rawContainers.length;
      const path = [...specPath, field, position];
      if (!isObject(raw)) throw new MissingField(path, "a container (a map with name and image)");
      if (typeof raw.image !== "string" || raw.image === "") {
        throw new MissingField([...path, "image"], "the container's image (a string)");
      }
      containers.push({
        name: typeof raw.name === "string" ? raw.name : `#${index}`,
        image: raw.image,
        command: strings(raw.command),
        args: strings(raw.args),
        env: readEnv(raw.env),
        envFromConfigMaps: (Array.isArray(raw.envFrom) ? raw.envFrom : [])
          .filter(isObject)
          .map((source) => (isObject(source.configMapRef) ? source.configMapRef.name : undefined))
          .filter((name): name is string => typeof name === "string"),
      });
    });
    const metadata = isObject(body.metadata) ? body.metadata : {};
    const templateMetadata = templateMetadataOf(body, kind);
    return {
      document,
      kind,
      name: document.name,
      namespace: document.namespace ?? "default",
      serviceAccount: serviceAccountOf(podSpec),
      perNode: kind === "DaemonSet",
      replicas: replicasOf(body, kind),
      containers,
      annotations: { ...annotationsOf(templateMetadata), ...annotationsOf(metadata) },
      configMapNames: configMapsOf(podSpec),
      labels: { ...stringMap(templateMetadata.labels), ...stringMap(metadata.labels) },
      placement: placementOf(podSpec),
    };
  } catch (error) {
    if (!(error instanceof MissingField)) throw error;
    const where = document.locate(error.path);
    return {
      ...where,
      path: error.path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .replace(/^\./, ""),
      message: `${document.kind} ${document.name}: missing or invalid: expected ${error.expected}`,
    };
  }
}

function readEnv(value: unknown): EnvVar[] {
  if (!Array.isArray(value)) return [];
  const env: EnvVar[] = [];
  for (const raw of value) {
    if (!isObject(raw) || typeof raw.name !== "string") continue;
    const valueFrom = isObject(raw.valueFrom) ? raw.valueFrom : {};
    const fieldRef = isObject(valueFrom.fieldRef) ? valueFrom.fieldRef : {};
    const keyRef = isObject(valueFrom.configMapKeyRef) ? valueFrom.configMapKeyRef : {};
    env.push({
      name: raw.name,
      value: typeof raw.value === "string" ? raw.value : undefined,
      fieldPath: typeof fieldRef.fieldPath === "string" ? fieldRef.fieldPath : undefined,
      configMapKey:
        typeof keyRef.name === "string" && typeof keyRef.key === "string"
          ? { name: keyRef.name, key: keyRef.key }
          : undefined,
    });
  }
  return env;
}

function serviceAccountOf(podSpec: Json): string {
  // serviceAccount is the deprecated alias that old manifests (flannel v0.11) still use.
  for (const key of ["serviceAccountName", "serviceAccount"]) {
    const value = podSpec[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return "default";
}

function replicasOf(body: Json, kind: WorkloadKind): number {
  const spec = isObject(body.spec) ? body.spec : {};
  if (kind === "Deployment" || kind === "StatefulSet") {
    return typeof spec.replicas === "number" && spec.replicas >= 0 ? spec.replicas : 1;
  }
  if (kind === "Job") {
    return typeof spec.parallelism === "number" && spec.parallelism >= 0 ? spec.parallelism : 1;
  }
  return 1;
}

function templateMetadataOf(body: Json, kind: WorkloadKind): Json {
  if (kind === "Pod") return {};
  const path =
    kind === "CronJob"
      ? ["spec", "jobTemplate", "spec", "template", "metadata"]
      : ["spec", "template", "metadata"];
  let value: unknown = body;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return isObject(value) ? value : {};
}

function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isObject(value)) return result;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string") result[key] = item;
  }
  return result;
}

/** Node labels whose values split a cluster into disjoint parts. */
const PARTITION_KEYS = new Set([
  "kubernetes.io/arch",
  "beta.kubernetes.io/arch",
  "kubernetes.io/os",
  "beta.kubernetes.io/os",
]);

function placementOf(podSpec: Json): Placement {
  const partition: string[] = [];
  const rest: string[] = [];
  for (const [key, value] of Object.entries(stringMap(podSpec.nodeSelector))) {
    (PARTITION_KEYS.has(key) ? partition : rest).push(`${key}=${value}`);
  }
  const affinity = isObject(podSpec.affinity) ? podSpec.affinity : {};
  const nodeAffinity = isObject(affinity.nodeAffinity) ? affinity.nodeAffinity : {};
  const required = isObject(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution)
    ? nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
    : {};
  const terms = Array.isArray(required.nodeSelectorTerms) ? required.nodeSelectorTerms : [];
  for (const term of terms) {
    if (!isObject(term) || !Array.isArray(term.matchExpressions)) continue;
    for (const expression of term.matchExpressions) {
      if (!isObject(expression) || typeof expression.key !== "string") continue;
      const values = strings(expression.values).sort().join(",");
      const text = `${expression.key} ${String(expression.operator)} ${values}`;
      const isPartition = PARTITION_KEYS.has(expression.key) && expression.operator === "In";
      (isPartition ? partition : rest).push(isPartition ? `${expression.key}=${values}` : text);
    }
  }
  return { partition: partition.sort(), rest: rest.sort().join(";") };
}

function annotationsOf(metadata: Json): Record<string, string> {
  const annotations = metadata.annotations;
  const result: Record<string, string> = {};
  if (!isObject(annotations)) return result;
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value === "string") result[key] = value;
  }
  return result;
}

function configMapsOf(podSpec: Json): string[] {
  const names = new Set<string>();
  for (const volume of Array.isArray(podSpec.volumes) ? podSpec.volumes : []) {
    if (!isObject(volume)) continue;
    if (isObject(volume.configMap) && typeof volume.configMap.name === "string") {
      names.add(volume.configMap.name);
    }
    // A projected volume can gather several ConfigMaps into one directory.
    const sources = isObject(volume.projected) ? volume.projected.sources : undefined;
    for (const source of Array.isArray(sources) ? sources : []) {
      if (
        isObject(source) &&
        isObject(source.configMap) &&
        typeof source.configMap.name === "string"
      )
        names.add(source.configMap.name);
    }
  }
  return [...names];
}
