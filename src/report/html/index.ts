export { renderReportHtml, reportTimeDomain } from "./render.js";
export { escapeHtml } from "./escape.js";
export { WallClock, type TimeTick } from "./time-axis.js";
export { rateComparison, type CellRating } from "./tables.js";
export { timelineVerdict, type TimelineVerdict } from "./timeline.js";
export type {
  ChartLine,
  ChartMarker,
  ChartSpec,
  Comparison,
  ComparisonColumn,
  ComparisonRow,
  ReportEvent,
  ReportInput,
  TimelineEntry,
} from "./types.js";
