export { MetricsRecorder, type RecorderOptions, type FamilyView } from "./recorder.js";
export {
  validateDefinition,
  type MetricDefinition,
  type MetricType,
  type LabelValues,
} from "./definitions.js";
export type { CounterHandle, GaugeHandle, HistogramHandle } from "./handles.js";
export { SamplingWindows, MAX_WINDOWS } from "./sampling-windows.js";
export type { CounterReader } from "./counter-series.js";
export type { GaugeReader, GaugeWindowStats, GaugeRunStats } from "./gauge-series.js";
export type { HistogramReader, HistogramWindowData, HistogramRunData } from "./histogram-series.js";
export { bucketQuantile, cumulate } from "./histogram-quantile.js";
export {
  groupSeries,
  matchesFilter,
  type LabelFilter,
  type Selection,
  type SeriesGroup,
} from "./label-selection.js";
export { compareCodePoints } from "./label-order.js";
export {
  counterWindows,
  gaugeWindows,
  histogramWindows,
  counterTotals,
  gaugeTotals,
  histogramTotals,
  recorderTotals,
  type WindowPoint,
  type WindowSeries,
  type CounterMeasure,
  type GaugeStatistic,
  type GaugeAggregation,
  type HistogramStatistic,
  type CounterTotal,
  type GaugeTotal,
  type HistogramTotal,
  type QuantileValue,
  type FamilyTotals,
} from "./summaries.js";
export {
  prometheusText,
  escapeLabelValue,
  escapeHelp,
  PROMETHEUS_TEXT_CONTENT_TYPE,
} from "./exposition.js";
export { formatGoFloat } from "./go-float.js";
export {
  kubernetesMetricDefinitions,
  declareKubernetesMetrics,
  KUBERNETES_METRIC,
  TARGET_LABEL_NAMES,
  REQUEST_DURATION_BUCKETS,
  FLOWCONTROL_DURATION_BUCKETS,
  type KubernetesMetricDefinition,
  type KubernetesMetricsVersion,
  type StabilityLevel,
} from "./kubernetes-metrics.js";
