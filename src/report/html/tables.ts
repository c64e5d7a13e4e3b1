/** The report's tables: headline numbers, operator events, mitigation comparison, notes. */
import { escapeHtml } from "./escape.js";
import { formatNumber } from "./format.js";
import { sortedEvents } from "./markers.js";
import type { WallClock } from "./time-axis.js";
import type { Comparison, ReportInput } from "./types.js";

export function renderSummary(summary: ReportInput["summary"]): string {
  const cards = summary.map(
    (item) =>
      `<div class="stat"><div class="stat-value">${escapeHtml(item.value)}</div>` +
      `<div class="stat-label">${escapeHtml(item.label)}</div></div>`,
  );
  return `<div class="stats">${cards.join("")}</div>`;
}

export function renderEventsTable(input: ReportInput, clock: WallClock): string {
  const rows = sortedEvents(input).map((event, index) => {
    const outcome =
      event.ok === true
        ? `<span class="pill pill-match">ok</span>`
        : event.ok === false
          ? `<span class="pill pill-miss">failed</span>`
          : "–";
    const time = Number.isFinite(event.seconds) ? clock.clock(event.seconds, true) : "–";
    return (
      `<tr><td class="num">${index + 1}</td><td class="num">${escapeHtml(time)}</td>` +
      `<td>${escapeHtml(event.cluster ?? "–")}</td><td>${escapeHtml(event.actor)}</td>` +
      `<td>${escapeHtml(event.detail)}</td><td>${outcome}</td></tr>`
    );
  });
  return (
    `<div class="table-wrap"><table class="events-table"><caption>Operator, pipeline and alert ` +
    `events in time order; # is the badge on the charts</caption>` +
    `<thead><tr><th scope="col">#</th><th scope="col">time</th><th scope="col">cluster</th>` +
    `<th scope="col">actor</th><th scope="col">detail</th><th scope="col">outcome</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>`
  );
}

/** How a comparison cell compares with the baseline (the first row) and the column's best. */
export interface CellRating {
  relative: "baseline" | "better" | "worse" | "same" | "unrated";
  best: boolean;
}

/** Ratings per row and column, in the comparison's column order. */
export function rateComparison(comparison: Comparison): CellRating[][] {
  const ratings = comparison.rows.map(() =>
    comparison.columns.map((): CellRating => ({ relative: "unrated", best: false })),
  );
  comparison.columns.forEach((column, c) => {
    const direction = column.better ?? "lower";
    if (direction === "none") return;
    const sign = direction === "lower" ? 1 : -1;
    const numeric = comparison.rows.map((row) => {
      const value = row.values[column.key];
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
    });
    const present = numeric.filter((v): v is number => v !== undefined);
    if (present.length < 2) return;
    const best = sign > 0 ? Math.min(...present) : Math.max(...present);
    const distinct = new Set(present).size > 1;
    const baseline = numeric[0];
    numeric.forEach((value, r) => {
      if (value === undefined) return;
      const rating = ratings[r]![c]!;
      rating.best = distinct && value === best;
      if (r === 0) rating.relative = "baseline";
      else if (baseline === undefined) rating.relative = "unrated";
      else if (value === baseline) rating.relative = "same";
      else rating.relative = sign * (value - baseline) < 0 ? "better" : "worse";
    });
  });
  return ratings;
}

export function renderComparisonTable(comparison: Comparison): string {
  const ratings = rateComparison(comparison);
  const header = comparison.columns.map((column) => {
    const unit =
      column.unit !== undefined && column.unit !== ""
        ? ` <span class="unit">(${escapeHtml(column.unit)})</span>`
        : "";
    const direction = column.better ?? "lower";
    const hint =
      direction === "none"
        ? ""
        : ` <span class="direction" title="${direction} is better">${direction === "lower" ? "↓" : "↑"}</span>`;
    return `<th scope="col" class="num">${escapeHtml(column.label)}${unit}${hint}</th>`;
  });
  const rows = comparison.rows.map((row, r) => {
    const cells = comparison.columns.map((column, c) => {
      const value = row.values[column.key];
      const rating = ratings[r]![c]!;
      const classes = ["num", `cell-${rating.relative}`];
      if (rating.best) classes.push("cell-best");
      const text =
        value === null || value === undefined
          ? "–"
          : typeof value === "number"
            ? formatNumber(value)
            : value;
      return `<td class="${classes.join(" ")}">${escapeHtml(text)}</td>`;
    });
    return (
      `<tr${r === 0 ? ` class="baseline-row"` : ""}><th scope="row"><div class="variant">` +
      `${escapeHtml(row.variant)}</div><div class="variant-description">${escapeHtml(row.description)}` +
      `</div></th>${cells.join("")}</tr>`
    );
  });
  return (
    `<div class="table-wrap"><table class="comparison-table"><caption>Each variant against the ` +
    `first row: <span class="key key-better">better</span> <span class="key key-worse">worse</span> ` +
    `<span class="key key-best">best in column</span>; arrows show which direction is better</caption>` +
    `<thead><tr><th scope="col">variant</th>${header.join("")}</tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>`
  );
}

export function renderNotes(notes: string[]): string {
  return `<ul class="notes">${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("")}</ul>`;
}
