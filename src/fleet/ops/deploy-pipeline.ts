/**
 * The deploy pipeline: applies a change to waves of clusters in order, bakes after each wave,
 * evaluates health gates at the end of a bake, and on a failed gate halts and (optionally)
 * rolls back through the Kubernetes API, which fails when the cluster is locked out.
 */
import type { Simulation } from "../../sim/index.js";
import { runApiActionWithRetry } from "./api-retry.js";
import type { ApiPath, ClusterHandle, HealthSignals } from "./cluster-handle.js";
import type { RetryPolicy } from "./delays.js";
import type { OpsEventLog } from "./event-log.js";

export interface DeployWave {
  /** Cluster names, applied together. */
  clusters: string[];
  /** Bake time after this wave; defaults to the pipeline's `bakeSeconds`. */
  bakeSeconds?: number;
}

/** User-facing health: every changed cluster keeps its success rate at or above the threshold. */
export interface WorkloadHealthGate {
  kind: "workload";
  minWorkloadSuccessRate: number;
}

/** Control-plane health: latency, rejections and readiness of every changed cluster. */
export interface ControlPlaneHealthGate {
  kind: "control-plane";
  maxApiserverP99Seconds: number;
  maxRejected429PerSecond: number;
  requireReadyz: boolean;
}

export type HealthGate = WorkloadHealthGate | ControlPlaneHealthGate;

export interface DeployPipelineConfig {
  changeId: string;
  waves: DeployWave[];
  /** Bake time after each wave unless the wave sets its own (seconds). */
  bakeSeconds: number;
  /** Evaluated at the end of every bake over all clusters changed so far; none = no gating. */
  gates: HealthGate[];
  /** Roll back every changed cluster when a gate fails. */
  rollbackOnGateFailure: boolean;
  rollbackPath: ApiPath;
  rollbackRetry: RetryPolicy;
}

export const DEFAULT_ROLLBACK_RETRY: RetryPolicy = {
  maxAttempts: 6,
  initialBackoffSeconds: 30,
  backoffFactor: 2,
  maxBackoffSeconds: 300,
  jitterFraction: 0.2,
};

/** Wave count and bake of the published-like default: four waves, the last 29 min after the first. */
export const DEFAULT_WAVE_COUNT = 4;
export const DEFAULT_BAKE_SECONDS = 580;

/** The published-like pipeline, without waves (see `splitIntoWaves`): no gates, no rollback. */
export const DEFAULT_DEPLOY_PIPELINE: Omit<DeployPipelineConfig, "waves"> = {
  changeId: "telemetry-daemonset",
  bakeSeconds: DEFAULT_BAKE_SECONDS,
  gates: [],
  rollbackOnGateFailure: false,
  rollbackPath: "normal",
  rollbackRetry: DEFAULT_ROLLBACK_RETRY,
};

/** A control-plane gate at the scalability SLO (p99 <= 1 s) with no sustained 429s. */
export const DEFAULT_CONTROL_PLANE_GATE: ControlPlaneHealthGate = {
  kind: "control-plane",
  maxApiserverP99Seconds: 1,
  maxRejected429PerSecond: 1,
  requireReadyz: true,
};

export const DEFAULT_WORKLOAD_GATE: WorkloadHealthGate = {
  kind: "workload",
  minWorkloadSuccessRate: 0.99,
};

/** Splits clusters, in the given order, into `count` waves of near-equal size. */
export function splitIntoWaves(
  clusters: readonly string[],
  count = DEFAULT_WAVE_COUNT,
): DeployWave[] {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`wave count must be an integer >= 1, got ${count}`);
  }
  const waves: DeployWave[] = [];
  const waveCount = Math.min(count, clusters.length);
  let start = 0;
  for (let wave = 0; wave < waveCount; wave++) {
    const end = Math.round(((wave + 1) * clusters.length) / waveCount);
    waves.push({ clusters: clusters.slice(start, end) });
    start = end;
  }
  return waves;
}

/** Why a gate fails for one cluster's signals, or undefined when it passes. */
export function gateViolation(gate: HealthGate, signals: HealthSignals): string | undefined {
  if (gate.kind === "workload") {
    return signals.workloadSuccessRate < gate.minWorkloadSuccessRate
      ? `workload success ${signals.workloadSuccessRate} < ${gate.minWorkloadSuccessRate}`
      : undefined;
  }
  if (gate.requireReadyz && !signals.readyzOk) return "no apiserver replica ready";
  if (signals.apiserverP99Seconds > gate.maxApiserverP99Seconds) {
    return `apiserver p99 ${signals.apiserverP99Seconds} s > ${gate.maxApiserverP99Seconds} s`;
  }
  if (signals.rejected429PerSecond > gate.maxRejected429PerSecond) {
    return `429s ${signals.rejected429PerSecond}/s > ${gate.maxRejected429PerSecond}/s`;
  }
  return undefined;
}

export type PipelineState = "idle" | "running" | "halted" | "completed";

export class DeployPipeline {
  private readonly byName = new Map<string, ClusterHandle>();
  private readonly changed: string[] = [];
  private readonly rolledBack = new Set<string>();
  private currentState: PipelineState = "idle";

  constructor(
    private readonly sim: Simulation,
    private readonly log: OpsEventLog,
    clusters: readonly ClusterHandle[],
    private readonly config: DeployPipelineConfig,
  ) {
    for (const cluster of clusters) this.byName.set(cluster.name, cluster);
    for (const wave of config.waves) {
      for (const name of wave.clusters) {
        if (!this.byName.has(name)) throw new Error(`deploy wave names unknown cluster "${name}"`);
      }
      const bake = wave.bakeSeconds ?? config.bakeSeconds;
      if (!(bake >= 0)) throw new RangeError(`bake time must be >= 0 s, got ${bake}`);
    }
  }

  get state(): PipelineState {
    return this.currentState;
  }

  /** Clusters the change has been applied to, in order. */
  get changedClusters(): readonly string[] {
    return this.changed;
  }

  /** Clusters whose automated rollback was accepted. */
  get rolledBackClusters(): ReadonlySet<string> {
    return this.rolledBack;
  }

  /** Starts the first wave after `delaySeconds`. */
  start(delaySeconds = 0): void {
    if (this.currentState !== "idle") throw new Error("the pipeline has already started");
    this.currentState = "running";
    this.log.record({
      t: this.sim.now,
      actor: "pipeline",
      kind: "triggered",
      detail: `${this.config.changeId}: ${this.config.waves.length} waves, first in ${delaySeconds} s`,
    });
    this.sim.schedule(delaySeconds, (wave: number) => this.applyWave(wave), 0);
  }

  private applyWave(index: number): void {
    const wave = this.config.waves[index];
    for (const name of wave.clusters) {
      this.byName.get(name)!.applyChange(this.config.changeId);
      this.changed.push(name);
      this.log.record({
        t: this.sim.now,
        cluster: name,
        actor: "pipeline",
        kind: "change-applied",
        detail: `${this.config.changeId}, wave ${index + 1}`,
      });
    }
    const bake = wave.bakeSeconds ?? this.config.bakeSeconds;
    this.log.record({
      t: this.sim.now,
      actor: "pipeline",
      kind: "wave-applied",
      detail: `wave ${index + 1}/${this.config.waves.length} (${wave.clusters.length} clusters), baking ${bake} s`,
    });
    this.sim.schedule(bake, (wave: number) => this.endBake(wave), index);
  }

  private endBake(index: number): void {
    const violations = this.evaluateGates();
    if (this.config.gates.length > 0) {
      this.log.record({
        t: this.sim.now,
        actor: "pipeline",
        kind: "gate",
        detail:
          violations.length === 0
            ? `after wave ${index + 1}: all gates pass on ${this.changed.length} clusters`
            : `after wave ${index + 1}: ${violations.join("; ")}`,
        ok: violations.length === 0,
      });
    }
    if (violations.length > 0) {
      this.halt(index);
      return;
    }
    if (index + 1 < this.config.waves.length) {
      this.applyWave(index + 1);
      return;
    }
    this.currentState = "completed";
    this.log.record({
      t: this.sim.now,
      actor: "pipeline",
      kind: "completed",
      detail: `${this.config.changeId} applied to ${this.changed.length} clusters`,
      ok: true,
    });
  }

  private evaluateGates(): string[] {
    const violations: string[] = [];
    for (const name of this.changed) {
      const signals = this.byName.get(name)!.signals();
      for (const gate of this.config.gates) {
        const violation = gateViolation(gate, signals);
        if (violation !== undefined) violations.push(`${name}: ${gate.kind} gate: ${violation}`);
      }
    }
    return violations;
  }

  private halt(index: number): void {
    this.currentState = "halted";
    const remaining = this.config.waves.length - index - 1;
    this.log.record({
      t: this.sim.now,
      actor: "pipeline",
      kind: "halted",
      detail: `halted after wave ${index + 1}; ${remaining} waves not applied`,
      ok: false,
    });
    if (this.config.rollbackOnGateFailure) {
      for (const name of this.changed) this.rollBack(this.byName.get(name)!);
    }
  }

  private rollBack(cluster: ClusterHandle): void {
    this.log.record({
      t: this.sim.now,
      cluster: cluster.name,
      actor: "pipeline",
      kind: "rollback-started",
      detail: `${this.config.changeId} through the ${this.config.rollbackPath} API path`,
    });
    runApiActionWithRetry({
      sim: this.sim,
      random: this.sim.random(`ops.pipeline.rollback.${cluster.name}`),
      cluster,
      action: "rollback",
      path: this.config.rollbackPath,
      retry: this.config.rollbackRetry,
      onAttempt: (attempt, ok, reason) =>
        this.log.record({
          t: this.sim.now,
          cluster: cluster.name,
          actor: "pipeline",
          kind: "rollback-attempt",
          detail: `attempt ${attempt}: ${reason}`,
          ok,
        }),
      onDone: (ok, reason, attempts) => {
        if (ok) this.rolledBack.add(cluster.name);
        this.log.record({
          t: this.sim.now,
          cluster: cluster.name,
          actor: "pipeline",
          kind: "rollback-finished",
          detail: ok
            ? `rolled back after ${attempts} attempts`
            : `gave up after ${attempts} attempts: ${reason}`,
          ok,
        });
      },
    });
  }
}
