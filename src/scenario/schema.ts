/**
 * The scenario file format, kubestorm.dev/v1alpha1 `Scenario`, as a JSON Schema (TypeBox).
 * The same schema validates files and is printed by `kubestorm schema` for editors.
 */
import { Type, type Static } from "@sinclair/typebox";
import { DNS_LABEL, duration, quantity, strictObject } from "./schema-helpers.js";
import { MAX_SEED } from "../sim/index.js";
import { FlowControlObjectSchema } from "./flowcontrol-schema.js";
import { FEATURE_NAMES } from "../k8s/features.js";
import {
  AlertsSchema,
  CalibrationSchema,
  DnsSchema,
  OperatorsSchema,
  PipelineSchema,
  TrafficSchema,
  WorkloadsSchema,
} from "./operations-schema.js";

export const SCENARIO_API_VERSION = "kubestorm.dev/v1alpha1";
export const SCENARIO_KIND = "Scenario";

/** Kubernetes minor versions whose behaviour the model knows. */
export const KUBERNETES_VERSIONS = ["1.29", "1.30", "1.31", "1.32", "1.33", "1.34"] as const;
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

// Upper bounds keep absurd inputs from turning into hour-long or out-of-memory runs; each is
// well above anything real (Kubernetes supports 5,000 nodes per cluster).
export const LIMITS = {
  clusterCount: 10_000,
  nodesPerCluster: 100_000,
  podsPerNode: 1_000,
  apiserverReplicas: 100,
  maxDurationSeconds: 30 * 86_400,
  maxEvents: 1e12,
  maxCpuCores: 4096,
  maxMemoryBytes: 2 ** 50,
} as const;

export const ApiserverSchema = strictObject(
  {
    replicas: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: LIMITS.apiserverReplicas,
        default: 3,
        description: "kube-apiserver replicas behind the load balancer.",
      }),
    ),
    cpu: Type.Optional(quantity("CPU cores of each replica.")),
    memory: Type.Optional(
      quantity("Memory limit of each replica; above it the replica is OOM-killed."),
    ),
    apf: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          "API Priority and Fairness on (--enable-priority-and-fairness); off leaves the max-inflight limits.",
      }),
    ),
    maxRequestsInflight: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        default: 400,
        description: "--max-requests-inflight.",
      }),
    ),
    maxMutatingRequestsInflight: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        default: 200,
        description: "--max-mutating-requests-inflight.",
      }),
    ),
    requestTimeout: Type.Optional(duration("--request-timeout (default 60s).")),
    featureGates: Type.Optional(
      Type.Object(
        Object.fromEntries(FEATURE_NAMES.map((name) => [name, Type.Optional(Type.Boolean())])),
        {
          additionalProperties: false,
          description: "Feature gates that differ from the version's defaults.",
        },
      ),
    ),
  },
  { description: "The control plane's apiservers." },
);

export const AgentCallSchema = strictObject(
  {
    verb: Type.Unsafe<"get" | "list" | "watch" | "create" | "update" | "patch" | "delete">({
      type: "string",
      enum: ["get", "list", "watch", "create", "update", "patch", "delete"],
      description:
        "Kubernetes verb; watch runs a client-go informer (LIST, then WATCH, relist on failure).",
    }),
    resource: Type.Unsafe<"pods" | "nodes" | "leases">({
      type: "string",
      enum: ["pods", "nodes", "leases"],
      description: "Resource the call reads or writes.",
    }),
    scope: Type.Optional(
      Type.Unsafe<"cluster" | "namespace" | "node">({
        type: "string",
        enum: ["cluster", "namespace", "node"],
        default: "cluster",
        description:
          "cluster: every object; node: only the caller's node's (fieldSelector spec.nodeName).",
      }),
    ),
    resourceVersion: Type.Optional(
      Type.String({
        default: "",
        description:
          '"" is a consistent read (etcd unless ConsistentListFromCache); "0" is served from the watch cache.',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        default: 0,
        description: "Page size; 0 = no pagination.",
      }),
    ),
    every: Type.Optional(duration("Period between calls (not for watch).")),
    encoding: Type.Optional(
      Type.Unsafe<"json" | "protobuf">({
        type: "string",
        enum: ["json", "protobuf"],
        default: "json",
      }),
    ),
    qps: Type.Optional(
      Type.Number({ minimum: 0, maximum: 100_000, default: 5, description: "client-go QPS." }),
    ),
    burst: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000, default: 10, description: "client-go burst." }),
    ),
    retry: Type.Optional(
      Type.Unsafe<"client-go" | "tight-loop" | "backoff" | "none">({
        type: "string",
        enum: ["client-go", "tight-loop", "backoff", "none"],
        default: "client-go",
        description:
          "client-go: retry 429/5xx with Retry-After, at most 10 times; tight-loop: retry any failure at once, forever; backoff: retry any failure after an exponential backoff (1 s doubling to 5 min); none: never retry.",
      }),
    ),
  },
  { description: "One kind of API call an agent makes periodically." },
);

export const AgentSchema = strictObject(
  {
    name: Type.String({ pattern: DNS_LABEL, maxLength: 63 }),
    serviceAccount: Type.Optional(
      strictObject({
        namespace: Type.String({ pattern: DNS_LABEL }),
        name: Type.String({ pattern: DNS_LABEL }),
      }),
    ),
    user: Type.Optional(
      strictObject({
        name: Type.String({ minLength: 1 }),
        groups: Type.Optional(Type.Array(Type.String())),
      }),
    ),
    perNode: Type.Optional(
      Type.Boolean({ default: true, description: "One instance per node (a DaemonSet)." }),
    ),
    replicas: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000, description: "Instances when not per node." }),
    ),
    start: Type.Optional(duration("When the first instance starts, from the scenario's start.")),
    rollout: Type.Optional(duration("Instances start spread evenly over this time.")),
    deployedBy: Type.Optional(
      Type.Unsafe<"start" | "pipeline">({
        type: "string",
        enum: ["start", "pipeline"],
        default: "start",
        description:
          "start: instances start at `start`, spread over `rollout`. pipeline: the agent is the change the deploy pipeline rolls out; in each cluster the DaemonSet controller creates its pods through the API when the pipeline reaches it.",
      }),
    ),
    calls: Type.Array(AgentCallSchema, { minItems: 1, maxItems: 20 }),
  },
  { description: "A workload that calls the Kubernetes API, e.g. a telemetry DaemonSet." },
);

export const ClusterClassSchema = strictObject(
  {
    name: Type.String({ pattern: DNS_LABEL, maxLength: 63, description: "Name of the class." }),
    count: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: LIMITS.clusterCount,
        default: 1,
        description: "How many identical clusters of this class the fleet has.",
      }),
    ),
    nodes: Type.Integer({
      minimum: 1,
      maximum: LIMITS.nodesPerCluster,
      description: "Nodes per cluster.",
    }),
    podsPerNode: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: LIMITS.podsPerNode,
        default: 30,
        description: "Average pods per node.",
      }),
    ),
    kubernetesVersion: Type.Optional(
      // A plain enum rather than a union of literals: one clear error instead of one per branch.
      Type.Unsafe<KubernetesVersion>({
        type: "string",
        enum: [...KUBERNETES_VERSIONS],
        default: "1.29",
        description: 'Kubernetes minor version of the control plane, quoted ("1.30").',
      }),
    ),
    apiserver: Type.Optional(ApiserverSchema),
    etcd: Type.Optional(
      strictObject(
        {
          cpu: Type.Optional(quantity("Cores the etcd leader can use for requests.")),
          quota: Type.Optional(
            quantity("--quota-backend-bytes (default 2Gi): writes fail beyond it."),
          ),
        },
        { description: "The cluster's etcd." },
      ),
    ),
    nodeLeases: Type.Optional(
      Type.Boolean({
        default: true,
        description: "Every node's kubelet renews its Lease every 10 s.",
      }),
    ),
    zones: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 64,
        default: 3,
        description: "Availability zones the nodes spread over (node lifecycle controller).",
      }),
    ),
    breakGlass: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          "A reserved apiserver replica outside the load balancer, which operators reach as system:masters (exempt) when the others are overloaded.",
      }),
    ),
    flowControl: Type.Optional(
      Type.Array(FlowControlObjectSchema, {
        maxItems: 1000,
        description:
          "FlowSchema and PriorityLevelConfiguration objects (flowcontrol.apiserver.k8s.io/v1) added to the version's bootstrap objects; one with a bootstrap name replaces it.",
      }),
    ),
    agents: Type.Optional(
      Type.Array(AgentSchema, { maxItems: 100, description: "Clients that call the apiserver." }),
    ),
    dns: Type.Optional(DnsSchema),
  },
  { description: "A class of identical clusters." },
);

export const ScenarioSchema = strictObject(
  {
    apiVersion: Type.Literal(SCENARIO_API_VERSION),
    kind: Type.Literal(SCENARIO_KIND),
    metadata: strictObject({
      name: Type.String({ pattern: DNS_LABEL, maxLength: 63, description: "Scenario name." }),
      description: Type.Optional(Type.String({ description: "What the scenario shows." })),
      labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
    spec: strictObject({
      seed: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: MAX_SEED,
          default: 1,
          description: "Seed of the random streams; --seed overrides it.",
        }),
      ),
      start: Type.Optional(
        Type.String({
          description:
            "Wall-clock time at simulated time 0, e.g. 2024-12-11T14:00 (read in timeZone) or " +
            "2024-12-11T14:00:00-08:00. Timelines print as clock times.",
        }),
      ),
      timeZone: Type.Optional(
        Type.String({
          description: "IANA time zone for clock times, e.g. America/Los_Angeles. Default UTC.",
        }),
      ),
      duration: duration("Simulated time to run."),
      limits: Type.Optional(
        strictObject(
          {
            maxEvents: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: LIMITS.maxEvents,
                description: "Stop the run after this many events.",
              }),
            ),
            wallClock: Type.Optional(duration("Stop the run after this much real time.")),
          },
          { description: "Safety limits; a run that hits one exits with code 1." },
        ),
      ),
      clusters: Type.Optional(
        Type.Array(ClusterClassSchema, {
          maxItems: 1000,
          description: "The fleet, as classes of identical clusters.",
        }),
      ),
      dns: Type.Optional(DnsSchema),
      workloads: Type.Optional(WorkloadsSchema),
      pipeline: Type.Optional(PipelineSchema),
      alerts: Type.Optional(AlertsSchema),
      operators: Type.Optional(OperatorsSchema),
      traffic: Type.Optional(TrafficSchema),
      calibration: Type.Optional(CalibrationSchema),
    }),
  },
  {
    description: "A kubestorm scenario: a fleet of Kubernetes clusters and what happens to it.",
  },
);

export type RawScenario = Static<typeof ScenarioSchema>;
export type RawClusterClass = Static<typeof ClusterClassSchema>;
export type RawAgent = Static<typeof AgentSchema>;

/** The JSON Schema document printed by `kubestorm schema`. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://kubestorm.dev/schemas/scenario-v1alpha1.json",
    title: "kubestorm Scenario",
    ...JSON.parse(JSON.stringify(ScenarioSchema)),
  };
}
