/** The report's HTML, checked in Node: escaping, time axes, scales, ratings, structure. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  escapeHtml,
  rateComparison,
  renderReportHtml,
  reportTimeDomain,
  timelineVerdict,
  WallClock,
  type ChartSpec,
  type ReportInput,
} from "../../src/report/html/index.js";
import { downsample } from "../../src/report/html/line-chart.js";
import { linearScale, logScale } from "../../src/report/html/scale.js";
import {
  HOSTILE_TEXT,
  SAMPLE_START_ISO,
  SAMPLE_TIME_ZONE,
  at,
  sampleReportInput,
} from "./sample.js";

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

function minimalInput(charts: ChartSpec[]): ReportInput {
  return {
    title: "t",
    subtitle: "s",
    timeZone: "UTC",
    startIso: "2024-12-11T00:00:00Z",
    timeline: [],
    charts,
    events: [],
    summary: [],
    notes: [],
  };
}

function seriesPaths(html: string): string[] {
  return [...html.matchAll(/<path class="series"[^>]* d="([^"]*)"/g)].map((m) => m[1]!);
}

test("escapeHtml leaves no markup characters and round-trips", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (text) => {
      const escaped = escapeHtml(text);
      assert.doesNotMatch(escaped, /[<>"']/);
      assert.doesNotMatch(escaped, /&(?!amp;|lt;|gt;|quot;|#39;)/);
      assert.equal(unescape(escaped), text);
    }),
  );
});

test("user text never reaches the page as markup", () => {
  const html = renderReportHtml(sampleReportInput());
  assert.ok(!html.includes(HOSTILE_TEXT), "hostile text appears unescaped");
  assert.ok(!html.includes("<b>not bold</b>"));
  assert.ok(html.includes(escapeHtml(HOSTILE_TEXT)));
  assert.equal((html.match(/<script>/g) ?? []).length, 1, "only the page's own script");
});

test("the page references nothing outside itself", () => {
  const html = renderReportHtml(sampleReportInput());
  assert.doesNotMatch(
    html,
    /\b(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i,
  );
  assert.doesNotMatch(html, /url\(\s*["']?\s*(?!#)/i, "CSS url() other than a fragment");
  assert.doesNotMatch(html, /@import/i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

test("one chart figure per chart, with title, description and data table", () => {
  const input = sampleReportInput();
  const html = renderReportHtml(input);
  assert.equal((html.match(/<svg class="chart"/g) ?? []).length, input.charts.length);
  assert.equal((html.match(/<details class="data">/g) ?? []).length, input.charts.length);
  for (const chart of input.charts) {
    assert.match(html, new RegExp(`<figure class="chart-card" id="chart-${chart.id}"`));
  }
  assert.equal(
    seriesPaths(html).length,
    input.charts.reduce((n, c) => n + c.lines.length, 0),
  );
  assert.match(html, /data-charts-expected="5"/);
});

test("wall-clock labels follow the time zone", () => {
  const clock = new WallClock(SAMPLE_START_ISO, SAMPLE_TIME_ZONE);
  assert.equal(clock.clock(0), "14:00");
  assert.equal(clock.clock(at("15:13") + 20, true), "15:13:20");
  assert.equal(clock.zoneAbbreviation(), "PST");
  assert.equal(new WallClock(SAMPLE_START_ISO, "Europe/Paris").clock(0), "23:00");
  assert.throws(() => new WallClock(SAMPLE_START_ISO, "Mars/Olympus_Mons"), RangeError);
  assert.throws(() => new WallClock("yesterday", "UTC"), RangeError);
});

test("ticks fall on round local times, also in a half-hour zone and across a DST change", () => {
  const kolkata = new WallClock("2024-12-11T10:07:00Z", "Asia/Kolkata");
  const ticks = kolkata.ticks(0, 6 * 3600);
  assert.ok(ticks.length >= 3 && ticks.length <= 12, `${ticks.length} ticks`);
  for (const tick of ticks) assert.match(tick.label, /:00$/);
  assert.equal(ticks[0]!.dayLabel, "Dec 11");

  // 2024-11-03 01:00 PDT → 01:00 PST in Los Angeles: labels stay on the hour and times increase.
  const dst = new WallClock("2024-11-02T20:00:00-07:00", "America/Los_Angeles");
  const dstTicks = dst.ticks(0, 12 * 3600);
  for (let i = 1; i < dstTicks.length; i++) {
    assert.ok(dstTicks[i]!.seconds > dstTicks[i - 1]!.seconds);
    assert.match(dstTicks[i]!.label, /:00$/);
  }
  assert.ok(
    dstTicks.some((t) => t.dayLabel === "Nov 3"),
    "the date changes at midnight",
  );

  // 2024-03-10 02:00 PST does not exist: no tick goes back to 01:00 or repeats a label.
  const spring = new WallClock("2024-03-09T20:00:00-08:00", "America/Los_Angeles");
  const springLabels = spring.ticks(0, 12 * 3600).map((t) => t.label);
  assert.equal(new Set(springLabels).size, springLabels.length, springLabels.join(" "));
  assert.ok(!springLabels.includes("01:00"), springLabels.join(" "));
});

test("the time domain spans every chart, event and milestone", () => {
  const input = sampleReportInput();
  input.events.push({ seconds: 7 * 3600, actor: "operator", detail: "late action" });
  const domain = reportTimeDomain(input);
  assert.equal(domain.from, 0);
  assert.equal(domain.to, 7 * 3600);
  assert.deepEqual(reportTimeDomain(minimalInput([])), { from: 0, to: 3600 });
});

test("linear and log scales cover the data with ordered ticks", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e9, noNaN: true }), { minLength: 1 }),
      (values) => {
        const scale = linearScale(values);
        for (const v of values) {
          const f = scale.fraction(v)!;
          assert.ok(f >= -1e-9 && f <= 1 + 1e-9, `value ${v} at ${f}`);
        }
        for (let i = 1; i < scale.ticks.length; i++)
          assert.ok(scale.ticks[i]! > scale.ticks[i - 1]!);
        assert.ok(scale.ticks.length >= 2);
      },
    ),
  );
  const log = logScale([0.05, 3, 60, 0, -1]);
  assert.deepEqual(log.ticks, [0.01, 0.1, 1, 10, 100]);
  assert.equal(log.fraction(0), undefined);
  assert.ok(log.fraction(60)! > log.fraction(3)!);
  assert.equal(linearScale([0, 250], 100).max, 100);
});

test("null and non-finite values break a line; a log axis leaves out values <= 0", () => {
  const html = renderReportHtml(
    minimalInput([
      {
        id: "gaps",
        title: "gaps",
        unit: "x",
        lines: [
          {
            label: "a",
            points: [
              [0, 1],
              [10, 2],
              [20, null],
              [30, 3],
              [40, Number.NaN],
              [50, 4],
              [60, 5],
            ],
          },
        ],
      },
      {
        id: "log",
        title: "log",
        unit: "x",
        log: true,
        lines: [
          {
            label: "b",
            points: [
              [0, 1],
              [10, 0],
              [20, 10],
              [30, 100],
            ],
          },
        ],
      },
    ]),
  );
  const [gaps, log] = seriesPaths(html);
  assert.equal(gaps!.match(/M/g)!.length, 3, gaps);
  assert.match(gaps!, /l0 0/, "the lone point is drawn as a dot");
  assert.equal(log!.match(/M/g)!.length, 2, log);
});

test("a chart without data says so and is not counted as drawable", () => {
  const html = renderReportHtml(
    minimalInput([
      { id: "empty", title: "empty", unit: "x", lines: [{ label: "a", points: [[0, null]] }] },
    ]),
  );
  assert.match(html, /data-series-drawable="0"/);
  assert.match(html, />no data</);
});

test("duplicate or odd chart ids become unique, safe element ids", () => {
  const chart = (id: string): ChartSpec => ({ id, title: id, unit: "x", lines: [] });
  const html = renderReportHtml(minimalInput([chart("a"), chart("a"), chart('"><b>')]));
  const ids = [...html.matchAll(/<figure class="chart-card" id="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, ["chart-a", "chart-a-2", "chart-b"]);
});

test("downsampling keeps every peak and trough", () => {
  const points: [number, number | null][] = [];
  for (let t = 0; t < 100_000; t++) points.push([t, Math.sin(t / 50)]);
  points[61_234] = [61_234, 50];
  points[7_000] = [7_000, -50];
  const kept = downsample(points, { from: 0, to: 100_000 }, false);
  assert.ok(kept.length < 5000, `${kept.length} points kept`);
  assert.ok(kept.some(([t, v]) => t === 61_234 && v === 50));
  assert.ok(kept.some(([t, v]) => t === 7_000 && v === -50));
  for (let i = 1; i < kept.length; i++) assert.ok(kept[i]![0] >= kept[i - 1]![0]);
});

test("comparison cells are rated against the first row in each column's direction", () => {
  const ratings = rateComparison({
    columns: [
      { key: "errors", label: "error minutes", unit: "min" },
      { key: "access", label: "admin access", better: "higher" },
      { key: "label", label: "label", better: "none" },
    ],
    rows: [
      { variant: "as happened", description: "", values: { errors: 200, access: 5, label: "x" } },
      { variant: "a", description: "", values: { errors: 50, access: 5, label: "y" } },
      { variant: "b", description: "", values: { errors: 300, access: 90, label: 3 } },
      { variant: "c", description: "", values: { errors: null, access: 1, label: 1 } },
    ],
  });
  assert.deepEqual(
    ratings.map((row) => row.map((cell) => `${cell.relative}${cell.best ? "*" : ""}`)),
    [
      ["baseline", "baseline", "unrated"],
      ["better*", "same", "unrated"],
      ["worse", "better*", "unrated"],
      ["unrated", "worse", "unrated"],
    ],
  );
});

test("timeline verdicts compare the difference with the tolerance", () => {
  assert.equal(
    timelineVerdict({
      event: "e",
      publishedSeconds: 600,
      simulatedSeconds: 900,
      toleranceMinutes: 5,
    }),
    "match",
  );
  assert.equal(
    timelineVerdict({
      event: "e",
      publishedSeconds: 600,
      simulatedSeconds: 901,
      toleranceMinutes: 5,
    }),
    "miss",
  );
  assert.equal(
    timelineVerdict({ event: "e", publishedSeconds: 600, simulatedSeconds: 0 }),
    "unchecked",
  );
  assert.equal(timelineVerdict({ event: "e", publishedSeconds: 600 }), "not-reached");
  assert.equal(timelineVerdict({ event: "e", simulatedSeconds: 600 }), "simulated-only");
  assert.equal(timelineVerdict({ event: "e" }), "none");
});

test("the same seed renders the same page", () => {
  assert.equal(renderReportHtml(sampleReportInput(7)), renderReportHtml(sampleReportInput(7)));
});
