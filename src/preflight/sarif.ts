/** Findings as SARIF 2.1.0 for code scanning: one rule per finding id, one result per finding. */
import { isAbsolute, relative } from "node:path";
import type { PreflightResult } from "./analyse.js";
import { FINDING_RULES } from "./findings.js";
import type { Severity } from "./types.js";

const LEVELS: Record<Severity, "note" | "warning" | "error"> = {
  info: "note",
  warning: "warning",
  error: "error",
};

/** Code scanning resolves URIs against the checkout: relative to the working directory when inside it. */
function artifactUri(file: string): string {
  const inside = isAbsolute(file) ? relative(process.cwd(), file) : file;
  const uri = inside.startsWith("..") || isAbsolute(inside) ? file : inside;
  return uri.replace(/\\/g, "/").replace(/^\.\//, "");
}

export function preflightSarif(result: PreflightResult, toolVersion: string): string {
  const rules = Object.values(FINDING_RULES).map((rule) => ({
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.summary },
    help: { text: rule.remediation },
  }));
  const results = [
    ...result.findings.map((finding) => ({
      ruleId: finding.id,
      ruleIndex: rules.findIndex((r) => r.id === finding.id),
      level: LEVELS[finding.severity],
      message: { text: `${finding.workload}: ${finding.message}. Fix: ${finding.remediation}` },
      // What the verdict rests on: recognised (an entry), declared (annotation) or assumed.
      properties: { basis: finding.basis },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(finding.location.file) },
            region: {
              startLine: Math.max(1, finding.location.line),
              startColumn: Math.max(1, finding.location.column),
            },
          },
        },
      ],
    })),
  ];
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kubestorm preflight",
            version: toolVersion,
            rules,
          },
        },
        results,
        invocations: [
          {
            executionSuccessful: result.workloads.length > 0 || result.diagnostics.length === 0,
            toolExecutionNotifications: result.diagnostics.map((d) => ({
              level: "error",
              message: { text: `${d.path === "" ? "" : `${d.path}: `}${d.message}` },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: artifactUri(d.file) },
                    region: { startLine: Math.max(1, d.line), startColumn: Math.max(1, d.column) },
                  },
                },
              ],
            })),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
