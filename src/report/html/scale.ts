/** Value axes: linear with "nice" ticks (1, 2, 2.5, 5 × 10^k) or logarithmic by decades. */

export interface ValueScale {
  /** Maps a value to [0, 1] along the axis; undefined for values the axis cannot show. */
  fraction(value: number): number | undefined;
  ticks: number[];
  min: number;
  max: number;
}

function niceStep(range: number, targetCount: number): number {
  const raw = range / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const nice =
    normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** A linear axis from min(0, data) up to `fixedMax` or the data rounded up to a nice tick. */
export function linearScale(values: number[], fixedMax?: number, targetTicks = 5): ValueScale {
  let dataMin = 0;
  let dataMax = 0;
  for (const v of values) {
    if (v < dataMin) dataMin = v;
    if (v > dataMax) dataMax = v;
  }
  let max = fixedMax ?? dataMax;
  // A range too small for floating point (or empty) gets a unit span instead.
  if (!(max - dataMin > Math.max(Math.abs(max), Math.abs(dataMin), 1) * 1e-12)) max = dataMin + 1;
  const step = niceStep(max - dataMin, targetTicks);
  const min = Math.floor(dataMin / step) * step;
  if (fixedMax === undefined) max = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; i <= targetTicks * 4; i++) {
    // Rounding to the step's precision avoids labels like 0.30000000000000004.
    const tick = Number((min + i * step).toPrecision(12));
    if (tick > max + step * 1e-9) break;
    ticks.push(tick);
  }
  return {
    min,
    max,
    ticks,
    fraction: (value) => (value - min) / (max - min),
  };
}

/** A log axis over whole decades covering the positive values (or up to `fixedMax`). */
export function logScale(values: number[], fixedMax?: number): ValueScale {
  let positiveMin = Infinity;
  let positiveMax = 0;
  for (const v of values) {
    if (v > 0 && v < positiveMin) positiveMin = v;
    if (v > positiveMax) positiveMax = v;
  }
  // Below 1e-300 decades stop being representable; such values sit at the bottom of the axis.
  positiveMin = Math.max(positiveMin, 1e-300);
  if (!Number.isFinite(positiveMin) || positiveMax <= 0) {
    positiveMin = 1;
    positiveMax = 10;
  }
  const lowDecade = Math.floor(Math.log10(positiveMin));
  let highDecade = Math.ceil(
    Math.log10(fixedMax !== undefined && fixedMax > 0 ? fixedMax : positiveMax),
  );
  if (highDecade <= lowDecade) highDecade = lowDecade + 1;
  const decades = highDecade - lowDecade;
  const every = Math.ceil(decades / 8);
  const ticks: number[] = [];
  for (let d = lowDecade; d <= highDecade; d += every)
    ticks.push(Number((10 ** d).toPrecision(12)));
  const min = 10 ** lowDecade;
  const max = fixedMax !== undefined && fixedMax > 0 ? fixedMax : 10 ** highDecade;
  const logMin = Math.log10(min);
  const logSpan = Math.log10(max) - logMin;
  return {
    min,
    max,
    ticks: ticks.filter((t) => t <= max * (1 + 1e-9)),
    fraction: (value) => (value > 0 ? (Math.log10(value) - logMin) / logSpan : undefined),
  };
}
