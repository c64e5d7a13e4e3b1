/**
 * The real metric families the simulated control plane records, with upstream names, help texts,
 * label names and bucket bounds as in Kubernetes 1.29 to 1.34. Sources and every deviation are
 * listed in docs/metrics.md.
 *
 * Help texts are the ones a scrape shows: component-base prefixes its metrics' help with the
 * stability level ("[STABLE] ..."); process and etcd server metrics come from plain client_golang
 * and have no prefix.
 */
import type { MetricDefinition, MetricType } from "./definitions.js";
import type { MetricsRecorder } from "./recorder.js";

/**
 * Kubernetes minor versions whose metric definitions are known. The same strings as
 * `KubernetesVersion` in src/k8s/version.ts, repeated because metrics imports only src/sim.
 */
export type KubernetesMetricsVersion = "1.29" | "1.30" | "1.31" | "1.32" | "1.33" | "1.34";

/** component-base stability levels (k8s.io/component-base/metrics/opts.go). */
export type StabilityLevel = "ALPHA" | "BETA" | "STABLE";

export interface KubernetesMetricDefinition extends MetricDefinition {
  /** The upstream labels kept, in upstream order; `labelNames` puts the target labels first. */
  readonly upstreamLabelNames: readonly string[];
  /** Where upstream defines the family. */
  readonly source: string;
  /** Absent for families that are not component-base metrics. */
  readonly stabilityLevel?: StabilityLevel;
}

/**
 * Labels that say which simulated process a series comes from. Prometheus attaches `instance`
 * (the scrape target) when it scrapes, and a fleet's Prometheus setup usually adds `cluster` by
 * external labels or relabelling; the simulator sets both on every series: `cluster` is the
 * cluster's name, `instance` the component's name (`apiserver-0`, `etcd-1`).
 */
export const TARGET_LABEL_NAMES = ["cluster", "instance"] as const;

/** Family names, so that callers do not repeat string literals. */
export const KUBERNETES_METRIC = {
  requestTotal: "apiserver_request_total",
  requestDurationSeconds: "apiserver_request_duration_seconds",
  currentInflightRequests: "apiserver_current_inflight_requests",
  currentInqueueRequests: "apiserver_current_inqueue_requests",
  longrunningRequests: "apiserver_longrunning_requests",
  watchEventsTotal: "apiserver_watch_events_total",
  storageObjects: "apiserver_storage_objects",
  flowcontrolRejectedRequestsTotal: "apiserver_flowcontrol_rejected_requests_total",
  flowcontrolDispatchedRequestsTotal: "apiserver_flowcontrol_dispatched_requests_total",
  flowcontrolCurrentInqueueRequests: "apiserver_flowcontrol_current_inqueue_requests",
  flowcontrolCurrentInqueueSeats: "apiserver_flowcontrol_current_inqueue_seats",
  flowcontrolCurrentExecutingRequests: "apiserver_flowcontrol_current_executing_requests",
  flowcontrolCurrentExecutingSeats: "apiserver_flowcontrol_current_executing_seats",
  flowcontrolRequestWaitDurationSeconds: "apiserver_flowcontrol_request_wait_duration_seconds",
  flowcontrolRequestExecutionSeconds: "apiserver_flowcontrol_request_execution_seconds",
  flowcontrolNominalLimitSeats: "apiserver_flowcontrol_nominal_limit_seats",
  flowcontrolCurrentLimitSeats: "apiserver_flowcontrol_current_limit_seats",
  flowcontrolWorkEstimatedSeats: "apiserver_flowcontrol_work_estimated_seats",
  etcdRequestDurationSeconds: "etcd_request_duration_seconds",
  etcdRequestsTotal: "etcd_requests_total",
  processResidentMemoryBytes: "process_resident_memory_bytes",
  processCpuSecondsTotal: "process_cpu_seconds_total",
  etcdMvccDbTotalSizeInBytes: "etcd_mvcc_db_total_size_in_bytes",
} as const;

const APISERVER = "kubernetes/kubernetes staging/src/k8s.io/apiserver/";
const ENDPOINTS_SOURCE = `${APISERVER}pkg/endpoints/metrics/metrics.go`;
const FLOWCONTROL_SOURCE = `${APISERVER}pkg/util/flowcontrol/metrics/metrics.go`;
const ETCD3_SOURCE = `${APISERVER}pkg/storage/etcd3/metrics/metrics.go`;
const PROCESS_SOURCE =
  "prometheus/client_golang prometheus/process_collector.go, registered by kubernetes/kubernetes staging/src/k8s.io/component-base/metrics/legacyregistry/registry.go";
const ETCD_SERVER_SOURCE = "etcd-io/etcd server/storage/mvcc/metrics.go (server/mvcc/ in etcd 3.5)";

/** Shared by apiserver_request_duration_seconds and etcd_request_duration_seconds upstream. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45,
  60,
];

/** requestDurationSecondsBuckets in the flowcontrol metrics (wait and execution times). */
export const FLOWCONTROL_DURATION_BUCKETS: readonly number[] = [
  0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30,
];

interface Entry {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly source: string;
  readonly stabilityLevel?: StabilityLevel;
  readonly buckets?: readonly number[];
}

function entries(version: KubernetesMetricsVersion): Entry[] {
  const minor = Number(version.slice(2));
  const m = KUBERNETES_METRIC;
  const priorityAndSchema = ["priority_level", "flow_schema"];
  return [
    // pkg/endpoints/metrics. dry_run, version and component are dropped (see docs/metrics.md).
    {
      name: m.requestTotal,
      type: "counter",
      help: "Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
      labels: ["verb", "group", "resource", "subresource", "scope", "code"],
      source: ENDPOINTS_SOURCE,
      stabilityLevel: "STABLE",
    },
    {
      name: m.requestDurationSeconds,
      type: "histogram",
      help: "Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
      labels: ["verb", "group", "resource", "subresource", "scope"],
      source: ENDPOINTS_SOURCE,
      stabilityLevel: "STABLE",
      buckets: REQUEST_DURATION_BUCKETS,
    },
    {
      name: m.currentInflightRequests,
      type: "gauge",
      help: "Maximal number of currently used inflight request limit of this apiserver per request kind in last second.",
      labels: ["request_kind"],
      source: ENDPOINTS_SOURCE,
      stabilityLevel: "STABLE",
    },
    {
      name: m.currentInqueueRequests,
      type: "gauge",
      help: "Maximal number of queued requests in this apiserver per request kind in last second.",
      labels: ["request_kind"],
      source: ENDPOINTS_SOURCE,
      stabilityLevel: "ALPHA",
    },
    {
      name: m.longrunningRequests,
      type: "gauge",
      help: "Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.",
      labels: ["verb", "group", "resource", "subresource", "scope"],
      source: ENDPOINTS_SOURCE,
      stabilityLevel: "STABLE",
    },
    {
      name: m.watchEventsTotal,
      type: "counter",
      help: "Number of events sent in watch clients",
      // 1.34 labels watch events by resource; earlier versions by kind.
      labels: minor >= 34 ? ["group", "resource"] : ["group", "kind"],
      source: ENDPOINTS_SOURCE,
      stabilityLevel: "ALPHA",
    },
    // pkg/util/flowcontrol/metrics
    {
      name: m.flowcontrolRejectedRequestsTotal,
      type: "counter",
      help: "Number of requests rejected by API Priority and Fairness subsystem",
      labels: [...priorityAndSchema, "reason"],
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "BETA",
    },
    {
      name: m.flowcontrolDispatchedRequestsTotal,
      type: "counter",
      help: "Number of requests executed by API Priority and Fairness subsystem",
      labels: priorityAndSchema,
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "BETA",
    },
    {
      name: m.flowcontrolCurrentInqueueRequests,
      type: "gauge",
      help: "Number of requests currently pending in queues of the API Priority and Fairness subsystem",
      labels: priorityAndSchema,
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "BETA",
    },
    {
      name: m.flowcontrolCurrentInqueueSeats,
      type: "gauge",
      help: "Number of seats currently pending in queues of the API Priority and Fairness subsystem",
      labels: priorityAndSchema,
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "ALPHA",
    },
    {
      name: m.flowcontrolCurrentExecutingRequests,
      type: "gauge",
      help: "Number of requests in initial (for a WATCH) or any (for a non-WATCH) execution stage in the API Priority and Fairness subsystem",
      labels: priorityAndSchema,
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "BETA",
    },
    {
      name: m.flowcontrolCurrentExecutingSeats,
      type: "gauge",
      help: "Concurrency (number of seats) occupied by the currently executing (initial stage for a WATCH, any stage otherwise) requests in the API Priority and Fairness subsystem",
      labels: priorityAndSchema,
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "BETA",
    },
    {
      name: m.flowcontrolRequestWaitDurationSeconds,
      type: "histogram",
      help: "Length of time a request spent waiting in its queue",
      labels: [...priorityAndSchema, "execute"],
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "BETA",
      buckets: FLOWCONTROL_DURATION_BUCKETS,
    },
    {
      name: m.flowcontrolRequestExecutionSeconds,
      type: "histogram",
      help: "Duration of initial stage (for a WATCH) or any (for a non-WATCH) stage of request execution in the API Priority and Fairness subsystem",
      labels: [...priorityAndSchema, "type"],
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "ALPHA",
      buckets: FLOWCONTROL_DURATION_BUCKETS,
    },
    {
      name: m.flowcontrolNominalLimitSeats,
      type: "gauge",
      help: "Nominal number of execution seats configured for each priority level",
      labels: ["priority_level"],
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "BETA",
    },
    {
      name: m.flowcontrolCurrentLimitSeats,
      type: "gauge",
      help: "current derived number of execution seats available to each priority level",
      labels: ["priority_level"],
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "ALPHA",
    },
    {
      name: m.flowcontrolWorkEstimatedSeats,
      type: "histogram",
      help: "Number of estimated seats (maximum of initial and final seats) associated with requests in API Priority and Fairness",
      labels: priorityAndSchema,
      source: FLOWCONTROL_SOURCE,
      stabilityLevel: "ALPHA",
      buckets: minor >= 34 ? [1, 2, 4, 8, 16, 32, 64, 100] : [1, 2, 4, 10],
    },
    // pkg/storage/etcd3/metrics (the apiserver's etcd client side)
    {
      name: m.etcdRequestDurationSeconds,
      type: "histogram",
      help: "Etcd request latency in seconds for each operation and object type.",
      // 1.34 splits the old `type` (a group-resource string such as "deployments.apps").
      labels: minor >= 34 ? ["operation", "group", "resource"] : ["operation", "type"],
      source: ETCD3_SOURCE,
      stabilityLevel: "ALPHA",
      buckets: REQUEST_DURATION_BUCKETS,
    },
    {
      name: m.etcdRequestsTotal,
      type: "counter",
      help: "Etcd request counts for each operation and object type.",
      labels: minor >= 34 ? ["operation", "group", "resource"] : ["operation", "type"],
      source: ETCD3_SOURCE,
      stabilityLevel: "ALPHA",
    },
    {
      name: m.storageObjects,
      type: "gauge",
      help:
        (minor >= 34 ? "[DEPRECATED, consider using apiserver_resource_objects instead] " : "") +
        "Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
      labels: ["resource"],
      source: ETCD3_SOURCE,
      stabilityLevel: "STABLE",
    },
    // Process metrics of every component (apiserver, etcd).
    {
      name: m.processResidentMemoryBytes,
      type: "gauge",
      help: "Resident memory size in bytes.",
      labels: [],
      source: PROCESS_SOURCE,
    },
    {
      name: m.processCpuSecondsTotal,
      type: "counter",
      help: "Total user and system CPU time spent in seconds.",
      labels: [],
      source: PROCESS_SOURCE,
    },
    // etcd server
    {
      name: m.etcdMvccDbTotalSizeInBytes,
      type: "gauge",
      help: "Total size of the underlying database physically allocated in bytes.",
      labels: [],
      source: ETCD_SERVER_SOURCE,
    },
  ];
}

/**
 * The definitions for one Kubernetes version, target labels first, sorted by name. Pass
 * `targetLabelNames: []` to get the upstream label names alone.
 */
export function kubernetesMetricDefinitions(
  version: KubernetesMetricsVersion,
  targetLabelNames: readonly string[] = TARGET_LABEL_NAMES,
): KubernetesMetricDefinition[] {
  return entries(version)
    .map((entry): KubernetesMetricDefinition => {
      const definition: KubernetesMetricDefinition = {
        name: entry.name,
        help:
          entry.stabilityLevel === undefined
            ? entry.help
            : `[${entry.stabilityLevel}] ${entry.help}`,
        type: entry.type,
        labelNames: [...targetLabelNames, ...entry.labels],
        upstreamLabelNames: entry.labels,
        source: entry.source,
        ...(entry.stabilityLevel === undefined ? {} : { stabilityLevel: entry.stabilityLevel }),
        ...(entry.buckets === undefined ? {} : { buckets: entry.buckets }),
      };
      return definition;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Declares every known family of `version` on `recorder`. */
export function declareKubernetesMetrics(
  recorder: MetricsRecorder,
  version: KubernetesMetricsVersion,
  targetLabelNames: readonly string[] = TARGET_LABEL_NAMES,
): void {
  recorder.declareAll(kubernetesMetricDefinitions(version, targetLabelNames));
}
