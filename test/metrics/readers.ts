import assert from "node:assert/strict";
import type {
  CounterReader,
  GaugeReader,
  HistogramReader,
  MetricsRecorder,
} from "../../src/metrics/index.js";

export function counterSeries(recorder: MetricsRecorder, name: string): readonly CounterReader[] {
  const family = recorder.family(name);
  assert.ok(family?.type === "counter", `${name} is a declared counter`);
  return family.series;
}

export function gaugeSeries(recorder: MetricsRecorder, name: string): readonly GaugeReader[] {
  const family = recorder.family(name);
  assert.ok(family?.type === "gauge", `${name} is a declared gauge`);
  return family.series;
}

export function histogramSeries(
  recorder: MetricsRecorder,
  name: string,
): readonly HistogramReader[] {
  const family = recorder.family(name);
  assert.ok(family?.type === "histogram", `${name} is a declared histogram`);
  return family.series;
}
