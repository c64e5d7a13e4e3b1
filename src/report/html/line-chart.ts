/** One line chart as inline SVG (no script needed to draw it), with legend and data table. */
import { escapeHtml } from "./escape.js";
import { formatNumber, formatTick } from "./format.js";
import { markerLetter, type Marker } from "./markers.js";
import { linearScale, logScale, type ValueScale } from "./scale.js";
import type { WallClock, TimeTick } from "./time-axis.js";
import type { ChartSpec } from "./types.js";

/** Geometry in SVG user units; the SVG scales to the page width through its viewBox. */
export const CHART_LAYOUT = {
  width: 1100,
  height: 350,
  marginLeft: 64,
  marginRight: 20,
  /** Room for three rows of marker badges above the plot. */
  marginTop: 66,
  /** Room for tick labels and the date under them. */
  marginBottom: 44,
  badgeRows: 3,
  badgeHeight: 16,
} as const;

/** Colour-blind-safe line colours (Okabe–Ito hues, darkened to read on white). */
export const LINE_COLOURS = [
  "#0a6fc2",
  "#e07b00",
  "#12966b",
  "#c8361c",
  "#8a4fb3",
  "#3aa7d9",
  "#a88400",
  "#555b66",
];

export interface TimeDomain {
  from: number;
  to: number;
}

type Point = [number, number | null];

const PLOT_WIDTH = CHART_LAYOUT.width - CHART_LAYOUT.marginLeft - CHART_LAYOUT.marginRight;
const PLOT_HEIGHT = CHART_LAYOUT.height - CHART_LAYOUT.marginTop - CHART_LAYOUT.marginBottom;
/** Above this many points per line, keep each pixel column's extremes only (peaks survive). */
const MAX_POINTS_PER_LINE = PLOT_WIDTH * 2;

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function usable(value: number | null, log: boolean): value is number {
  return value !== null && Number.isFinite(value) && (!log || value > 0);
}

function sortedPoints(points: Point[]): Point[] {
  const finiteX = points.filter((p) => Number.isFinite(p[0]));
  for (let i = 1; i < finiteX.length; i++) {
    if (finiteX[i]![0] < finiteX[i - 1]![0]) return [...finiteX].sort((a, b) => a[0] - b[0]);
  }
  return finiteX;
}

/** Keeps the minimum and maximum of each pixel column, and any gap, in time order. */
export function downsample(points: Point[], domain: TimeDomain, log: boolean): Point[] {
  if (points.length <= MAX_POINTS_PER_LINE) return points;
  const columns = PLOT_WIDTH;
  const span = Math.max(domain.to - domain.from, 1e-9);
  const kept: Point[] = [];
  let column = -1;
  let low: Point | undefined;
  let high: Point | undefined;
  let gap = false;
  const flush = (): void => {
    if (low !== undefined && high !== undefined) {
      if (low === high) kept.push(low);
      else if (low[0] <= high[0]) kept.push(low, high);
      else kept.push(high, low);
    }
    if (gap) kept.push([kept.length > 0 ? kept[kept.length - 1]![0] : domain.from, null]);
    low = undefined;
    high = undefined;
    gap = false;
  };
  for (const point of points) {
    const c = Math.floor(((point[0] - domain.from) / span) * columns);
    if (c !== column) {
      flush();
      column = c;
    }
    const value = point[1];
    if (!usable(value, log)) {
      gap = true;
      continue;
    }
    if (low === undefined || value < (low[1] as number)) low = point;
    if (high === undefined || value > (high[1] as number)) high = point;
  }
  flush();
  return kept;
}

function xPosition(seconds: number, domain: TimeDomain): number {
  const span = Math.max(domain.to - domain.from, 1e-9);
  return CHART_LAYOUT.marginLeft + ((seconds - domain.from) / span) * PLOT_WIDTH;
}

function yPosition(value: number, scale: ValueScale): number | undefined {
  const fraction = scale.fraction(value);
  if (fraction === undefined || !Number.isFinite(fraction)) return undefined;
  return CHART_LAYOUT.marginTop + (1 - fraction) * PLOT_HEIGHT;
}

interface LinePath {
  d: string;
  /** Whether some segment has two or more points, so the path has a visible length. */
  drawable: boolean;
}

function linePath(points: Point[], domain: TimeDomain, scale: ValueScale, log: boolean): LinePath {
  const commands: string[] = [];
  let segmentLength = 0;
  let drawable = false;
  const endSegment = (): void => {
    // A lone point between gaps is drawn as a dot (zero-length segment with round caps).
    if (segmentLength === 1) commands.push("l0 0");
    if (segmentLength >= 2) drawable = true;
    segmentLength = 0;
  };
  for (const [seconds, value] of points) {
    const y = usable(value, log) ? yPosition(value, scale) : undefined;
    if (y === undefined) {
      endSegment();
      continue;
    }
    const x = round1(xPosition(seconds, domain));
    commands.push(`${segmentLength === 0 ? "M" : "L"}${x} ${round1(y)}`);
    segmentLength++;
  }
  endSegment();
  return { d: commands.join(""), drawable };
}

function markerClass(marker: Marker): string {
  return `marker marker-${marker.kind}`;
}

/** Badges go in the first row with room; a marker without room keeps its line and hover text. */
function markerSvg(markers: Marker[], domain: TimeDomain): string {
  const inside = markers
    .filter((m) => m.seconds >= domain.from && m.seconds <= domain.to)
    .sort((a, b) => a.seconds - b.seconds);
  const rowRight = new Array<number>(CHART_LAYOUT.badgeRows).fill(-Infinity);
  const top = CHART_LAYOUT.marginTop;
  const bottom = CHART_LAYOUT.marginTop + PLOT_HEIGHT;
  const parts: string[] = [];
  for (const marker of inside) {
    const x = round1(xPosition(marker.seconds, domain));
    const title = `<title>${escapeHtml(marker.title)}</title>`;
    const badgeWidth = 7 * marker.badge.length + 9;
    const row = rowRight.findIndex((right) => right < x - badgeWidth / 2 - 2);
    let badge = "";
    let lineTop = top;
    if (row >= 0) {
      rowRight[row] = x + badgeWidth / 2;
      const badgeY = top - 4 - (row + 1) * (CHART_LAYOUT.badgeHeight + 3);
      lineTop = badgeY + CHART_LAYOUT.badgeHeight;
      badge =
        `<rect class="badge" x="${round1(x - badgeWidth / 2)}" y="${badgeY}" width="${badgeWidth}" ` +
        `height="${CHART_LAYOUT.badgeHeight}" rx="3"/>` +
        `<text class="badge-text" x="${x}" y="${badgeY + 12}">${escapeHtml(marker.badge)}</text>`;
    }
    parts.push(
      `<g class="${markerClass(marker)}">${title}` +
        `<line x1="${x}" x2="${x}" y1="${lineTop}" y2="${bottom}"/>${badge}</g>`,
    );
  }
  return parts.join("");
}

function axesSvg(scale: ValueScale, ticks: TimeTick[], domain: TimeDomain, unit: string): string {
  const left = CHART_LAYOUT.marginLeft;
  const right = CHART_LAYOUT.width - CHART_LAYOUT.marginRight;
  const bottom = CHART_LAYOUT.marginTop + PLOT_HEIGHT;
  const parts: string[] = [];
  for (const tick of scale.ticks) {
    const y = yPosition(tick, scale);
    if (y === undefined) continue;
    const ry = round1(y);
    parts.push(
      `<line class="grid" x1="${left}" x2="${right}" y1="${ry}" y2="${ry}"/>` +
        `<text class="y-tick" x="${left - 8}" y="${ry + 4}">${escapeHtml(formatTick(tick))}</text>`,
    );
  }
  for (const tick of ticks) {
    const x = round1(xPosition(tick.seconds, domain));
    parts.push(
      `<line class="grid grid-x" x1="${x}" x2="${x}" y1="${CHART_LAYOUT.marginTop}" y2="${bottom}"/>` +
        `<text class="x-tick" x="${x}" y="${bottom + 17}">${escapeHtml(tick.label)}</text>`,
    );
    if (tick.dayLabel !== undefined) {
      parts.push(
        `<text class="x-day" x="${x}" y="${bottom + 33}">${escapeHtml(tick.dayLabel)}</text>`,
      );
    }
  }
  parts.push(`<line class="axis" x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`);
  parts.push(
    `<text class="y-unit" x="${left - 8}" y="${CHART_LAYOUT.marginTop - 8}">${escapeHtml(unit)}</text>`,
  );
  return parts.join("");
}

/** The value of the point nearest to `seconds` within `reach`, or undefined. */
function valueNear(points: Point[], seconds: number, reach: number): number | null | undefined {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] < seconds) lo = mid + 1;
    else hi = mid;
  }
  let best: Point | undefined;
  for (const candidate of [points[lo - 1], points[lo]]) {
    if (candidate === undefined || Math.abs(candidate[0] - seconds) > reach) continue;
    if (best === undefined || Math.abs(candidate[0] - seconds) < Math.abs(best[0] - seconds)) {
      best = candidate;
    }
  }
  return best?.[1];
}

function dataTable(
  spec: ChartSpec,
  sorted: Point[][],
  ticks: TimeTick[],
  clock: WallClock,
): string {
  const spacing = ticks.length >= 2 ? ticks[1]!.seconds - ticks[0]!.seconds : 3600;
  const header = spec.lines
    .map((line) => `<th scope="col">${escapeHtml(line.label)}</th>`)
    .join("");
  const rows = ticks.map((tick) => {
    const cells = sorted.map((points) => {
      const value = valueNear(points, tick.seconds, spacing / 2);
      const text =
        value === undefined || value === null || !Number.isFinite(value)
          ? "–"
          : formatNumber(value);
      return `<td class="num">${escapeHtml(text)}</td>`;
    });
    return `<tr><th scope="row">${escapeHtml(clock.clock(tick.seconds))}</th>${cells.join("")}</tr>`;
  });
  return (
    `<details class="data"><summary>Data table</summary><div class="table-wrap"><table>` +
    `<caption>${escapeHtml(spec.title)} (${escapeHtml(spec.unit)}), value nearest each tick</caption>` +
    `<thead><tr><th scope="col">time</th>${header}</tr></thead><tbody>${rows.join("")}</tbody>` +
    `</table></div></details>`
  );
}

function description(
  spec: ChartSpec,
  sorted: Point[][],
  clock: WallClock,
  domain: TimeDomain,
): string {
  const parts = spec.lines.map((line, index) => {
    let peak: Point | undefined;
    for (const point of sorted[index]!) {
      if (usable(point[1], false) && (peak === undefined || point[1] > (peak[1] as number)))
        peak = point;
    }
    if (peak === undefined) return `${line.label}: no data`;
    return `${line.label}: peak ${formatNumber(peak[1] as number)} ${spec.unit} at ${clock.clock(peak[0])}`;
  });
  const range = `${clock.clock(domain.from)} to ${clock.clock(domain.to)} ${clock.zoneAbbreviation()}`;
  return `Line chart, ${spec.unit}${spec.log === true ? " (log scale)" : ""}, ${range}. ${parts.join("; ")}.`;
}

function legendHtml(spec: ChartSpec, chartMarkers: Marker[]): string {
  const lines = spec.lines.map(
    (line, index) =>
      `<li><span class="swatch" style="background:${LINE_COLOURS[index % LINE_COLOURS.length]}"></span>` +
      `${escapeHtml(line.label)}</li>`,
  );
  const own = chartMarkers.map(
    (marker) =>
      `<li class="legend-marker"><span class="badge-key badge-chart">${escapeHtml(marker.badge)}</span>` +
      `${escapeHtml(marker.title)}</li>`,
  );
  return `<ul class="legend">${lines.join("")}${own.join("")}</ul>`;
}

export interface RenderedChart {
  html: string;
  /** Lines with a visible segment: what the page script expects to find drawn. */
  drawableLines: number;
}

/** A <figure> with the chart's title, legend, SVG and a data table fallback. */
export function renderLineChart(
  spec: ChartSpec,
  elementId: string,
  domain: TimeDomain,
  clock: WallClock,
  ticks: TimeTick[],
  sharedMarkers: Marker[],
): RenderedChart {
  const log = spec.log === true;
  const sorted = spec.lines.map((line) => sortedPoints(line.points));
  const values: number[] = [];
  for (const points of sorted) {
    for (const [seconds, value] of points) {
      if (seconds >= domain.from && seconds <= domain.to && usable(value, log)) values.push(value);
    }
  }
  const fixedMax = spec.yMax !== undefined && Number.isFinite(spec.yMax) ? spec.yMax : undefined;
  const scale = log ? logScale(values, fixedMax) : linearScale(values, fixedMax);
  const chartMarkers: Marker[] = (spec.markers ?? [])
    .filter((m) => Number.isFinite(m.seconds))
    .map((m, index) => ({
      seconds: m.seconds,
      badge: markerLetter(index),
      title: m.label,
      kind: "chart",
    }));

  let drawableLines = 0;
  const paths = sorted.map((points, index) => {
    const path = linePath(downsample(points, domain, log), domain, scale, log);
    if (path.drawable) drawableLines++;
    const colour = LINE_COLOURS[index % LINE_COLOURS.length];
    return (
      `<path class="series" data-drawable="${path.drawable}" stroke="${colour}" d="${path.d}">` +
      `<title>${escapeHtml(spec.lines[index]!.label)}</title></path>`
    );
  });
  const clipId = `${elementId}-clip`;
  const empty =
    values.length === 0
      ? `<text class="no-data" x="${CHART_LAYOUT.marginLeft + PLOT_WIDTH / 2}" ` +
        `y="${CHART_LAYOUT.marginTop + PLOT_HEIGHT / 2}">no data</text>`
      : "";
  const svg =
    `<svg class="chart" data-chart="${elementId}" data-series-drawable="${drawableLines}" ` +
    `viewBox="0 0 ${CHART_LAYOUT.width} ${CHART_LAYOUT.height}" role="img" ` +
    `aria-labelledby="${elementId}-title ${elementId}-desc">` +
    `<title id="${elementId}-title">${escapeHtml(spec.title)}</title>` +
    `<desc id="${elementId}-desc">${escapeHtml(description(spec, sorted, clock, domain))}</desc>` +
    `<defs><clipPath id="${clipId}"><rect x="${CHART_LAYOUT.marginLeft}" y="${CHART_LAYOUT.marginTop}" ` +
    `width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}"/></clipPath></defs>` +
    axesSvg(scale, ticks, domain, spec.unit) +
    markerSvg([...sharedMarkers, ...chartMarkers], domain) +
    `<g class="lines" clip-path="url(#${clipId})">${paths.join("")}</g>${empty}</svg>`;
  const html =
    `<figure class="chart-card" id="${elementId}"><figcaption><h3>${escapeHtml(spec.title)}` +
    ` <span class="unit">${escapeHtml(spec.unit)}${log ? ", log scale" : ""}</span></h3></figcaption>` +
    legendHtml(spec, chartMarkers) +
    svg +
    dataTable(spec, sorted, ticks, clock) +
    `</figure>`;
  return { html, drawableLines };
}
