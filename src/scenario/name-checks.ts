/**
 * Checks across the items of a scenario that the schema cannot express: names that must be
 * unique in their list, and pipeline waves that must fit the classes they name.
 */

type Report = (segments: (string | number)[], message: string) => void;

/** Reports every item whose name an earlier item of the same list already has. */
export function reportDuplicateNames<T extends { name: string }>(
  items: readonly T[],
  path: readonly (string | number)[],
  what: string,
  report: Report,
  key: (item: T) => string = (item) => item.name,
): void {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const previous = first.get(key(item));
    if (previous === undefined) first.set(key(item), index);
    else {
      report(
        [...path, index, "name"],
        `duplicate ${what} name ${JSON.stringify(item.name)} (also ${formatIndex(path, previous)}); names must be unique`,
      );
    }
  });
}

function formatIndex(path: readonly (string | number)[], index: number): string {
  return `${path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("")}[${index}]`;
}

/**
 * Each wave takes clusters of a class from those earlier waves left: a wave may not ask for more
 * than remain, nor name a class an earlier wave took in full (the fleet planner would otherwise
 * clamp the count, or give the wave nothing, without a word).
 */
export function checkWaveCounts(
  waves: readonly { clusters: Record<string, number | "all"> }[],
  clusters: readonly { name: string; count: number }[],
  path: readonly (string | number)[],
  report: Report,
): void {
  const remaining = new Map(clusters.map((c) => [c.name, c.count]));
  const takenAllIn = new Map<string, number>();
  waves.forEach((wave, index) => {
    for (const [name, wanted] of Object.entries(wave.clusters)) {
      const left = remaining.get(name);
      // An unknown class is reported by resolvePipeline; a count of 0 takes nothing.
      if (left === undefined || wanted === 0) continue;
      const at = [...path, index, "clusters", name];
      const count = clusters.find((c) => c.name === name)?.count ?? 0;
      if (left === 0) {
        const all = takenAllIn.get(name);
        report(
          at,
          `class ${JSON.stringify(name)} has no clusters left for this wave: ` +
            (all !== undefined
              ? `wave ${all + 1} took all ${count}`
              : `earlier waves took all ${count}`),
        );
        continue;
      }
      if (wanted === "all") {
        remaining.set(name, 0);
        takenAllIn.set(name, index);
      } else if (wanted > left) {
        report(
          at,
          `expected at most ${left} clusters of class ${JSON.stringify(name)}, found ${wanted} ` +
            `(the class has ${count}${left < count ? `, ${count - left} taken by earlier waves` : ""})`,
        );
        remaining.set(name, 0);
      } else remaining.set(name, left - wanted);
    }
  });
}
