/**
 * The scenario's data plane and operations: DNS, workloads and products, the deploy pipeline,
 * alert rules, the operators' runbook, the global traffic manager. Defaults and their sources
 * are in docs/model.md.
 */
import { Type, type TSchema } from "@sinclair/typebox";
import { DNS_LABEL, duration, quantity, strictObject } from "./schema-helpers.js";

const fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

const enumOf = <T extends string>(values: readonly T[], description: string, fallback?: T) =>
  Type.Unsafe<T>({
    type: "string",
    enum: [...values],
    ...(fallback === undefined ? {} : { default: fallback }),
    description,
  });

const optional = <T extends TSchema>(schema: T) => Type.Optional(schema);

const ServeStaleSchema = strictObject(
  {
    mode: optional(
      enumOf(
        ["immediate", "verify"] as const,
        "immediate: answer an expired entry at once (TTL 0) and refresh it; verify: ask upstream first, answer stale only if that fails.",
        "immediate",
      ),
    ),
    duration: optional(duration("How long past expiry an entry may be served (default 1h).")),
  },
  { description: "The cache plugin's serve_stale: answer expired entries when upstream fails." },
);

const CacheSchema = strictObject(
  {
    success: optional(duration("TTL cap of positive answers.")),
    denial: optional(duration("TTL cap of negative answers.")),
    serveStale: optional(ServeStaleSchema),
    prefetch: optional(Type.Boolean({ description: "Refresh popular entries before expiry." })),
  },
  { description: "A CoreDNS cache plugin block." },
);

export const DnsSchema = strictObject(
  {
    coreDnsReplicas: optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    recordTtl: optional(
      duration("TTL the kubernetes plugin gives cluster records (kubeadm: 30s)."),
    ),
    capacityQps: optional(
      Type.Number({ minimum: 1, description: "Queries/s one replica answers." }),
    ),
    restartsPerReplicaPerHour: optional(
      Type.Number({
        minimum: 0,
        maximum: 3600,
        description:
          "Background restarts of each CoreDNS pod (node churn, evictions, OOM kills). Harmless while the API answers; a pod restarted while it does not has no records.",
      }),
    ),
    cache: optional(CacheSchema),
    nodeLocal: optional(
      strictObject(
        {
          enabled: Type.Boolean({ description: "Run NodeLocal DNSCache on every node." }),
          cache: optional(CacheSchema),
        },
        { description: "NodeLocal DNSCache (cluster/addons/dns/nodelocaldns)." },
      ),
    ),
  },
  { description: "In-cluster DNS: CoreDNS, its cache, NodeLocal DNSCache." },
);

const DownloadSchema = strictObject({
  source: Type.String({ pattern: DNS_LABEL }),
  size: quantity("Bytes to fetch."),
});

export const ServiceSchema = strictObject(
  {
    name: Type.String({ pattern: DNS_LABEL, maxLength: 63 }),
    replicas: optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    replicasPerNode: optional(
      Type.Number({ minimum: 0, maximum: 1000, description: "Replicas per node of the cluster." }),
    ),
    dependsOn: optional(Type.Array(Type.String({ pattern: DNS_LABEL }), { maxItems: 100 })),
    requestsPerSecondPerPod: optional(Type.Number({ minimum: 0 })),
    startup: optional(duration("From a running container to a ready endpoint.")),
    downloads: optional(Type.Array(DownloadSchema, { maxItems: 20 })),
    resolver: optional(
      enumOf(["glibc", "musl"] as const, "The pod's stub resolver (neither caches).", "glibc"),
    ),
    appCacheTtl: optional(
      duration("TTL of a DNS cache inside the application (e.g. the JVM's 30s); none if unset."),
    ),
    externalNames: optional(
      Type.Array(Type.String(), {
        maxItems: 20,
        description: "Names outside the cluster this service resolves (ndots:5 multiplies them).",
      }),
    ),
  },
  { description: "A service: replicas on the cluster's nodes, the services it calls." },
);

export const WorkloadsSchema = strictObject(
  {
    services: Type.Array(ServiceSchema, { minItems: 1, maxItems: 1000 }),
    products: Type.Array(
      strictObject({
        name: Type.String({ pattern: DNS_LABEL }),
        entryServices: Type.Array(Type.String({ pattern: DNS_LABEL }), { minItems: 1 }),
        requestsPerSecondPerNode: Type.Number({
          minimum: 0,
          description:
            "User requests per second per node of the cluster (traffic scales with size).",
        }),
      }),
      { minItems: 1, maxItems: 100 },
    ),
    sources: optional(
      Type.Array(
        strictObject({
          name: Type.String({ pattern: DNS_LABEL }),
          bandwidth: quantity("Bytes per second available to one cluster."),
          timeout: optional(duration("A download not done by then starts over.")),
          limiter: optional(
            strictObject({
              maxConcurrent: optional(Type.Integer({ minimum: 1 })),
              adaptive: optional(Type.Boolean()),
            }),
          ),
          cache: optional(
            strictObject({
              hitRatio: fraction("Share of downloads the cache serves."),
              bandwidth: optional(quantity("The cache's bytes per second; unset: node-local.")),
            }),
          ),
        }),
        { maxItems: 20 },
      ),
    ),
  },
  { description: "Services, products and download sources, the same in every cluster." },
);

const GateSchema = Type.Union([
  strictObject({
    kind: Type.Literal("control-plane"),
    maxApiserverP99: optional(duration("Worst acceptable p99 of apiserver requests.")),
    max429PerSecond: optional(Type.Number({ minimum: 0 })),
    requireReadyz: optional(Type.Boolean()),
  }),
  strictObject({
    kind: Type.Literal("workload"),
    minSuccessRate: fraction("Lowest acceptable user-facing success rate."),
  }),
]);

export const PipelineSchema = strictObject(
  {
    change: Type.String({
      pattern: DNS_LABEL,
      description: "The agent (with deployedBy: pipeline) the pipeline rolls out.",
    }),
    start: duration("When the pipeline starts, from the scenario's start."),
    bake: optional(duration("Wait after each wave before the next (default 580s).")),
    waves: Type.Array(
      strictObject({
        clusters: Type.Record(
          Type.String({ pattern: DNS_LABEL }),
          Type.Union([Type.Integer({ minimum: 0 }), Type.Literal("all")]),
          { description: "Clusters of each class in this wave: a count, or all that are left." },
        ),
        bake: optional(duration("This wave's bake.")),
      }),
      { minItems: 1, maxItems: 100 },
    ),
    gates: optional(Type.Array(GateSchema, { maxItems: 10 })),
    rollbackOnGateFailure: optional(Type.Boolean()),
  },
  { description: "The deploy pipeline: waves across the fleet with bake times and gates." },
);

const SIGNALS = [
  "apiserverP99Seconds",
  "rejected429PerSecond",
  "readyzOk",
  "workloadSuccessRate",
  "dnsSuccessRate",
] as const;

export const AlertsSchema = strictObject(
  {
    evaluationInterval: optional(duration("Rule evaluation interval (Prometheus default 1m).")),
    notificationDelay: optional(duration("From firing to a person being paged.")),
    rules: optional(
      Type.Array(
        strictObject({
          name: Type.String({ minLength: 1 }),
          signal: enumOf(SIGNALS, "The health signal the rule reads."),
          comparison: enumOf([">", ">=", "<", "<=", "==", "!="] as const, "How to compare."),
          threshold: Type.Number(),
          for: optional(duration("How long the condition must hold.")),
          scope: optional(enumOf(["per-cluster", "fleet"] as const, "Per cluster or fleet-wide.")),
        }),
        { maxItems: 100 },
      ),
    ),
  },
  { description: "Alert rules over the simulated health signals." },
);

const DelaySchema = strictObject({
  median: duration("Median delay."),
  sigma: optional(Type.Number({ minimum: 0, maximum: 3, description: "Log-normal spread." })),
});

export const OperatorsSchema = strictObject(
  {
    enabled: optional(Type.Boolean({ default: true })),
    responseDelay: optional(DelaySchema),
    parallelism: optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    identity: optional(
      enumOf(
        ["system:masters", "cluster-admin"] as const,
        "Who operators are to the apiserver: system:masters (exempt from APF) or a cluster-admin user (global-default).",
        "system:masters",
      ),
    ),
    runbook: optional(
      strictObject({
        apiserverReplicas: optional(Type.Integer({ minimum: 1, maximum: 100 })),
        scaleDownTo: optional(fraction("Nodes kept when scaling a cluster down.")),
        apiserverProvisioning: optional(
          duration("From asking for more apiservers to them starting."),
        ),
        steps: optional(
          Type.Record(
            Type.String(),
            strictObject({
              startDelay: optional(DelaySchema),
              duration: optional(DelaySchema),
              skip: optional(Type.Boolean()),
            }),
            { description: "Per runbook step (by name): its delays, or skip it." },
          ),
        ),
      }),
    ),
  },
  { description: "The operators: response delay, parallelism and the incident runbook." },
);

export const TrafficSchema = strictObject(
  {
    headroom: optional(
      Type.Number({
        minimum: 0,
        maximum: 10,
        description: "Spare capacity of each cluster as a fraction of its own traffic.",
      }),
    ),
  },
  { description: "The global traffic manager that can move traffic between clusters." },
);

/** Outcome measures a published event can be compared with. */
export const TIMELINE_MEASURES = [
  "change-applied",
  "rollout-complete",
  "alert-notified",
  "first-control-plane-down",
  "impact-start",
  "traffic-shifted",
  "peak-impact",
  "first-cluster-recovered",
  "all-clusters-recovered",
] as const;

export const CalibrationSchema = strictObject(
  {
    targets: Type.Array(
      strictObject({
        event: Type.String({ minLength: 1, description: "The published event, in words." }),
        at: Type.String({
          pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$",
          description: "Published wall-clock time (HH:MM) in the scenario's time zone.",
        }),
        measure: enumOf(TIMELINE_MEASURES, "The simulated measure it is compared with."),
        tolerance: optional(duration("How far the simulated time may be and still match.")),
      }),
      { maxItems: 50 },
    ),
  },
  {
    description:
      "Published times to compare the run against. They are targets for the report, never inputs to the model.",
  },
);

export { SIGNALS as HEALTH_SIGNALS };
