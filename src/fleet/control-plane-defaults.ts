/** Control-plane defaults of a simulated cluster; each is listed with its source in docs/model.md. */
import type { RetryPolicy } from "../model/clients/periodic-callers.js";
import type { DaemonSetTiming } from "../model/daemonset.js";
import { OBJECT_BYTES } from "../scenario/cluster-sizing.js";

const GiB = 2 ** 30;

export const CONTROL_PLANE_DEFAULTS = {
  apiserverCpuCores: 32,
  apiserverMemoryBytes: 64 * GiB,
  etcdCpuCores: 8,
  etcdQuotaBytes: 2 * GiB,
  etcdCompactionIntervalSeconds: 300,
  etcdBaseMemoryBytes: 0.5 * GiB,
  objectBytes: OBJECT_BYTES,
  replica: {
    baseMemoryBytes: 1 * GiB,
    watchCacheMemoryPerStoredByte: 2,
    restartBackoffInitialSeconds: 10,
    restartBackoffMaxSeconds: 300,
    restartBackoffResetSeconds: 600,
    startupSeconds: 20,
  },
  leaseRenewalSeconds: 10,
  /** Above this many nodes, one simulated renewal stands for a group of nodes (docs/model.md). */
  maxLeaseRenewers: 100,
  kubeletQps: 50,
  kubeletBurst: 100,
  leaseRetry: { kind: "backoff", initialSeconds: 0.2, maxSeconds: 7, factor: 2 } as RetryPolicy,
  tickSeconds: 10,
  clientGoMaxRetries: 10,
  tightLoopRetrySeconds: 0.1,
  /** An agent's own exponential backoff (the `backoff` retry choice; assumed, docs/model.md). */
  agentBackoff: { initialSeconds: 1, maxSeconds: 300, factor: 2 },
  daemonSet: {
    controllerQps: 20,
    controllerBurst: 30,
    schedulerQps: 50,
    schedulerBurst: 100,
    burstReplicas: 250,
    slowStartInitialBatch: 1,
    syncBackoffInitialSeconds: 0.005,
    syncBackoffMaxSeconds: 1000,
    kubeletNoticeSeconds: 1,
    imagePullMedianSeconds: 15,
    imagePullSigma: 0.5,
    containerStartSeconds: 2,
    terminationSeconds: 2,
  } satisfies DaemonSetTiming,
} as const;
