/**
 * Records what the simulated control planes do under the real metric names (the `cluster` and
 * `instance` target labels say which process), plus client-side outcomes, and summarises each
 * cluster against the scalability SLOs.
 */
import {
  declareKubernetesMetrics,
  histogramTotals,
  histogramWindows,
  KUBERNETES_METRIC as M,
  MetricsRecorder,
  type CounterHandle,
  type GaugeHandle,
  type HistogramHandle,
} from "../metrics/index.js";
import type { ApiserverReplica } from "../model/apiserver.js";
import type { Cluster, ClusterObserver } from "../model/cluster.js";
import { ApfAdmission } from "../model/admission/apf.js";
import { isConnectionFailure } from "./health-signals.js";
import {
  STATUS_CONNECTION_REFUSED,
  STATUS_CONNECTION_RESET,
  STATUS_GATEWAY_TIMEOUT,
  type ApiRequest,
  type RequestTemplate,
} from "../model/request.js";

/** The `type` label of etcd_request_duration_seconds up to 1.33: the Go type stored. */
const ETCD_OBJECT_TYPES: Record<string, string> = {
  pods: "*core.Pod",
  nodes: "*core.Node",
  leases: "*coordination.Lease",
};

/** Client-side outcomes, including those the apiserver never saw (refused connections). */
export const CLIENT_REQUESTS_TOTAL = "kubestorm_client_requests_total";
export const CLIENT_REQUEST_DURATION = "kubestorm_client_request_duration_seconds";
/** Bytes an apiserver's network finished sending: LIST responses and watch events. */
export const APISERVER_TRANSMIT_BYTES = "kubestorm_apiserver_network_transmit_bytes_total";

/** Scalability SLOs (kubernetes/community sig-scalability/slos/slos.md), p99 latency (s). */
export const SLO_SECONDS = { mutating: 1, readSingle: 1, listCluster: 30 } as const;

/** Availability below which a cluster counts as out of SLO (assumed; the SLOs speak of latency). */
export const MIN_AVAILABILITY = 0.99;

/**
 * One client's requests, each counted once (a grouped lease renewal of g nodes counts g).
 * `served` got an HTTP answer from an apiserver (`ok`, `tooManyRequests`, other errors); the
 * rest never did: `timeouts` (the client gave up), `refused` (no replica accepted the
 * connection), `reset` (the replica died with the request in flight).
 */
export interface RequestSummary {
  client: string;
  verb: string;
  resource: string;
  total: number;
  served: number;
  ok: number;
  tooManyRequests: number;
  timeouts: number;
  refused: number;
  reset: number;
  /** Answers other than 200 and 429 (500 from a NOSPACE etcd, 410, …), counted in `served`. */
  otherErrors: number;
  /**
   * Latency quantiles over the served and timed-out requests (a timeout counts at the time the
   * client gave up); refused and reset connections have none. Absent when there were none.
   */
  p50Seconds: number | undefined;
  p99Seconds: number | undefined;
  maxSeconds: number | undefined;
}

export interface ClusterSummary {
  cluster: string;
  oomKills: number;
  peakMemoryBytes: number;
  /**
   * Network egress of the busiest replica: the most bytes per second handed to its network over
   * one housekeeping window (responses and watch events, sent or queued), and its capacity.
   */
  network: { peakOfferedBytesPerSecond: number; capacityBytesPerSecond: number };
  notReadySeconds: number;
  etcd: { peakMemoryBytes: number; dbSizeBytes: number; noSpaceAlarm: boolean };
  requests: RequestSummary[];
  /**
   * Worst per-minute p99 of mutating and single-object requests, of LISTs (s); absent when no
   * such request was served or timed out.
   */
  worstMinuteP99: { mutating: number | undefined; list: number | undefined };
  /** Share of requests answered 200, over all clients, each request counted once. */
  availability: number;
  /** No OOM kill, availability ≥ 99 %, and per-minute p99s within the SLOs. */
  withinSlo: boolean;
}

function perReplica(
  cache: Map<Cluster, Map<RequestTemplate, HistogramHandle[]>>,
  cluster: Cluster,
  template: RequestTemplate,
): HistogramHandle[] {
  let byTemplate = cache.get(cluster);
  if (byTemplate === undefined) {
    byTemplate = new Map();
    cache.set(cluster, byTemplate);
  }
  let handles = byTemplate.get(template);
  if (handles === undefined) {
    handles = [];
    byTemplate.set(template, handles);
  }
  return handles;
}

const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8,
  10, 15, 20, 30, 45, 60,
];

interface ReplicaGauges {
  memory: GaugeHandle;
  transmitted: CounterHandle;
  transmittedSoFar: number;
  readOnly: GaugeHandle;
  mutating: GaugeHandle;
  levels: Map<string, { executing: GaugeHandle; inqueue: GaugeHandle; limit: GaugeHandle }>;
}

interface ClientTally {
  summary: RequestSummary;
  latency: HistogramHandle;
  codes: Map<number, CounterHandle>;
}

export class ControlPlaneObserver implements ClusterObserver {
  readonly recorder: MetricsRecorder;
  private readonly tallies = new Map<string, ClientTally>();
  private readonly serverLatency = new Map<string, HistogramHandle>();
  private readonly rejected = new Map<string, CounterHandle>();
  private readonly etcdLatency = new Map<string, HistogramHandle>();
  private readonly gauges = new Map<string, GaugeHandle>();

  constructor(durationSeconds: number, stepSeconds: number) {
    this.recorder = new MetricsRecorder({ stepSeconds, endSeconds: durationSeconds });
    declareKubernetesMetrics(this.recorder, "1.29");
    this.recorder.declare({
      name: CLIENT_REQUESTS_TOTAL,
      help: "Requests as their clients saw them; code 0 is a reset connection, 1 a refused one.",
      type: "counter",
      labelNames: ["cluster", "client", "code"],
    });
    this.recorder.declare({
      name: CLIENT_REQUEST_DURATION,
      help: "Latency as clients saw it, from sending to the answer or the client timeout; refused and reset connections are not observed.",
      type: "histogram",
      labelNames: ["cluster", "client"],
      buckets: LATENCY_BUCKETS,
    });
    this.recorder.declare({
      name: APISERVER_TRANSMIT_BYTES,
      help: "Bytes an apiserver's network finished sending (responses and watch events).",
      type: "counter",
      labelNames: ["cluster", "instance"],
    });
  }

  /** Per cluster and request template: the hot path looks up objects, not built strings. */
  private readonly tallyCache = new Map<Cluster, Map<RequestTemplate, ClientTally>>();
  private readonly serverLatencyCache = new Map<Cluster, Map<RequestTemplate, HistogramHandle[]>>();
  private readonly etcdLatencyCache = new Map<Cluster, Map<RequestTemplate, HistogramHandle[]>>();

  private tally(cluster: Cluster, request: ApiRequest): ClientTally {
    let byTemplate = this.tallyCache.get(cluster);
    if (byTemplate === undefined) {
      byTemplate = new Map();
      this.tallyCache.set(cluster, byTemplate);
    }
    let cached = byTemplate.get(request.template);
    if (cached === undefined) {
      cached = this.tallyByName(cluster, request);
      byTemplate.set(request.template, cached);
    }
    return cached;
  }

  /** Templates of the same name in a cluster share one tally (one client in the summary). */
  private tallyByName(cluster: Cluster, request: ApiRequest): ClientTally {
    const key = `${cluster.name}\0${request.template.name}`;
    let tally = this.tallies.get(key);
    if (tally === undefined) {
      const t = request.template;
      tally = {
        summary: {
          client: t.name,
          verb: t.verb,
          resource: t.resource,
          total: 0,
          served: 0,
          ok: 0,
          tooManyRequests: 0,
          timeouts: 0,
          refused: 0,
          reset: 0,
          otherErrors: 0,
          p50Seconds: undefined,
          p99Seconds: undefined,
          maxSeconds: undefined,
        },
        latency: this.recorder.histogram(CLIENT_REQUEST_DURATION, {
          cluster: cluster.name,
          client: t.name,
        }),
        codes: new Map(),
      };
      this.tallies.set(key, tally);
    }
    return tally;
  }

  response(cluster: Cluster, request: ApiRequest, status: number, latencySeconds: number): void {
    const now = Math.min(cluster.now, this.recorder.endSeconds);
    const tally = this.tally(cluster, request);
    const s = tally.summary;
    const weight = request.template.batch ?? 1;
    s.total += weight;
    if (status === STATUS_CONNECTION_REFUSED) s.refused += weight;
    else if (status === STATUS_CONNECTION_RESET) s.reset += weight;
    else if (status === STATUS_GATEWAY_TIMEOUT) s.timeouts += weight;
    else {
      s.served += weight;
      if (status === 200) s.ok += weight;
      else if (status === 429) s.tooManyRequests += weight;
      else s.otherErrors += weight;
    }
    // A connection that got no answer has no latency: it must not count as a fast request.
    if (!isConnectionFailure(status)) {
      if (s.maxSeconds === undefined || latencySeconds > s.maxSeconds)
        s.maxSeconds = latencySeconds;
      this.recorder.observe(tally.latency, now, latencySeconds, weight);
    }
    let code = tally.codes.get(status);
    if (code === undefined) {
      code = this.recorder.counter(CLIENT_REQUESTS_TOTAL, {
        cluster: cluster.name,
        client: request.template.name,
        code: String(status),
      });
      tally.codes.set(status, code);
    }
    this.recorder.add(code, now, weight);
    // The apiserver measures what it answered; a refused or reset connection it never did.
    if (!isConnectionFailure(status) && request.replica >= 0) {
      const handles = perReplica(this.serverLatencyCache, cluster, request.template);
      let handle = handles[request.replica];
      if (handle === undefined) {
        handle = this.serverLatencyHandle(cluster, request);
        handles[request.replica] = handle;
      }
      this.recorder.observe(handle, now, latencySeconds, weight);
    }
  }

  private serverLatencyHandle(cluster: Cluster, request: ApiRequest): HistogramHandle {
    const t = request.template;
    const key = `${cluster.name}\0${request.replica}\0${t.verb}\0${t.resource}\0${t.scope}`;
    let handle = this.serverLatency.get(key);
    if (handle === undefined) {
      handle = this.recorder.histogram(M.requestDurationSeconds, {
        cluster: cluster.name,
        instance: `apiserver-${request.replica}`,
        verb: t.verb.toUpperCase(),
        group: t.apiGroup,
        resource: t.resource,
        subresource: "",
        scope: t.scope === "cluster" ? "cluster" : t.scope === "node" ? "cluster" : "namespace",
      });
      this.serverLatency.set(key, handle);
    }
    return handle;
  }

  rejection(cluster: Cluster, request: ApiRequest, reason: string): void {
    // Only APF rejections are flow-control metrics; max-inflight 429s show in the client counts.
    if (request.priorityLevel === "") return;
    const key = `${cluster.name}\0${request.replica}\0${request.priorityLevel}\0${request.flowSchema}\0${reason}`;
    let handle = this.rejected.get(key);
    if (handle === undefined) {
      handle = this.recorder.counter(M.flowcontrolRejectedRequestsTotal, {
        cluster: cluster.name,
        instance: `apiserver-${request.replica}`,
        priority_level: request.priorityLevel,
        flow_schema: request.flowSchema,
        reason,
      });
      this.rejected.set(key, handle);
    }
    this.recorder.add(handle, Math.min(cluster.now, this.recorder.endSeconds), 1);
  }

  etcd(cluster: Cluster, request: ApiRequest, replica: ApiserverReplica, seconds: number): void {
    const handles = perReplica(this.etcdLatencyCache, cluster, request.template);
    let cached = handles[replica.index];
    if (cached === undefined) {
      cached = this.etcdHandle(cluster, request, replica);
      handles[replica.index] = cached;
    }
    this.recorder.observe(cached, Math.min(cluster.now, this.recorder.endSeconds), seconds);
  }

  private etcdHandle(
    cluster: Cluster,
    request: ApiRequest,
    replica: ApiserverReplica,
  ): HistogramHandle {
    const t = request.template;
    const operation = t.verb === "list" ? "listWithCount" : t.mutating ? "update" : "get";
    const key = `${cluster.name}\0${replica.index}\0${operation}\0${t.resource}`;
    let handle = this.etcdLatency.get(key);
    if (handle === undefined) {
      handle = this.recorder.histogram(M.etcdRequestDurationSeconds, {
        cluster: cluster.name,
        instance: `apiserver-${replica.index}`,
        operation,
        type: ETCD_OBJECT_TYPES[t.resource] ?? t.resource,
      });
      this.etcdLatency.set(key, handle);
    }
    return handle;
  }

  private gauge(name: string, labels: Record<string, string>): GaugeHandle {
    const key = `${name}\0${Object.values(labels).join("\0")}`;
    let handle = this.gauges.get(key);
    if (handle === undefined) {
      handle = this.recorder.gauge(name, labels);
      this.gauges.set(key, handle);
    }
    return handle;
  }

  /** Gauge handles of each replica, made once: ticks set values without building labels. */
  private readonly replicaGauges = new Map<ApiserverReplica, ReplicaGauges>();

  private gaugesOf(cluster: Cluster, replica: ApiserverReplica): ReplicaGauges {
    let gauges = this.replicaGauges.get(replica);
    if (gauges === undefined) {
      const labels = { cluster: cluster.name, instance: `apiserver-${replica.index}` };
      gauges = {
        memory: this.gauge(M.processResidentMemoryBytes, labels),
        transmitted: this.recorder.counter(APISERVER_TRANSMIT_BYTES, labels),
        transmittedSoFar: 0,
        readOnly: this.gauge(M.currentInflightRequests, { ...labels, request_kind: "readOnly" }),
        mutating: this.gauge(M.currentInflightRequests, { ...labels, request_kind: "mutating" }),
        levels: new Map(),
      };
      this.replicaGauges.set(replica, gauges);
    }
    return gauges;
  }

  tick(cluster: Cluster): void {
    const now = cluster.now;
    if (now > this.recorder.endSeconds) return;
    const etcd = { cluster: cluster.name, instance: "etcd-0" };
    this.recorder.set(
      this.gauge(M.etcdMvccDbTotalSizeInBytes, etcd),
      now,
      cluster.etcd.dbSizeBytes,
    );
    this.recorder.set(
      this.gauge(M.processResidentMemoryBytes, etcd),
      now,
      cluster.etcd.memoryBytes,
    );
    for (const replica of cluster.replicas) {
      const gauges = this.gaugesOf(cluster, replica);
      this.recorder.set(gauges.memory, now, replica.memoryBytes);
      this.recorder.add(gauges.transmitted, now, replica.egressBytesSent - gauges.transmittedSoFar);
      gauges.transmittedSoFar = replica.egressBytesSent;
      const executing = replica.executingByKind();
      this.recorder.set(gauges.readOnly, now, executing.readOnly);
      this.recorder.set(gauges.mutating, now, executing.mutating);
      this.recordFlowControl(cluster, replica, gauges, now);
    }
  }

  private recordFlowControl(
    cluster: Cluster,
    replica: ApiserverReplica,
    gauges: ReplicaGauges,
    now: number,
  ): void {
    const admission = replica.admissionControl;
    if (!(admission instanceof ApfAdmission)) return;
    for (const level of admission.levelState()) {
      let handles = gauges.levels.get(level.level);
      if (handles === undefined) {
        const labels = {
          cluster: cluster.name,
          instance: `apiserver-${replica.index}`,
          priority_level: level.level,
        };
        // Kept per level: flow_schema is left empty (the sum over the level's schemas).
        const bySchema = { ...labels, flow_schema: "" };
        handles = {
          executing: this.gauge(M.flowcontrolCurrentExecutingSeats, bySchema),
          inqueue: this.gauge(M.flowcontrolCurrentInqueueRequests, bySchema),
          limit: this.gauge(M.flowcontrolCurrentLimitSeats, labels),
        };
        gauges.levels.set(level.level, handles);
      }
      this.recorder.set(handles.executing, now, level.executingSeats);
      this.recorder.set(handles.inqueue, now, level.waiting);
      this.recorder.set(handles.limit, now, level.limit);
    }
  }

  /** Per cluster: outcomes per client, worst per-minute p99s, SLO verdict. */
  summarize(cluster: Cluster): ClusterSummary {
    const requests: RequestSummary[] = [];
    let mutating: number | undefined;
    let list: number | undefined;
    for (const [key, tally] of this.tallies) {
      if (!key.startsWith(`${cluster.name}\0`)) continue;
      const where = { cluster: cluster.name, client: tally.summary.client };
      const [perMinute] = histogramWindows(this.recorder, CLIENT_REQUEST_DURATION, {
        where,
        statistic: { quantile: 0.99 },
      });
      const values = perMinute.points.flatMap((p) => (p.value === null ? [] : [p.value]));
      const worst = values.length === 0 ? undefined : Math.max(...values);
      if (tally.summary.verb === "list") list = maxDefined(list, worst);
      else mutating = maxDefined(mutating, worst);
      const [whole] = histogramTotals(this.recorder, CLIENT_REQUEST_DURATION, {
        where,
        quantiles: [0.5, 0.99],
      });
      // Bucket interpolation can overshoot the largest observation; never report beyond it.
      const max = tally.summary.maxSeconds;
      const quantile = (value: number | undefined) =>
        value === undefined || max === undefined ? undefined : Math.min(max, value);
      tally.summary.p50Seconds = quantile(whole.quantiles[0].value ?? undefined);
      tally.summary.p99Seconds = quantile(whole.quantiles[1].value ?? undefined);
      requests.push(tally.summary);
    }
    requests.sort((a, b) => (a.client < b.client ? -1 : a.client > b.client ? 1 : 0));
    const oomKills = cluster.replicas.reduce((sum, r) => sum + r.oomKills, 0);
    const total = requests.reduce((sum, r) => sum + r.total, 0);
    const availability = total === 0 ? 1 : requests.reduce((sum, r) => sum + r.ok, 0) / total;
    return {
      cluster: cluster.name,
      oomKills,
      peakMemoryBytes: Math.max(...cluster.replicas.map((r) => r.peakMemoryBytes)),
      network: {
        peakOfferedBytesPerSecond: Math.max(
          ...cluster.replicas.map((r) => r.peakEgressBytesPerSecond),
        ),
        capacityBytesPerSecond: Math.min(...cluster.replicas.map((r) => r.egressBytesPerSecond)),
      },
      notReadySeconds: Math.max(
        ...cluster.replicas.map((r) => r.notReadySecondsUntil(cluster.now)),
      ),
      etcd: {
        peakMemoryBytes: cluster.etcd.peakMemoryBytes,
        dbSizeBytes: cluster.etcd.dbSizeBytes,
        noSpaceAlarm: cluster.etcd.noSpaceAlarm,
      },
      requests,
      worstMinuteP99: { mutating, list },
      availability,
      withinSlo:
        oomKills === 0 &&
        availability >= MIN_AVAILABILITY &&
        (mutating ?? 0) <= SLO_SECONDS.mutating &&
        (list ?? 0) <= SLO_SECONDS.listCluster,
    };
  }
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
