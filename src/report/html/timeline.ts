/** Published vs simulated milestones: a dumbbell chart and a table with the differences. */
import { escapeHtml } from "./escape.js";
import { formatMinutesDelta, formatNumber } from "./format.js";
import { CHART_LAYOUT, type TimeDomain } from "./line-chart.js";
import type { TimeTick, WallClock } from "./time-axis.js";
import type { TimelineEntry } from "./types.js";

export type TimelineVerdict =
  "match" | "miss" | "unchecked" | "not-reached" | "simulated-only" | "none";

/** Whether the simulated time falls within the tolerance of the published one. */
export function timelineVerdict(entry: TimelineEntry): TimelineVerdict {
  const published = finite(entry.publishedSeconds);
  const simulated = finite(entry.simulatedSeconds);
  if (published === undefined && simulated === undefined) return "none";
  if (published === undefined) return "simulated-only";
  if (simulated === undefined) return "not-reached";
  const tolerance = finite(entry.toleranceMinutes);
  if (tolerance === undefined) return "unchecked";
  return Math.abs(simulated - published) <= tolerance * 60 + 1e-9 ? "match" : "miss";
}

const VERDICT_TEXT: Record<TimelineVerdict, string> = {
  match: "within tolerance",
  miss: "outside tolerance",
  unchecked: "no tolerance set",
  "not-reached": "not reached in simulation",
  "simulated-only": "not in published report",
  none: "no times",
};

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

const LABEL_WIDTH = 300;
const ROW_HEIGHT = 26;
const TOP = 14;
const BOTTOM = 44;
const MAX_LABEL_CHARACTERS = 44;

function truncate(text: string): string {
  return text.length > MAX_LABEL_CHARACTERS ? `${text.slice(0, MAX_LABEL_CHARACTERS - 1)}…` : text;
}

/** The dumbbell chart; undefined if no entry has a time. */
export function renderTimelineChart(
  timeline: TimelineEntry[],
  domain: TimeDomain,
  clock: WallClock,
  ticks: TimeTick[],
): string | undefined {
  const rows = timeline
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => timelineVerdict(entry) !== "none");
  if (rows.length === 0) return undefined;
  const width = CHART_LAYOUT.width;
  const plotLeft = LABEL_WIDTH;
  const plotRight = width - CHART_LAYOUT.marginRight;
  const height = TOP + rows.length * ROW_HEIGHT + BOTTOM;
  const bottom = TOP + rows.length * ROW_HEIGHT;
  const span = Math.max(domain.to - domain.from, 1e-9);
  const x = (seconds: number): number => {
    const clamped = Math.min(Math.max(seconds, domain.from), domain.to);
    return (
      Math.round((plotLeft + ((clamped - domain.from) / span) * (plotRight - plotLeft)) * 10) / 10
    );
  };
  const parts: string[] = [];
  for (const tick of ticks) {
    const tx = x(tick.seconds);
    parts.push(
      `<line class="grid grid-x" x1="${tx}" x2="${tx}" y1="${TOP}" y2="${bottom}"/>` +
        `<text class="x-tick" x="${tx}" y="${bottom + 17}">${escapeHtml(tick.label)}</text>`,
    );
    if (tick.dayLabel !== undefined) {
      parts.push(
        `<text class="x-day" x="${tx}" y="${bottom + 33}">${escapeHtml(tick.dayLabel)}</text>`,
      );
    }
  }
  rows.forEach(({ entry, index }, row) => {
    const cy = TOP + row * ROW_HEIGHT + ROW_HEIGHT / 2;
    const verdict = timelineVerdict(entry);
    const published = finite(entry.publishedSeconds);
    const simulated = finite(entry.simulatedSeconds);
    const tolerance = finite(entry.toleranceMinutes);
    const label = `T${index + 1} ${entry.event}`;
    const hover = [
      `T${index + 1} ${entry.event}`,
      published !== undefined ? `published ${clock.clock(published)}` : "not published",
      simulated !== undefined ? `simulated ${clock.clock(simulated)}` : "not simulated",
      VERDICT_TEXT[verdict],
    ].join(" · ");
    const shapes: string[] = [`<title>${escapeHtml(hover)}</title>`];
    if (row % 2 === 0) {
      shapes.push(
        `<rect class="row-band" x="0" y="${cy - ROW_HEIGHT / 2}" width="${width}" height="${ROW_HEIGHT}"/>`,
      );
    }
    shapes.push(
      `<text class="row-label" x="${plotLeft - 12}" y="${cy + 4}">${escapeHtml(truncate(label))}</text>`,
    );
    if (published !== undefined && tolerance !== undefined) {
      const left = x(published - tolerance * 60);
      shapes.push(
        `<rect class="tolerance" x="${left}" y="${cy - 7}" width="${Math.max(x(published + tolerance * 60) - left, 1)}" height="14" rx="3"/>`,
      );
    }
    if (published !== undefined && simulated !== undefined) {
      shapes.push(
        `<line class="connector" x1="${x(published)}" x2="${x(simulated)}" y1="${cy}" y2="${cy}"/>`,
      );
    }
    if (simulated !== undefined) {
      shapes.push(
        `<circle class="simulated verdict-${verdict}" cx="${x(simulated)}" cy="${cy}" r="5"/>`,
      );
    }
    // The published ring goes on top so that a coincident simulated dot shows inside it.
    if (published !== undefined) {
      shapes.push(`<circle class="published" cx="${x(published)}" cy="${cy}" r="7"/>`);
    }
    parts.push(`<g class="timeline-row">${shapes.join("")}</g>`);
  });
  parts.push(
    `<line class="axis" x1="${plotLeft}" x2="${plotRight}" y1="${bottom}" y2="${bottom}"/>`,
  );
  const desc =
    `Published and simulated times of ${rows.length} milestones; ` +
    `${rows.filter(({ entry }) => timelineVerdict(entry) === "match").length} within tolerance.`;
  return (
    `<svg class="timeline-chart" data-timeline-rows="${rows.length}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-labelledby="timeline-chart-title timeline-chart-desc">` +
    `<title id="timeline-chart-title">Published vs simulated timeline</title>` +
    `<desc id="timeline-chart-desc">${escapeHtml(desc)}</desc>${parts.join("")}</svg>`
  );
}

/** The table: one row per milestone with both times, the difference and the verdict. */
export function renderTimelineTable(timeline: TimelineEntry[], clock: WallClock): string {
  const rows = timeline.map((entry, index) => {
    const published = finite(entry.publishedSeconds);
    const simulated = finite(entry.simulatedSeconds);
    const tolerance = finite(entry.toleranceMinutes);
    const verdict = timelineVerdict(entry);
    const delta =
      published !== undefined && simulated !== undefined
        ? formatMinutesDelta(simulated - published)
        : "–";
    return (
      `<tr class="verdict-row-${verdict}"><td class="num">T${index + 1}</td>` +
      `<td>${escapeHtml(entry.event)}</td>` +
      `<td class="num">${published !== undefined ? escapeHtml(clock.clock(published)) : "–"}</td>` +
      `<td class="num">${simulated !== undefined ? escapeHtml(clock.clock(simulated)) : "–"}</td>` +
      `<td class="num">${escapeHtml(delta)}</td>` +
      `<td class="num">${tolerance !== undefined ? `±${escapeHtml(formatNumber(tolerance))} min` : "–"}</td>` +
      `<td><span class="pill pill-${verdict}">${escapeHtml(VERDICT_TEXT[verdict])}</span></td>` +
      `<td>${escapeHtml(entry.note ?? "")}</td></tr>`
    );
  });
  return (
    `<div class="table-wrap"><table class="timeline-table"><caption>Milestones, times in ` +
    `${escapeHtml(clock.zoneAbbreviation())}; difference is simulated minus published</caption>` +
    `<thead><tr><th scope="col">#</th><th scope="col">event</th><th scope="col">published</th>` +
    `<th scope="col">simulated</th><th scope="col">difference</th><th scope="col">tolerance</th>` +
    `<th scope="col">verdict</th><th scope="col">note</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>`
  );
}
