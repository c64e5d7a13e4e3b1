/**
 * Series handles: plain numbers at run time (an index into the recorder's series of that type),
 * branded at compile time so a gauge handle cannot be passed where a counter is expected.
 */

declare const seriesKind: unique symbol;

export type CounterHandle = number & { readonly [seriesKind]: "counter" };
export type GaugeHandle = number & { readonly [seriesKind]: "gauge" };
export type HistogramHandle = number & { readonly [seriesKind]: "histogram" };
