/**
 * Fills the HTML report from a run: the published timeline beside the simulated one, charts
 * of the apiservers, DNS and products over time with operators' actions, and the comparison.
 */
import type { RunResult } from "../fleet/index.js";
import type { CalibrationTarget } from "../scenario/index.js";
import type { ChartSpec, ReportInput } from "./html/index.js";
import { timelineRows } from "./timeline.js";
import type { ComparisonTable } from "./comparison.js";

const GiB = 2 ** 30;

/** Events worth a marker on every chart: what changed the course of the run. */
const KEY_EVENTS = new Set([
  "pipeline/wave-applied",
  "pipeline/halted",
  "pipeline/rollback-finished",
  "alerting/alert-notified",
  "operators/action-finished",
  "traffic-manager/shift",
]);

/** One line per simulated cluster class and wave, for a per-minute measure. */
function perCluster(
  result: RunResult,
  value: (sample: RunResult["clusters"][number]["minutes"][number]) => number | null,
): ChartSpec["lines"] {
  return result.clusters
    .filter((cluster) => cluster.minutes.length > 0)
    .map((cluster) => ({
      label: `${cluster.cluster} (×${cluster.count}, ${cluster.nodes.toLocaleString("en-US")} nodes)`,
      points: cluster.minutes.map((s): [number, number | null] => [s.t, value(s)]),
    }));
}

export function replayReportInput(
  result: RunResult,
  targets: readonly CalibrationTarget[],
  version: string,
  comparison?: ComparisonTable,
): ReportInput {
  const rows = timelineRows(result, targets);
  const o = result.outcomes;
  const charts: ChartSpec[] = [
    {
      id: "product-success",
      title: "User-facing success rate, fleet-wide",
      unit: "%",
      yMax: 100,
      lines: Object.entries(o.productSuccess).map(([product, minutes]) => ({
        label: product,
        points: minutes.map((m): [number, number] => [m.t, m.success * 100]),
      })),
    },
    {
      id: "apiserver-latency",
      title: "Apiserver p99 latency (non-watch requests)",
      unit: "s",
      log: true,
      // A minute without an answered request has no point (a gap), never a fast one.
      lines: perCluster(result, (s) => s.apiserverP99Seconds ?? null),
    },
    {
      id: "apiserver-ready",
      title: "Apiserver replicas ready",
      unit: "replicas",
      lines: perCluster(result, (s) => s.readyReplicas),
    },
    {
      id: "throttled",
      title: "429 responses",
      unit: "req/s",
      lines: perCluster(result, (s) => s.rejected429PerSecond),
    },
    {
      id: "memory",
      title: "Apiserver memory, largest replica",
      unit: "GiB",
      lines: perCluster(result, (s) => s.maxReplicaMemoryBytes / GiB),
    },
    {
      id: "dns",
      title: "DNS lookups that resolve to a usable answer",
      unit: "%",
      yMax: 100,
      lines: perCluster(result, (s) => s.dnsSuccess * 100),
    },
    {
      id: "agent-pods",
      title: "Telemetry agent pods running",
      unit: "pods",
      lines: perCluster(result, (s) => s.agentPods),
    },
  ];
  const clockNotes = [
    "Simulated clusters stand for classes of identical clusters per rollout wave (×count); `--full` simulates every cluster.",
    "Published times come from the post-incident report; they are compared with the run, never fed into it.",
    "Every parameter the report does not give is stated in the scenario file and justified in docs/model.md.",
  ];
  return {
    title: `${result.scenario.name}: simulated replay`,
    subtitle: `scenario ${result.scenario.name} · seed ${result.seed} · kubestorm ${version}`,
    timeZone: result.timeZone ?? "UTC",
    startIso: result.start ?? new Date(0).toISOString(),
    timeline: rows.map((row) => ({
      event: row.event,
      publishedSeconds: row.publishedSeconds,
      simulatedSeconds: row.simulatedSeconds,
      toleranceMinutes: row.toleranceSeconds / 60,
    })),
    charts,
    events: result.events
      .filter((e) => KEY_EVENTS.has(`${e.actor}/${e.kind}`))
      .map((e) => ({
        seconds: e.t,
        cluster: e.cluster,
        actor: e.actor,
        detail: `${e.kind}: ${e.detail}`,
        ok: e.ok,
      })),
    comparison:
      comparison === undefined
        ? undefined
        : {
            columns: comparison.columns.map((c) => ({
              key: c.key,
              label: c.label,
              unit: c.unit,
              better: c.better,
            })),
            rows: comparison.rows.map((r) => ({
              variant: r.title,
              description: r.description,
              values: r.values,
            })),
          },
    summary: [
      { label: "control planes lost", value: `${o.controlPlanesLost} of ${result.fleet.clusters}` },
      { label: "clusters with user impact", value: String(o.clustersAffected) },
      // Without products there is no user-facing figure: none is shown rather than a 0 or 100%.
      ...(o.peakImpactSuccess === undefined
        ? []
        : [
            {
              label: "user-facing error minutes",
              value: Object.values(o.errorMinutes)
                .reduce((a, b) => a + b, 0)
                .toFixed(0),
            },
            { label: "worst minute success", value: `${(o.peakImpactSuccess * 100).toFixed(1)}%` },
          ]),
      {
        label: "all clusters recovered",
        value:
          o.incidentStartSeconds === undefined
            ? "nothing to recover"
            : o.unrecoveredClusters > 0
              ? `not by the end (${o.unrecoveredClusters} still unhealthy)`
              : `${Math.round(((o.allRecoveredSeconds ?? 0) - o.incidentStartSeconds) / 60)} min after the incident began`,
      },
      { label: "longest lockout", value: `${Math.round(o.longestLockoutSeconds / 60)} min` },
      {
        label: "timeline within tolerance",
        value: `${rows.filter((r) => r.withinTolerance).length} / ${rows.length}`,
      },
    ],
    notes: clockNotes,
  };
}
