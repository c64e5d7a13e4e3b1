/** renderReportHtml: the whole report as one self-contained HTML page. */
import { createHash } from "node:crypto";
import { escapeHtml, safeId } from "./escape.js";
import { renderLineChart, type TimeDomain } from "./line-chart.js";
import { sharedMarkers } from "./markers.js";
import { RENDER_CHECK_SCRIPT, REPORT_CSS } from "./styles.js";
import { renderComparisonTable, renderEventsTable, renderNotes, renderSummary } from "./tables.js";
import { WallClock } from "./time-axis.js";
import { renderTimelineChart, renderTimelineTable } from "./timeline.js";
import type { ReportInput } from "./types.js";

/** Fallback span when the input has no times at all: one hour keeps the axes readable. */
const EMPTY_DOMAIN_SECONDS = 3600;
/** Half-hour ticks over a six-hour replay; hourly beyond seven hours. */
const MAX_TIME_TICKS = 14;

/** The time range shared by every chart: t=0 (or earlier data) to the last time mentioned. */
export function reportTimeDomain(input: ReportInput): TimeDomain {
  let from = 0;
  let to = -Infinity;
  const include = (seconds: number | undefined): void => {
    if (seconds === undefined || !Number.isFinite(seconds)) return;
    if (seconds < from) from = seconds;
    if (seconds > to) to = seconds;
  };
  for (const chart of input.charts) {
    for (const line of chart.lines) for (const [seconds] of line.points) include(seconds);
    for (const marker of chart.markers ?? []) include(marker.seconds);
  }
  for (const event of input.events) include(event.seconds);
  for (const entry of input.timeline) {
    include(entry.publishedSeconds);
    include(entry.simulatedSeconds);
  }
  if (!(to > from)) to = from + EMPTY_DOMAIN_SECONDS;
  return { from, to };
}

function uniqueIds(input: ReportInput): string[] {
  const seen = new Set<string>();
  return input.charts.map((chart, index) => {
    const base = `chart-${safeId(chart.id, String(index + 1))}`;
    let id = base;
    for (let n = 2; seen.has(id); n++) id = `${base}-${n}`;
    seen.add(id);
    return id;
  });
}

function contentSecurityPolicy(): string {
  // Nothing may be fetched; only the page's own script (by hash) may run.
  const scriptHash = createHash("sha256").update(RENDER_CHECK_SCRIPT).digest("base64");
  return (
    `default-src 'none'; style-src 'unsafe-inline'; img-src data:; ` +
    `script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`
  );
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

function markerKey(zone: string): string {
  return (
    `<div class="marker-legend"><ul class="legend">` +
    `<li><span class="badge-key badge-published">T1</span>published milestone (timeline)</li>` +
    `<li><span class="badge-key badge-event">1</span>event (events table)</li>` +
    `<li><span class="badge-key badge-ok">2</span>succeeded</li>` +
    `<li><span class="badge-key badge-failed">3</span>failed</li>` +
    `<li><span class="badge-key badge-chart">A</span>chart note</li>` +
    `<li>times in ${escapeHtml(zone)}; hover a marker for its text</li></ul></div>`
  );
}

function timelineKey(): string {
  return (
    `<div class="timeline-key"><span><i class="dot dot-published"></i>published</span>` +
    `<span><i class="dot dot-match"></i>simulated, within tolerance</span>` +
    `<span><i class="dot dot-miss"></i>simulated, outside tolerance</span>` +
    `<span><i class="dot dot-other"></i>simulated, no tolerance</span>` +
    `<span><i class="band"></i>tolerance</span></div>`
  );
}

/**
 * Renders the report. All text is escaped; the page references nothing outside itself.
 * Throws a RangeError if `startIso` or `timeZone` is invalid.
 */
export function renderReportHtml(input: ReportInput): string {
  const clock = new WallClock(input.startIso, input.timeZone);
  const domain = reportTimeDomain(input);
  const ticks = clock.ticks(domain.from, domain.to, MAX_TIME_TICKS);
  const markers = sharedMarkers(input);
  const zone = `${clock.zoneAbbreviation()} (${input.timeZone})`;
  const ids = uniqueIds(input);
  const charts = input.charts.map((chart, index) =>
    renderLineChart(chart, ids[index]!, domain, clock, ticks, markers),
  );

  const sections: string[] = [];
  const toc: [string, string][] = [];
  const add = (id: string, title: string, body: string): void => {
    sections.push(section(id, title, body));
    toc.push([id, title]);
  };
  if (input.summary.length > 0) add("summary", "Summary", renderSummary(input.summary));
  if (input.timeline.length > 0) {
    const chart = renderTimelineChart(input.timeline, domain, clock, ticks);
    const chartCard = chart !== undefined ? `<div class="card">${timelineKey()}${chart}</div>` : "";
    add(
      "timeline",
      "Timeline: published vs simulated",
      `${chartCard}<div class="card" style="margin-top:12px">${renderTimelineTable(input.timeline, clock)}</div>`,
    );
  }
  if (charts.length > 0) {
    add("charts", "Charts", markerKey(zone) + charts.map((chart) => chart.html).join(""));
  }
  if (input.events.length > 0) {
    add("events", "Events", `<div class="card">${renderEventsTable(input, clock)}</div>`);
  }
  if (input.comparison !== undefined && input.comparison.rows.length > 0) {
    add(
      "comparison",
      "Mitigation variants",
      `<div class="card">${renderComparisonTable(input.comparison)}</div>`,
    );
  }
  if (input.notes.length > 0) {
    add("notes", "Assumptions and caveats", `<div class="card">${renderNotes(input.notes)}</div>`);
  }
  const nav = toc.map(([id, title]) => `<a href="#${id}">${escapeHtml(title)}</a>`).join("");

  return [
    `<!doctype html>`,
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">`,
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${REPORT_CSS}</style></head>`,
    `<body data-charts-expected="${charts.length}">`,
    `<header class="page"><h1>${escapeHtml(input.title)}</h1>`,
    `<div class="subtitle">${escapeHtml(input.subtitle)}</div>`,
    `<div class="start">t=0 at ${escapeHtml(clock.startLabel())} · times in ${escapeHtml(zone)}</div>`,
    `<nav class="toc">${nav}</nav></header>`,
    `<main>${sections.join("")}</main>`,
    `<footer>kubestorm simulation report</footer>`,
    `<script>${RENDER_CHECK_SCRIPT}</script>`,
    `</body></html>`,
    ``,
  ].join("\n");
}
