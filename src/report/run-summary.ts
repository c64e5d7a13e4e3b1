/** The result of a run for people (a table) and for programs (JSON). */
import type { RunResult } from "../fleet/index.js";
import { ClockFormatter, formatDuration } from "../scenario/index.js";

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
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n")}\n`;
}
