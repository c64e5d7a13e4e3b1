/** The page's only stylesheet, inlined: the report must open with no network access. */
export const REPORT_CSS = `
:root {
  --ink: #1d2330; --muted: #5d6677; --faint: #8a93a3; --line: #e3e6ec; --bg: #f5f6f8;
  --card: #ffffff; --accent: #0a6fc2; --good: #12805c; --good-bg: #e3f4ec; --bad: #b3261e;
  --bad-bg: #fbe7e5; --published: #39404d; --chart-marker: #8a4fb3;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body {
  margin: 0; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Liberation Sans", "DejaVu Sans", sans-serif; -webkit-text-size-adjust: 100%;
}
header.page {
  background: #16202e; color: #f4f6fa; padding: 28px 40px 22px;
}
header.page h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
header.page .subtitle { color: #b9c3d3; font-size: 14px; }
header.page .start { color: #8d9ab0; font-size: 13px; margin-top: 6px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 18px; margin-top: 14px; font-size: 13px; }
nav.toc a { color: #cfe2ff; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 32px 48px; }
section { margin-top: 26px; }
h2 { font-size: 19px; margin: 0 0 10px; font-weight: 650; }
h3 { font-size: 15px; margin: 0; font-weight: 600; }
.unit { color: var(--muted); font-weight: 400; font-size: 0.92em; }
.card, .chart-card {
  background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px;
  box-shadow: 0 1px 2px rgba(20, 30, 50, 0.04);
}
.chart-card { margin: 0 0 16px; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.stat-value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.stat-label { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 8px 0 2px; padding: 0; font-size: 13px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 16px; height: 3px; border-radius: 2px; }
.marker-legend { margin: 0 0 14px; font-size: 12.5px; color: var(--muted); }
.marker-legend .legend { margin: 0; font-size: 12.5px; }
.badge-key {
  display: inline-block; min-width: 20px; padding: 0 4px; border-radius: 3px; color: #fff;
  font-size: 11px; font-weight: 600; text-align: center; line-height: 16px;
}
.badge-published { background: var(--published); }
.badge-event { background: var(--accent); }
.badge-ok { background: var(--good); }
.badge-failed { background: var(--bad); }
.badge-chart { background: var(--chart-marker); }
svg.chart, svg.timeline-chart { display: block; width: 100%; height: auto; overflow: visible; }
svg text { font-family: inherit; fill: var(--muted); font-size: 12px; }
svg .grid { stroke: #eceef2; stroke-width: 1; }
svg .axis { stroke: #9aa3b2; stroke-width: 1; }
svg .y-tick { text-anchor: end; font-variant-numeric: tabular-nums; }
svg .y-unit { text-anchor: end; font-weight: 600; fill: var(--ink); }
svg .x-tick { text-anchor: middle; font-variant-numeric: tabular-nums; }
svg .x-day { text-anchor: middle; fill: var(--faint); font-size: 11px; }
svg .series { fill: none; stroke-width: 1.9; stroke-linejoin: round; stroke-linecap: round; }
svg .no-data { text-anchor: middle; fill: var(--faint); font-size: 14px; }
svg .marker line { stroke-width: 1; opacity: 0.55; }
svg .marker-published line { stroke: var(--published); stroke-dasharray: 4 3; }
svg .marker-event line { stroke: var(--accent); }
svg .marker-event-ok line { stroke: var(--good); }
svg .marker-event-failed line { stroke: var(--bad); }
svg .marker-chart line { stroke: var(--chart-marker); stroke-dasharray: 1 3; opacity: 0.9; stroke-width: 1.4; }
svg .badge { fill: var(--accent); }
svg .marker-published .badge { fill: var(--published); }
svg .marker-event-ok .badge { fill: var(--good); }
svg .marker-event-failed .badge { fill: var(--bad); }
svg .marker-chart .badge { fill: var(--chart-marker); }
svg .badge-text { fill: #fff; font-size: 10.5px; font-weight: 600; text-anchor: middle; }
svg .marker:hover line { opacity: 1; stroke-width: 2; }
svg .row-band { fill: #f7f8fa; }
svg .row-label { text-anchor: end; fill: var(--ink); font-size: 12.5px; }
svg .tolerance { fill: #dfeee6; }
svg .connector { stroke: #9aa3b2; stroke-width: 2; }
svg .published { fill: none; stroke: var(--published); stroke-width: 2; }
svg .simulated { stroke: #fff; stroke-width: 1.5; fill: var(--accent); }
svg .verdict-match { fill: var(--good); }
svg .verdict-miss, svg .verdict-not-reached { fill: var(--bad); }
.timeline-key { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 12.5px; color: var(--muted); margin: 0 0 8px; }
.timeline-key span { display: inline-flex; align-items: center; gap: 6px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; }
.dot-published { border: 2px solid var(--published); background: #fff; }
.dot-match { background: var(--good); }
.dot-miss { background: var(--bad); }
.dot-other { background: var(--accent); }
.band { display: inline-block; width: 18px; height: 10px; border-radius: 3px; background: #dfeee6; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: var(--card); font-size: 13px; }
caption { caption-side: top; text-align: left; color: var(--muted); font-size: 12.5px; padding: 0 0 6px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: #f0f2f5; font-weight: 600; color: #3a4252; border-bottom: 1px solid #d9dde4; vertical-align: bottom; }
tbody tr:hover { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.card > .table-wrap > table, .card table { border: 0; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; background: #eef0f3; color: var(--muted); }
.pill-match { background: var(--good-bg); color: var(--good); }
.pill-miss, .pill-not-reached { background: var(--bad-bg); color: var(--bad); }
.comparison-table th[scope="row"] { min-width: 220px; }
.variant { font-weight: 600; }
.variant-description { color: var(--muted); font-weight: 400; font-size: 12.5px; }
.baseline-row { background: #f7f8fa; }
td.cell-better { background: var(--good-bg); color: var(--good); }
td.cell-worse { background: var(--bad-bg); color: var(--bad); }
td.cell-best { font-weight: 700; box-shadow: inset 0 0 0 2px var(--good); }
.direction { color: var(--faint); font-weight: 400; }
.key { display: inline-block; padding: 0 6px; border-radius: 3px; margin-right: 4px; }
.key-better { background: var(--good-bg); color: var(--good); }
.key-worse { background: var(--bad-bg); color: var(--bad); }
.key-best { box-shadow: inset 0 0 0 2px var(--good); font-weight: 700; }
details.data { margin-top: 6px; font-size: 13px; }
details.data summary { cursor: pointer; color: var(--accent); }
details.data table { margin-top: 6px; }
.notes { margin: 0; padding-left: 20px; }
.notes li { margin: 4px 0; }
footer { color: var(--faint); font-size: 12px; text-align: center; padding: 0 0 28px; }
@media print {
  html, body { background: #fff; }
  header.page { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink); }
  header.page .subtitle, header.page .start { color: var(--muted); }
  nav.toc, details.data summary { display: none; }
  .chart-card, .card { break-inside: avoid; box-shadow: none; }
}
`;

/**
 * Runs after the SVGs are laid out: counts the charts whose every drawable line has a non-empty
 * geometry in the browser, so a headless test can tell drawn charts from broken markup.
 */
export const RENDER_CHECK_SCRIPT = `
(function () {
  var rendered = 0;
  var charts = document.querySelectorAll("svg.chart");
  for (var i = 0; i < charts.length; i++) {
    var svg = charts[i];
    var drawn = 0;
    var paths = svg.querySelectorAll("path.series[data-drawable=true]");
    for (var j = 0; j < paths.length; j++) {
      var box = paths[j].getBBox();
      if (paths[j].getTotalLength() > 0 && (box.width > 0 || box.height > 0)) drawn++;
    }
    svg.setAttribute("data-series-drawn", String(drawn));
    if (drawn === Number(svg.getAttribute("data-series-drawable"))) rendered++;
  }
  document.body.setAttribute("data-charts-rendered", String(rendered));
})();
`;
