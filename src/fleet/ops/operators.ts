/**
 * The operators: paged by the first alert notification, they respond after a human delay, then
 * take on every cluster a runbook step targets (and later ones as further alerts arrive) and
 * work through the runbook in each, issuing at most `parallelism` actions at once. Every action goes
 * through a ClusterHandle or the traffic manager, so whether it helps is up to the model.
 */
import type { RandomStream, Simulation } from "../../sim/index.js";
import type { AlertEvaluator, AlertNotification } from "./alerts.js";
import { runApiActionWithRetry } from "./api-retry.js";
import type { ClusterHandle } from "./cluster-handle.js";
import { drawDelay, type DelayDistribution } from "./delays.js";
import type { DeployPipeline } from "./deploy-pipeline.js";
import type { OpsEventLog } from "./event-log.js";
import { incidentRunbook, type Precondition, type RunbookStep } from "./runbook.js";
import type { GlobalTrafficManager } from "./traffic-manager.js";

export interface OperatorConfig {
  /** From the first notification to the team acting (acknowledging, diagnosing). */
  responseDelay: DelayDistribution;
  /** Clusters the team works on at once (people at keyboards). */
  parallelism: number;
  /** Alerts that page the team; undefined = any. */
  pageOn?: string[];
  runbook: RunbookStep[];
  /** Baseline node count per cluster: orders "largest-first" and sizes "scale-nodes". */
  clusterNodes: Record<string, number>;
  /** How often a cluster waiting for its preconditions is checked again (seconds). */
  recheckSeconds: number;
}

export const DEFAULT_OPERATOR_RESPONSE_DELAY: DelayDistribution = {
  medianSeconds: 180,
  sigma: 0.5,
};

export const DEFAULT_OPERATORS: Omit<OperatorConfig, "clusterNodes"> = {
  responseDelay: DEFAULT_OPERATOR_RESPONSE_DELAY,
  parallelism: 4,
  runbook: incidentRunbook(),
  recheckSeconds: 60,
};

export interface OperatorDependencies {
  sim: Simulation;
  log: OpsEventLog;
  clusters: readonly ClusterHandle[];
  alerts: AlertEvaluator;
  pipeline?: DeployPipeline;
  traffic?: GlobalTrafficManager;
}

/** One cluster's progress through one runbook step. */
interface StepInCluster {
  step: RunbookStep;
  index: number;
  cluster: ClusterHandle;
  /** Enqueue order, for first-come first-served among equals. */
  ticket: number;
}

export class OperatorTeam {
  private readonly sim: Simulation;
  private readonly log: OpsEventLog;
  private readonly byName = new Map<string, ClusterHandle>();
  private readonly random: RandomStream;
  /** Per cluster in the team's hands, its state in every step. */
  private readonly passes = new Map<string, StepInCluster[]>();
  private readonly outcomes = new Map<string, Map<string, boolean>>();
  private readonly lastNormalApiOk = new Map<string, boolean>();
  private readonly queue: StepInCluster[] = [];
  private tickets = 0;
  private dispatchPending = false;
  private busy = 0;
  private maxBusy = 0;
  private responseAt = NaN;
  private paged = false;

  constructor(
    private readonly deps: OperatorDependencies,
    private readonly config: OperatorConfig,
  ) {
    this.sim = deps.sim;
    this.log = deps.log;
    this.random = deps.sim.random("ops.operators");
    for (const cluster of deps.clusters) this.byName.set(cluster.name, cluster);
    if (!(Number.isInteger(config.parallelism) && config.parallelism >= 1)) {
      throw new RangeError(`parallelism must be an integer >= 1, got ${config.parallelism}`);
    }
    if (!(config.recheckSeconds > 0)) throw new RangeError("recheckSeconds must be > 0");
    validateRunbook(config.runbook);
    deps.alerts.onNotification((n) => this.onNotification(n));
  }

  /** When the team began acting (NaN before). */
  get respondedAt(): number {
    return this.responseAt;
  }

  /** Most clusters worked on at once so far. */
  get peakParallelism(): number {
    return this.maxBusy;
  }

  /** Clusters the team has taken on, in the order it took them. */
  get clustersInHand(): string[] {
    return [...this.passes.keys()];
  }

  /** Outcome of a step in a cluster: true, false, or undefined when not (yet) done there. */
  outcome(step: string, cluster: string): boolean | undefined {
    return this.outcomes.get(step)?.get(cluster);
  }

  /** Whether the operators consider the cluster locked out (see the "locked-out" precondition). */
  isLockedOut(cluster: string): boolean {
    const handle = this.handle(cluster);
    return this.lastNormalApiOk.get(cluster) === false || !handle.signals().readyzOk;
  }

  private onNotification(notification: AlertNotification): void {
    if (!this.paged) {
      if (this.config.pageOn !== undefined && !this.config.pageOn.includes(notification.rule)) {
        return;
      }
      this.paged = true;
      const delay = drawDelay(this.random, this.config.responseDelay);
      this.log.record({
        t: this.sim.now,
        cluster: notification.cluster,
        actor: "operators",
        kind: "paged",
        detail: `by ${notification.rule}; responding in ${delay.toFixed(0)} s`,
      });
      this.sim.schedule(delay, () => this.respond());
      return;
    }
    // Once responding, every later alert may bring new clusters into the team's hands.
    if (!Number.isNaN(this.responseAt)) this.takeOnClusters();
  }

  private respond(): void {
    this.responseAt = this.sim.now;
    this.log.record({
      t: this.sim.now,
      actor: "operators",
      kind: "response-started",
      detail: `runbook of ${this.config.runbook.length} steps, ${this.config.parallelism} clusters at once`,
    });
    this.takeOnClusters();
  }

  /** Starts a runbook pass for every cluster some step targets and the team has not taken on. */
  private takeOnClusters(): void {
    const wanted = new Set<string>();
    for (const step of this.config.runbook) for (const name of this.targets(step)) wanted.add(name);
    // Deterministic order: the fleet's order, not the order of discovery.
    for (const cluster of this.deps.clusters) {
      if (!wanted.has(cluster.name) || this.passes.has(cluster.name)) continue;
      const pass = this.config.runbook.map((step, index) => ({
        step,
        index,
        cluster,
        ticket: 0,
      }));
      this.passes.set(cluster.name, pass);
      this.log.record({
        t: this.sim.now,
        cluster: cluster.name,
        actor: "operators",
        kind: "cluster-taken-on",
        detail: `starting the runbook`,
      });
      for (const entry of pass) {
        if (entry.step.after === undefined && entry.index === 0) this.makePossible(entry);
      }
    }
  }

  /** The step's dependency is met in this cluster: its start delay begins. */
  private makePossible(entry: StepInCluster): void {
    const delay = drawDelay(this.random, entry.step.startDelay);
    this.sim.schedule(delay, () => this.consider(entry, this.sim.now));
  }

  /** Steps of the same cluster waiting on `entry` reaching `phase`. */
  private releaseDependents(entry: StepInCluster, phase: "started" | "finished"): void {
    for (const other of this.passes.get(entry.cluster.name)!) {
      const after = other.step.after;
      const waitsHere =
        after !== undefined
          ? after.step === entry.step.name && after.phase === phase
          : phase === "finished" && other.index === entry.index + 1;
      if (waitsHere) this.makePossible(other);
    }
  }

  /** Queues the step when the cluster is a target and its preconditions hold; else waits or skips. */
  private consider(entry: StepInCluster, since: number): void {
    const { step, cluster } = entry;
    const unmet = this.targets(step).has(cluster.name)
      ? this.unmetPrecondition(step.when, cluster.name)
      : "not a target of this step";
    if (unmet === undefined) {
      entry.ticket = this.tickets++;
      this.queue.push(entry);
      this.log.record({
        t: this.sim.now,
        cluster: cluster.name,
        actor: "operators",
        kind: "step-queued",
        detail: `${step.name} (${step.action.kind})`,
      });
      this.releaseDependents(entry, "started");
      this.requestDispatch();
      return;
    }
    if (this.sim.now - since + this.config.recheckSeconds <= step.waitForPreconditionsSeconds) {
      this.sim.schedule(this.config.recheckSeconds, () => this.consider(entry, since));
      return;
    }
    this.log.record({
      t: this.sim.now,
      cluster: cluster.name,
      actor: "operators",
      kind: "action-skipped",
      detail: `${step.name}: precondition not met: ${unmet}`,
    });
    // A skipped step counts as started and finished, so that the runbook goes on.
    this.releaseDependents(entry, "started");
    this.releaseDependents(entry, "finished");
  }

  private unmetPrecondition(
    conditions: readonly Precondition[],
    cluster: string,
  ): string | undefined {
    for (const condition of conditions) {
      switch (condition.kind) {
        case "alert-firing":
          if (!this.deps.alerts.isFiring(condition.alert, cluster)) {
            return `alert ${condition.alert} not firing`;
          }
          break;
        case "step-failed":
          if (this.outcome(condition.step, cluster) !== false) {
            return `${condition.step} did not fail`;
          }
          break;
        case "step-succeeded":
          if (this.outcome(condition.step, cluster) !== true) {
            return `${condition.step} did not succeed`;
          }
          break;
        case "locked-out":
          if (!this.isLockedOut(cluster)) return "not locked out";
          break;
      }
    }
    return undefined;
  }

  /** Queued work waiting for a free person: largest cluster first where the step asks for it. */
  private nextItem(): StepInCluster | undefined {
    let best = -1;
    let bestKey = -Infinity;
    for (let i = 0; i < this.queue.length; i++) {
      const entry = this.queue[i];
      const key =
        entry.step.order === "largest-first"
          ? (this.config.clusterNodes[entry.cluster.name] ?? 0)
          : 0;
      if (key > bestKey || (key === bestKey && entry.ticket < this.queue[best].ticket)) {
        best = i;
        bestKey = key;
      }
    }
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  /**
   * Hands out work at the end of the current instant, so that everything queued at the same
   * time competes by priority rather than by which cluster came first.
   */
  private requestDispatch(): void {
    if (this.dispatchPending) return;
    this.dispatchPending = true;
    this.sim.schedule(0, () => {
      this.dispatchPending = false;
      this.dispatch();
    });
  }

  /** Starts queued work while people are free. */
  private dispatch(): void {
    while (this.busy < this.config.parallelism) {
      const entry = this.nextItem();
      if (entry === undefined) return;
      this.busy++;
      this.maxBusy = Math.max(this.maxBusy, this.busy);
      const duration = drawDelay(this.random, entry.step.duration);
      this.log.record({
        t: this.sim.now,
        cluster: entry.cluster.name,
        actor: "operators",
        kind: "action-started",
        detail: `${entry.step.name} (${entry.step.action.kind}), issued in ${duration.toFixed(0)} s`,
      });
      this.sim.schedule(duration, () => {
        // The person is free once the action is issued; API retries run as an unattended loop.
        this.busy--;
        this.execute(entry);
        this.requestDispatch();
      });
    }
  }

  private execute(entry: StepInCluster): void {
    const { step, cluster } = entry;
    const action = step.action;
    switch (action.kind) {
      case "api":
        runApiActionWithRetry({
          sim: this.sim,
          random: this.random,
          cluster,
          action: action.action,
          path: action.path,
          retry: step.retry,
          onAttempt: (attempt, ok, reason) => {
            if (action.path === "normal") this.lastNormalApiOk.set(cluster.name, ok);
            this.log.record({
              t: this.sim.now,
              cluster: cluster.name,
              actor: "operators",
              kind: "action-attempt",
              detail: `${step.name} attempt ${attempt}: ${reason}`,
              ok,
            });
          },
          onDone: (ok, reason, attempts) =>
            this.finish(
              entry,
              ok,
              ok ? `accepted after ${attempts} attempts` : `${reason} (${attempts} attempts)`,
            ),
        });
        return;
      case "scale-nodes": {
        const baseline = this.config.clusterNodes[cluster.name];
        if (baseline === undefined) {
          this.finish(entry, false, "baseline node count unknown");
          return;
        }
        const target = Math.round(baseline * action.fractionOfBaseline);
        cluster.scaleNodes(target);
        this.finish(entry, true, `nodes scaled to ${target}`);
        return;
      }
      case "block-admin-api":
        cluster.blockAdminApi(action.blocked);
        this.finish(entry, true, action.blocked ? "admin API blocked" : "admin API unblocked");
        return;
      case "scale-apiservers":
        cluster.scaleApiservers(action.replicas);
        this.finish(entry, true, `apiservers scaled to ${action.replicas}`);
        return;
      case "shift-traffic": {
        const traffic = this.deps.traffic;
        if (traffic === undefined) {
          this.finish(entry, false, "no traffic manager");
          return;
        }
        const affected = this.deps.alerts.affectedClusters;
        const healthy = this.deps.clusters.map((c) => c.name).filter((name) => !affected.has(name));
        const result = traffic.shift(cluster.name, healthy, action.fraction);
        const ok = result.moved >= result.requested - 1e-12;
        this.finish(
          entry,
          ok,
          `moved ${result.moved.toFixed(3)} of ${result.requested.toFixed(3)} to ${healthy.length} healthy clusters` +
            (ok ? "" : " (not enough headroom)"),
        );
        return;
      }
    }
  }

  private finish(entry: StepInCluster, ok: boolean, detail: string): void {
    let byCluster = this.outcomes.get(entry.step.name);
    if (byCluster === undefined) {
      byCluster = new Map();
      this.outcomes.set(entry.step.name, byCluster);
    }
    byCluster.set(entry.cluster.name, ok);
    this.log.record({
      t: this.sim.now,
      cluster: entry.cluster.name,
      actor: "operators",
      kind: "action-finished",
      detail: `${entry.step.name}: ${detail}`,
      ok,
    });
    this.releaseDependents(entry, "finished");
  }

  /** The clusters a step applies to, now. */
  private targets(step: RunbookStep): Set<string> {
    const target = step.target;
    if (target === "all") return new Set(this.deps.clusters.map((c) => c.name));
    if (target === "affected") return new Set(this.deps.alerts.affectedClusters);
    if (target === "changed") {
      if (this.deps.pipeline === undefined) {
        throw new Error(`step "${step.name}" targets changed clusters but there is no pipeline`);
      }
      return new Set(this.deps.pipeline.changedClusters);
    }
    return new Set(target.clusters);
  }

  private handle(name: string): ClusterHandle {
    const handle = this.byName.get(name);
    if (handle === undefined) throw new Error(`unknown cluster "${name}"`);
    return handle;
  }
}

function validateRunbook(runbook: readonly RunbookStep[]): void {
  const names = new Set<string>();
  for (const step of runbook) {
    if (names.has(step.name)) throw new Error(`runbook step "${step.name}" appears twice`);
    names.add(step.name);
  }
  runbook.forEach((step, index) => {
    // Waiting only on earlier steps keeps the dependencies free of cycles.
    if (
      step.after !== undefined &&
      !runbook.slice(0, index).some((s) => s.name === step.after!.step)
    ) {
      throw new Error(
        `runbook step "${step.name}" waits for "${step.after.step}", not an earlier step`,
      );
    }
    for (const condition of step.when) {
      if (
        (condition.kind === "step-failed" || condition.kind === "step-succeeded") &&
        !names.has(condition.step)
      ) {
        throw new Error(`runbook step "${step.name}" depends on unknown step "${condition.step}"`);
      }
    }
  });
}
