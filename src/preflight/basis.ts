/**
 * What a verdict rests on: a knowledge-base entry that recognised the workload, the workload's
 * own declaration (the api-calls annotation), or an assumption, with how confident it is.
 * Findings on an assumption are warnings; `--strict` makes them fail CI.
 */
import type { AccessPattern } from "./types.js";

export type BasisKind = "recognised" | "declared" | "assumed";

export interface Basis {
  kind: BasisKind;
  /** The knowledge-base entry, when recognised. */
  entry?: string;
  confidence: "high" | "medium" | "low";
}

export function basisOf(pattern: AccessPattern): Basis {
  if (pattern.source === "annotation") return { kind: "declared", confidence: "high" };
  if (pattern.entry !== undefined) {
    return { kind: "recognised", entry: pattern.entry, confidence: pattern.confidence ?? "high" };
  }
  // Generic node scoping is evidence for one call, not for the rest of the pattern.
  return {
    kind: "assumed",
    confidence: pattern.source === "node-scoping" ? "medium" : "low",
  };
}

export function basisText(basis: Basis): string {
  switch (basis.kind) {
    case "recognised":
      return `recognised: ${basis.entry ?? "?"} (${basis.confidence})`;
    case "declared":
      return "declared (annotation)";
    case "assumed":
      return `assumed (${basis.confidence})`;
  }
}
