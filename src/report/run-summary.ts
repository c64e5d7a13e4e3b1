/** The result of a run for people (a table) and for programs (JSON). */
import type { RunResult } from "../fleet/index.js";
import { ClockFormatter, formatBytes, formatDuration } from "../scenario/index.js";

/** Stable, pretty JSON: key order is fixed by construction, so equal runs give equal bytes. */
export function runResultJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

export function runResultTable(result: RunResult): string {
  const clock = new ClockFormatter(
    result.start === undefined || result.timeZone === undefined
      ? undefined
      : { epochMs: Date.parse(result.start), timeZone: result.timeZone },
  );
  const { fleet, outcome } = result;
  const rows: [string, string][] = [
    ["scenario", `${result.scenario.name} (${result.scenario.source})`],
    ["seed", String(result.seed)],
    [
      "simulated",
      `${formatDuration(result.simulatedSeconds)}` +
        (result.start === undefined
          ? ""
          : `, ${clock.time(0)} to ${clock.time(result.simulatedSeconds)} ${result.timeZone}`),
    ],
    [
      "fleet",
      `${fleet.clusters} clusters in ${fleet.clusterClasses} classes, ` +
        `${fleet.nodes.toLocaleString("en-US")} nodes, ${fleet.pods.toLocaleString("en-US")} pods`,
    ],
    [
      "components",
      result.components.length === 0 ? "none modelled yet" : result.components.join(", "),
    ],
    ["events", outcome.events.toLocaleString("en-US")],
    ["outcome", outcome.message],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const header = `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n")}\n`;
  return result.clusters.length === 0 ? header : `${header}\n${clusterTable(result)}`;
}

/** A latency, or "–" when there was none to measure (nothing served). */
function seconds(value: number | undefined): string {
  if (value === undefined) return "–";
  return value < 1 ? `${(value * 1000).toFixed(0)}ms` : `${value.toFixed(1)}s`;
}

/** One block per simulated cluster: control-plane health, then each client's outcomes. */
function clusterTable(result: RunResult): string {
  const lines: string[] = [];
  for (const c of result.clusters) {
    lines.push(
      `cluster ${c.cluster} (x${c.count}, ${c.nodes.toLocaleString("en-US")} nodes, ${c.kubernetesVersion}, ` +
        `${c.apf ? "APF" : "max-inflight"}): ${c.withinSlo ? "within SLO" : "OUT OF SLO"}`,
    );
    lines.push(
      `  apiservers: ${c.oomKills} OOM kills, peak memory ${formatBytes(c.peakMemoryBytes)}, ` +
        `not ready ${formatDuration(Math.round(c.notReadySeconds))}; availability ${(c.availability * 100).toFixed(2)}%; ` +
        `worst minute p99: writes and gets ${seconds(c.worstMinuteP99.mutating)}, lists ${seconds(c.worstMinuteP99.list)}`,
    );
    lines.push(
      `  network: busiest apiserver offered ${formatBytes(c.network.peakOfferedBytesPerSecond)}/s at peak, ` +
        `capacity ${formatBytes(c.network.capacityBytesPerSecond)}/s per replica`,
    );
    lines.push(
      `  etcd: database ${formatBytes(c.etcd.dbSizeBytes)}, peak memory ${formatBytes(c.etcd.peakMemoryBytes)}` +
        (c.etcd.noSpaceAlarm ? ", NOSPACE alarm: writes refused" : ""),
    );
    for (const r of c.requests) {
      lines.push(
        `  ${r.client}: ${r.total.toLocaleString("en-US")} sent, ${r.ok.toLocaleString("en-US")} ok, ` +
          `${r.tooManyRequests.toLocaleString("en-US")} 429, ${r.timeouts.toLocaleString("en-US")} timed out, ` +
          `${r.otherErrors.toLocaleString("en-US")} other errors, ${r.refused.toLocaleString("en-US")} refused, ${r.reset.toLocaleString("en-US")} reset; ` +
          `p50 ${seconds(r.p50Seconds)}, p99 ${seconds(r.p99Seconds)} (served and timed out)`,
      );
    }
    for (const i of c.informers) {
      lines.push(
        `  informers ${i.name}: ${i.lists.toLocaleString("en-US")} LISTs (${i.listFailures.toLocaleString("en-US")} failed), ` +
          `${i.watchesOpened.toLocaleString("en-US")} watches opened, ${i.watchesBroken.toLocaleString("en-US")} broken, ` +
          `${i.tooOld.toLocaleString("en-US")} too old (410)`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
