/**
 * The scenario's data plane and operations sections with units resolved (seconds, bytes) and
 * the cross-references checked: services a service depends on, sources it downloads from, the
 * agent the pipeline rolls out, the classes its waves name.
 */
import type { Static } from "@sinclair/typebox";
import { TIMELINE_MEASURES } from "./operations-schema.js";
import type {
  AlertsSchema,
  CalibrationSchema,
  DnsSchema,
  OperatorsSchema,
  PipelineSchema,
  TrafficSchema,
  WorkloadsSchema,
} from "./operations-schema.js";
import { LIMITS } from "./schema.js";
import {
  checkedDuration,
  checkedQuantity,
  type ClusterClass,
  type Report,
} from "./resolve-cluster.js";
import type {
  AlertSettings,
  CacheSettings,
  DelaySettings,
  DnsSettings,
  GateSettings,
  OperatorSettings,
  PipelineSettings,
  ServiceSettings,
  WorkloadSettings,
} from "./operations-settings.js";
import { checkWaveCounts, reportDuplicateNames } from "./name-checks.js";

type Path = (string | number)[];

const MAX = LIMITS.maxDurationSeconds;

function seconds(
  text: string | undefined,
  path: Path,
  report: Report,
  min = 0,
): number | undefined {
  return text === undefined ? undefined : checkedDuration(text, path, min, MAX, report);
}

function bytes(value: string | number, path: Path, report: Report): number {
  return checkedQuantity(value, path, 0, LIMITS.maxMemoryBytes * 1024, "bytes", report) ?? 0;
}

function cache(
  raw: Static<typeof DnsSchema>["cache"],
  path: Path,
  report: Report,
): CacheSettings | undefined {
  if (raw === undefined) return undefined;
  return {
    successSeconds: seconds(raw.success, [...path, "success"], report),
    denialSeconds: seconds(raw.denial, [...path, "denial"], report),
    serveStale:
      raw.serveStale === undefined
        ? undefined
        : {
            mode: raw.serveStale.mode ?? "immediate",
            durationSeconds:
              seconds(raw.serveStale.duration, [...path, "serveStale", "duration"], report) ?? 3600,
          },
    prefetch: raw.prefetch,
  };
}

export function resolveDns(
  raw: Static<typeof DnsSchema> | undefined,
  path: Path,
  report: Report,
): DnsSettings | undefined {
  if (raw === undefined) return undefined;
  return {
    coreDnsReplicas: raw.coreDnsReplicas,
    recordTtlSeconds: seconds(raw.recordTtl, [...path, "recordTtl"], report),
    capacityQps: raw.capacityQps,
    restartsPerReplicaPerHour: raw.restartsPerReplicaPerHour,
    cache: cache(raw.cache, [...path, "cache"], report),
    nodeLocal:
      raw.nodeLocal === undefined
        ? undefined
        : {
            enabled: raw.nodeLocal.enabled,
            cache: cache(raw.nodeLocal.cache, [...path, "nodeLocal", "cache"], report),
          },
  };
}

/** A class's DNS settings over the fleet's: the class wins field by field. */
export function mergeDns(
  fleet: DnsSettings | undefined,
  own: DnsSettings | undefined,
): DnsSettings {
  const pick = <T>(a: T | undefined, b: T | undefined) => (a === undefined ? b : a);
  return {
    coreDnsReplicas: pick(own?.coreDnsReplicas, fleet?.coreDnsReplicas),
    recordTtlSeconds: pick(own?.recordTtlSeconds, fleet?.recordTtlSeconds),
    capacityQps: pick(own?.capacityQps, fleet?.capacityQps),
    restartsPerReplicaPerHour: pick(
      own?.restartsPerReplicaPerHour,
      fleet?.restartsPerReplicaPerHour,
    ),
    cache: pick(own?.cache, fleet?.cache),
    nodeLocal: pick(own?.nodeLocal, fleet?.nodeLocal),
  };
}

export function resolveWorkloads(
  raw: Static<typeof WorkloadsSchema> | undefined,
  report: Report,
): WorkloadSettings | undefined {
  if (raw === undefined) return undefined;
  const path: Path = ["spec", "workloads"];
  reportDuplicateNames(raw.services, [...path, "services"], "service", report);
  reportDuplicateNames(raw.products, [...path, "products"], "product", report);
  reportDuplicateNames(raw.sources ?? [], [...path, "sources"], "source", report);
  const sourceNames = new Set((raw.sources ?? []).map((s) => s.name));
  const serviceNames = new Set(raw.services.map((s) => s.name));
  const services = raw.services.map((service, index): ServiceSettings => {
    const at: Path = [...path, "services", index];
    if ((service.replicas === undefined) === (service.replicasPerNode === undefined)) {
      report(at, "give exactly one of replicas and replicasPerNode");
    }
    (service.dependsOn ?? []).forEach((name, i) => {
      if (!serviceNames.has(name)) {
        report(
          [...at, "dependsOn", i],
          `no service named ${JSON.stringify(name)} in spec.workloads.services`,
        );
      }
    });
    return {
      name: service.name,
      replicas: service.replicas,
      replicasPerNode: service.replicasPerNode,
      dependsOn: service.dependsOn ?? [],
      requestsPerSecondPerPod: service.requestsPerSecondPerPod,
      startupSeconds: seconds(service.startup, [...at, "startup"], report),
      downloads: (service.downloads ?? []).map((download, i) => {
        if (!sourceNames.has(download.source)) {
          report(
            [...at, "downloads", i, "source"],
            `no source named ${JSON.stringify(download.source)} in spec.workloads.sources`,
          );
        }
        return {
          source: download.source,
          bytes: bytes(download.size, [...at, "downloads", i, "size"], report),
        };
      }),
      resolver: service.resolver ?? "glibc",
      appCacheTtlSeconds: seconds(service.appCacheTtl, [...at, "appCacheTtl"], report),
      externalNames: service.externalNames ?? [],
    };
  });
  const cycle = findCycle(services);
  if (cycle !== undefined) {
    report(
      [...path, "services"],
      `services depend on each other in a cycle: ${cycle.join(" -> ")}`,
    );
  }
  const products = raw.products.map((product, index) => {
    product.entryServices.forEach((name, i) => {
      if (!serviceNames.has(name)) {
        report(
          [...path, "products", index, "entryServices", i],
          `no service named ${JSON.stringify(name)} in spec.workloads.services`,
        );
      }
    });
    return { ...product, entryServices: [...product.entryServices] };
  });
  const sources = (raw.sources ?? []).map((source, index) => {
    const at: Path = [...path, "sources", index];
    return {
      name: source.name,
      bytesPerSecond: bytes(source.bandwidth, [...at, "bandwidth"], report),
      timeoutSeconds: seconds(source.timeout, [...at, "timeout"], report, 1),
      limiter: source.limiter,
      cache:
        source.cache === undefined
          ? undefined
          : {
              hitRatio: source.cache.hitRatio,
              bytesPerSecond:
                source.cache.bandwidth === undefined
                  ? undefined
                  : bytes(source.cache.bandwidth, [...at, "cache", "bandwidth"], report),
            },
    };
  });
  return { services, products, sources };
}

function findCycle(services: ServiceSettings[]): string[] | undefined {
  const byName = new Map(services.map((s) => [s.name, s]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const next of byName.get(name)?.dependsOn ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const service of services) {
    const cycle = visit(service.name);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

export function resolvePipeline(
  raw: Static<typeof PipelineSchema> | undefined,
  clusters: ClusterClass[],
  report: Report,
): PipelineSettings | undefined {
  if (raw === undefined) return undefined;
  const path: Path = ["spec", "pipeline"];
  const rolledOut = clusters.some((c) =>
    c.agents.some((a) => a.name === raw.change && a.deployedBy === "pipeline"),
  );
  if (!rolledOut) {
    report(
      [...path, "change"],
      `no agent named ${JSON.stringify(raw.change)} with deployedBy: pipeline in any cluster class`,
    );
  }
  const classNames = new Set(clusters.map((c) => c.name));
  const waves = raw.waves.map((wave, index) => {
    for (const name of Object.keys(wave.clusters)) {
      if (!classNames.has(name)) {
        report(
          [...path, "waves", index, "clusters", name],
          `no cluster class named ${JSON.stringify(name)}`,
        );
      }
    }
    return {
      clusters: { ...wave.clusters },
      bakeSeconds: seconds(wave.bake, [...path, "waves", index, "bake"], report),
    };
  });
  checkWaveCounts(waves, clusters, [...path, "waves"], report);
  const gates = (raw.gates ?? []).map((gate, index): GateSettings =>
    gate.kind === "workload"
      ? { kind: "workload", minSuccessRate: gate.minSuccessRate }
      : {
          kind: "control-plane",
          maxApiserverP99Seconds:
            seconds(gate.maxApiserverP99, [...path, "gates", index, "maxApiserverP99"], report) ??
            1,
          max429PerSecond: gate.max429PerSecond ?? 1,
          requireReadyz: gate.requireReadyz ?? true,
        },
  );
  return {
    change: raw.change,
    startSeconds: seconds(raw.start, [...path, "start"], report) ?? 0,
    bakeSeconds: seconds(raw.bake, [...path, "bake"], report),
    waves,
    gates,
    rollbackOnGateFailure: raw.rollbackOnGateFailure ?? false,
  };
}

export function resolveAlerts(
  raw: Static<typeof AlertsSchema> | undefined,
  report: Report,
): AlertSettings {
  const path: Path = ["spec", "alerts"];
  return {
    evaluationIntervalSeconds: seconds(
      raw?.evaluationInterval,
      [...path, "evaluationInterval"],
      report,
      1,
    ),
    notificationDelaySeconds: seconds(
      raw?.notificationDelay,
      [...path, "notificationDelay"],
      report,
    ),
    rules: raw?.rules?.map((rule, index) => ({
      name: rule.name,
      signal: rule.signal,
      comparison: rule.comparison,
      threshold: rule.threshold,
      forSeconds: seconds(rule.for, [...path, "rules", index, "for"], report) ?? 0,
      scope: rule.scope ?? "per-cluster",
    })),
  };
}

function delay(
  raw: { median: string; sigma?: number } | undefined,
  path: Path,
  report: Report,
): DelaySettings | undefined {
  if (raw === undefined) return undefined;
  return {
    medianSeconds: seconds(raw.median, [...path, "median"], report) ?? 0,
    sigma: raw.sigma ?? 0.3,
  };
}

export function resolveOperators(
  raw: Static<typeof OperatorsSchema> | undefined,
  report: Report,
): OperatorSettings {
  const path: Path = ["spec", "operators"];
  const steps: OperatorSettings["runbook"]["steps"] = {};
  for (const [name, step] of Object.entries(raw?.runbook?.steps ?? {})) {
    const at = [...path, "runbook", "steps", name];
    steps[name] = {
      startDelay: delay(step.startDelay, [...at, "startDelay"], report),
      duration: delay(step.duration, [...at, "duration"], report),
      skip: step.skip,
    };
  }
  return {
    enabled: raw?.enabled ?? true,
    responseDelay: delay(raw?.responseDelay, [...path, "responseDelay"], report),
    parallelism: raw?.parallelism,
    identity: raw?.identity ?? "system:masters",
    runbook: {
      apiserverReplicas: raw?.runbook?.apiserverReplicas,
      scaleDownTo: raw?.runbook?.scaleDownTo,
      apiserverProvisioningSeconds: seconds(
        raw?.runbook?.apiserverProvisioning,
        [...path, "runbook", "apiserverProvisioning"],
        report,
      ),
      steps,
    },
  };
}

export function resolveTraffic(raw: Static<typeof TrafficSchema> | undefined): {
  headroom: number;
} {
  return { headroom: raw?.headroom ?? 0.5 };
}

export type TimelineMeasure = (typeof TIMELINE_MEASURES)[number];

export interface CalibrationTarget {
  event: string;
  /** Published time, in seconds from the scenario's start. */
  publishedSeconds: number;
  measure: TimelineMeasure;
  toleranceSeconds: number;
}

/** Published HH:MM times as seconds from the start (same day, or the next if earlier). */
export function resolveCalibration(
  raw: Static<typeof CalibrationSchema> | undefined,
  startClock: { hour: number; minute: number } | undefined,
  report: Report,
): CalibrationTarget[] {
  if (raw === undefined) return [];
  if (startClock === undefined) {
    report(["spec", "calibration"], "published times need spec.start to place them in the run");
    return [];
  }
  return raw.targets.map((target, index) => {
    const [hour, minute] = target.at.split(":").map(Number);
    let minutes = hour * 60 + minute - (startClock.hour * 60 + startClock.minute);
    if (minutes < 0) minutes += 24 * 60;
    return {
      event: target.event,
      publishedSeconds: minutes * 60,
      measure: target.measure,
      toleranceSeconds:
        seconds(target.tolerance, ["spec", "calibration", "targets", index, "tolerance"], report) ??
        300,
    };
  });
}
