/** Shared helpers of the preflight tests: analyse a fixture, find a workload's report. */
import { join } from "node:path";
import { FIXTURES } from "../paths.js";
import {
  analyseManifests,
  DEFAULT_CONTROL_PLANE,
  readManifests,
  type ControlPlane,
  type PreflightResult,
  type WorkloadReport,
} from "../../src/preflight/index.js";

export const PREFLIGHT_FIXTURES = join(FIXTURES, "preflight");

export function fixture(name: string): string {
  return join(PREFLIGHT_FIXTURES, name);
}

export function analyse(paths: string[], plane: Partial<ControlPlane> = {}): PreflightResult {
  return analyseManifests(readManifests(paths), { plane: { ...DEFAULT_CONTROL_PLANE, ...plane } });
}

export function workloadNamed(result: PreflightResult, name: string): WorkloadReport {
  const found = result.workloads.find((w) => w.workload.name === name);
  if (found === undefined) {
    throw new Error(
      `no workload ${name}; found ${result.workloads.map((w) => w.workload.name).join(", ")}`,
    );
  }
  return found;
}

export function findingIds(report: WorkloadReport): string[] {
  return report.findings.map((f) => f.id);
}

export function scopeOf(report: WorkloadReport, resource: string): string | undefined {
  return report.pattern.calls.find((c) => c.resource === resource)?.scope;
}
