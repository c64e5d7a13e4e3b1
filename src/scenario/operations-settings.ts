/**
 * The resolved settings of a scenario's data plane and operations sections (seconds, bytes,
 * defaults left unset), shared by the resolvers of the cluster and of the operations.
 */
export interface CacheSettings {
  successSeconds?: number;
  denialSeconds?: number;
  serveStale?: { mode: "immediate" | "verify"; durationSeconds: number };
  prefetch?: boolean;
}

/** DNS settings the scenario gives; anything unset keeps the model's default. */
export interface DnsSettings {
  coreDnsReplicas?: number;
  recordTtlSeconds?: number;
  capacityQps?: number;
  restartsPerReplicaPerHour?: number;
  cache?: CacheSettings;
  nodeLocal?: { enabled: boolean; cache?: CacheSettings };
}

export interface ServiceSettings {
  name: string;
  replicas: number | undefined;
  replicasPerNode: number | undefined;
  dependsOn: string[];
  requestsPerSecondPerPod: number | undefined;
  startupSeconds: number | undefined;
  downloads: { source: string; bytes: number }[];
  resolver: "glibc" | "musl";
  appCacheTtlSeconds: number | undefined;
  externalNames: string[];
}

export interface WorkloadSettings {
  services: ServiceSettings[];
  products: { name: string; entryServices: string[]; requestsPerSecondPerNode: number }[];
  sources: {
    name: string;
    bytesPerSecond: number;
    timeoutSeconds: number | undefined;
    limiter: { maxConcurrent?: number; adaptive?: boolean } | undefined;
    cache: { hitRatio: number; bytesPerSecond: number | undefined } | undefined;
  }[];
}

export type GateSettings =
  | {
      kind: "control-plane";
      maxApiserverP99Seconds: number;
      max429PerSecond: number;
      requireReadyz: boolean;
    }
  | { kind: "workload"; minSuccessRate: number };

export interface PipelineSettings {
  change: string;
  startSeconds: number;
  bakeSeconds: number | undefined;
  waves: { clusters: Record<string, number | "all">; bakeSeconds: number | undefined }[];
  gates: GateSettings[];
  rollbackOnGateFailure: boolean;
}

export interface AlertSettings {
  evaluationIntervalSeconds: number | undefined;
  notificationDelaySeconds: number | undefined;
  rules:
    | {
        name: string;
        signal:
          | "apiserverP99Seconds"
          | "rejected429PerSecond"
          | "readyzOk"
          | "workloadSuccessRate"
          | "dnsSuccessRate";
        comparison: ">" | ">=" | "<" | "<=" | "==" | "!=";
        threshold: number;
        forSeconds: number;
        scope: "per-cluster" | "fleet";
      }[]
    | undefined;
}

export interface DelaySettings {
  medianSeconds: number;
  sigma: number;
}

export interface OperatorSettings {
  enabled: boolean;
  responseDelay: DelaySettings | undefined;
  parallelism: number | undefined;
  identity: "system:masters" | "cluster-admin";
  runbook: {
    apiserverReplicas: number | undefined;
    scaleDownTo: number | undefined;
    apiserverProvisioningSeconds: number | undefined;
    steps: Record<string, { startDelay?: DelaySettings; duration?: DelaySettings; skip?: boolean }>;
  };
}
