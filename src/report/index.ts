export {
  ARTEFACT_NAMES,
  OutputPathError,
  OutputWriteError,
  prepareArtefacts,
  writeFileAtomic,
  type ArtefactStage,
} from "./artefacts.js";
export { runResultJson, runResultTable } from "./run-summary.js";
export { renderReportHtml, type ReportInput } from "./html/index.js";
export { replayReportInput } from "./replay-report.js";
export {
  comparisonTable,
  comparisonText,
  type VariantRun,
  type ComparisonTable,
} from "./comparison.js";
export { timelineRows, measureSeconds, type TimelineRow } from "./timeline.js";
export { timelineTable, outcomeSummary } from "./replay-summary.js";
