/** The terminal summary of a replay: published versus simulated timeline, then the outcome. */
import type { RunResult } from "../fleet/index.js";
import { ClockFormatter, formatDuration } from "../scenario/index.js";
import type { TimelineRow } from "./timeline.js";

function clockOf(result: RunResult): ClockFormatter {
  return new ClockFormatter(
    result.start === undefined || result.timeZone === undefined
      ? undefined
      : { epochMs: Date.parse(result.start), timeZone: result.timeZone },
  );
}

function minutes(seconds: number): string {
  const m = Math.round(seconds / 60);
  return `${m >= 0 ? "+" : "−"}${Math.abs(m)} min`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`).join("\n");
}

export function timelineTable(result: RunResult, rows: TimelineRow[]): string {
  const clock = clockOf(result);
  const body = rows.map((row) => [
    row.event,
    clock.time(row.publishedSeconds),
    row.simulatedSeconds === undefined ? "never" : clock.time(row.simulatedSeconds),
    row.differenceSeconds === undefined ? "" : minutes(row.differenceSeconds),
    `±${Math.round(row.toleranceSeconds / 60)} min`,
    row.withinTolerance ? "ok" : "MISS",
  ]);
  const matched = rows.filter((r) => r.withinTolerance).length;
  return (
    `Published versus simulated (${result.timeZone ?? "UTC"}); ${matched} of ${rows.length} within tolerance\n` +
    table(["event", "published", "simulated", "difference", "tolerance", ""], body)
  );
}

export function outcomeSummary(result: RunResult): string {
  const o = result.outcomes;
  const clock = clockOf(result);
  const at = (s: number | undefined) => (s === undefined ? "never" : clock.time(s));
  const rows: [string, string][] = [
    [
      "clusters simulated",
      `${result.fleet.simulated} standing for ${result.fleet.clusters} (classes × waves)`,
    ],
    [
      "control planes lost",
      `${o.controlPlanesLost} of ${result.fleet.clusters} clusters; first at ${at(o.firstControlPlaneDownSeconds)}`,
    ],
    ["clusters with user impact", `${o.clustersAffected}`],
    [
      "user-facing error minutes",
      Object.entries(o.errorMinutes)
        .map(([product, value]) => `${product} ${value.toFixed(1)}`)
        .join(", ") || "no products modelled",
    ],
    ...(o.peakImpactSuccess === undefined
      ? []
      : [
          [
            "worst minute",
            `${(o.peakImpactSuccess * 100).toFixed(1)}% of requests succeeded, at ${at(o.peakImpactSeconds)}`,
          ] as [string, string],
        ]),
    ["detected (first page)", at(o.detectedSeconds)],
    [
      "operators locked out",
      `longest ${formatDuration(Math.round(o.longestLockoutSeconds))}, ${formatDuration(Math.round(o.lockoutSeconds))} summed over clusters`,
    ],
    ["recovered", recoveredText(o, at)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `Outcome\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join("\n")}`;
}

/** Recovery as it happened: nothing to recover, some clusters never recovered, or the times. */
function recoveredText(
  o: RunResult["outcomes"],
  at: (seconds: number | undefined) => string,
): string {
  if (o.incidentStartSeconds === undefined)
    return "no cluster lost its control plane or hurt users";
  const first =
    o.firstRecoveredSeconds === undefined
      ? "no cluster"
      : `first cluster ${at(o.firstRecoveredSeconds)}`;
  const all =
    o.unrecoveredClusters > 0
      ? `not all by the end (${o.unrecoveredClusters} clusters still unhealthy)`
      : `all ${at(o.allRecoveredSeconds)}`;
  return `${first}, ${all}`;
}
