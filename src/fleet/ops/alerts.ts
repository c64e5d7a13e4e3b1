/**
 * Alert rules over the clusters' health signals, evaluated like Prometheus alerting rules: at
 * every evaluation the condition is checked; a new match is "pending", and it turns "firing"
 * at the first evaluation where it has held for `forSeconds`; a notification reaches people
 * `notificationDelaySeconds` later (Alertmanager grouping and paging).
 */
import type { Simulation } from "../../sim/index.js";
import { signalValue, type ClusterHandle, type HealthSignalName } from "./cluster-handle.js";
import type { OpsEventLog } from "./event-log.js";

export type Comparison = ">" | ">=" | "<" | "<=" | "==" | "!=";

export interface AlertRule {
  name: string;
  signal: HealthSignalName;
  comparison: Comparison;
  /** Booleans compare as 1 (true) and 0 (false). */
  threshold: number;
  /** How long the condition must hold before the alert fires (Prometheus `for`). */
  forSeconds: number;
  /** "per-cluster": one alert per cluster; "fleet": one alert when enough clusters match. */
  scope: "per-cluster" | "fleet";
  /** Fleet scope: clusters that must match at once (default 1, "in any cluster"). */
  minClusters?: number;
}

export interface AlertingConfig {
  rules: AlertRule[];
  evaluationIntervalSeconds: number;
  /** Time of the first evaluation; undefined = drawn uniformly in [0, interval). */
  evaluationPhaseSeconds?: number;
  /** From firing to the people being notified. */
  notificationDelaySeconds: number;
}

export interface AlertNotification {
  /** When people were notified. */
  t: number;
  rule: string;
  /** The per-cluster alert's cluster. */
  cluster?: string;
  /** Clusters matching the condition when the alert fired. */
  clusters: readonly string[];
  firedAt: number;
}

export const DEFAULT_EVALUATION_INTERVAL_SECONDS = 60;
export const DEFAULT_NOTIFICATION_DELAY_SECONDS = 60;

/** Rules shaped after common control-plane and service alerts (thresholds documented). */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  {
    name: "ApiserverLatencyHigh",
    signal: "apiserverP99Seconds",
    comparison: ">",
    threshold: 1,
    forSeconds: 300,
    scope: "per-cluster",
  },
  {
    name: "ApiserverDown",
    signal: "readyzOk",
    comparison: "==",
    threshold: 0,
    forSeconds: 300,
    scope: "per-cluster",
  },
  {
    name: "ApiserverThrottling",
    signal: "rejected429PerSecond",
    comparison: ">",
    threshold: 10,
    forSeconds: 300,
    scope: "per-cluster",
  },
  {
    name: "WorkloadErrorRateHigh",
    signal: "workloadSuccessRate",
    comparison: "<",
    threshold: 0.99,
    forSeconds: 120,
    scope: "per-cluster",
  },
];

export const DEFAULT_ALERTING: AlertingConfig = {
  rules: [...DEFAULT_ALERT_RULES],
  evaluationIntervalSeconds: DEFAULT_EVALUATION_INTERVAL_SECONDS,
  notificationDelaySeconds: DEFAULT_NOTIFICATION_DELAY_SECONDS,
};

export function compare(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
}

// Evaluation times are sums of floats; "held for 300 s" must not miss by a rounding error.
const TIME_EPSILON = 1e-9;

type AlertState = "inactive" | "pending" | "firing";

/** One alert: a rule for one cluster, or a fleet rule. */
interface AlertInstance {
  rule: AlertRule;
  cluster: string | undefined;
  state: AlertState;
  activeAt: number;
  clusters: string[];
}

export type NotificationListener = (notification: AlertNotification) => void;

export class AlertEvaluator {
  private readonly instances: AlertInstance[] = [];
  private readonly listeners: NotificationListener[] = [];
  private readonly everAffected = new Set<string>();
  private readonly notifications: AlertNotification[] = [];
  private tickHandle: number | undefined;
  private phase = 0;
  private ticks = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly log: OpsEventLog,
    private readonly clusters: readonly ClusterHandle[],
    private readonly config: AlertingConfig,
  ) {
    if (!(config.evaluationIntervalSeconds > 0)) {
      throw new RangeError(`evaluation interval must be > 0 s`);
    }
    if (!(config.notificationDelaySeconds >= 0)) {
      throw new RangeError(`notification delay must be >= 0 s`);
    }
    for (const rule of config.rules) {
      if (!(rule.forSeconds >= 0)) throw new RangeError(`rule ${rule.name}: for must be >= 0 s`);
      const targets = rule.scope === "fleet" ? [undefined] : clusters.map((c) => c.name);
      for (const cluster of targets) {
        this.instances.push({ rule, cluster, state: "inactive", activeAt: NaN, clusters: [] });
      }
    }
  }

  /** Schedules evaluations from the configured (or a random) phase on. */
  start(): void {
    if (this.tickHandle !== undefined) throw new Error("alert evaluation already started");
    const interval = this.config.evaluationIntervalSeconds;
    const phase =
      this.config.evaluationPhaseSeconds ??
      this.sim.random("ops.alerts.phase").uniform(0, interval);
    this.phase = phase;
    this.tickHandle = this.sim.schedule(phase, () => this.evaluate());
  }

  /** Stops evaluating (so that a simulation can drain). */
  stop(): void {
    if (this.tickHandle !== undefined) this.sim.cancel(this.tickHandle);
  }

  onNotification(listener: NotificationListener): void {
    this.listeners.push(listener);
  }

  /** Notifications sent so far. */
  get sent(): readonly AlertNotification[] {
    return this.notifications;
  }

  /** Whether rule `name` fires now (for `cluster`: its own alert, or a fleet alert naming it). */
  isFiring(name: string, cluster?: string): boolean {
    return this.instances.some(
      (i) =>
        i.state === "firing" &&
        i.rule.name === name &&
        (cluster === undefined || i.cluster === cluster || i.clusters.includes(cluster)),
    );
  }

  /** Clusters that have been part of a firing alert since the start. */
  get affectedClusters(): ReadonlySet<string> {
    return this.everAffected;
  }

  private evaluate(): void {
    const now = this.sim.now;
    const signals = new Map(this.clusters.map((c) => [c.name, c.signals()]));
    for (const instance of this.instances) {
      const { rule } = instance;
      const matching = (
        instance.cluster === undefined ? this.clusters.map((c) => c.name) : [instance.cluster]
      ).filter((name) =>
        compare(signalValue(signals.get(name)!, rule.signal), rule.comparison, rule.threshold),
      );
      const holds =
        matching.length >= (instance.cluster === undefined ? (rule.minClusters ?? 1) : 1);
      this.step(instance, holds, matching, now);
    }
    // From the tick count, not by adding intervals, so that evaluation times do not drift.
    this.ticks++;
    const next = this.phase + this.ticks * this.config.evaluationIntervalSeconds;
    this.tickHandle = this.sim.scheduleAt(next, () => this.evaluate());
  }

  private step(instance: AlertInstance, holds: boolean, matching: string[], now: number): void {
    const { rule } = instance;
    if (!holds) {
      if (instance.state !== "inactive") {
        this.record(
          instance,
          instance.state === "firing" ? "alert-resolved" : "alert-inactive",
          "condition no longer holds",
        );
      }
      instance.state = "inactive";
      instance.activeAt = NaN;
      instance.clusters = [];
      return;
    }
    instance.clusters = matching;
    if (instance.state === "inactive") {
      instance.state = "pending";
      instance.activeAt = now;
      this.record(instance, "alert-pending", this.describe(matching));
    }
    if (instance.state === "pending" && now - instance.activeAt >= rule.forSeconds - TIME_EPSILON) {
      instance.state = "firing";
      for (const name of matching) this.everAffected.add(name);
      this.record(instance, "alert-firing", this.describe(matching));
      const notification: AlertNotification = {
        t: now + this.config.notificationDelaySeconds,
        rule: rule.name,
        cluster: instance.cluster,
        clusters: matching,
        firedAt: now,
      };
      this.sim.schedule(this.config.notificationDelaySeconds, () => this.notify(notification));
    } else if (instance.state === "firing") {
      for (const name of matching) this.everAffected.add(name);
    }
  }

  private notify(notification: AlertNotification): void {
    this.notifications.push(notification);
    this.log.record({
      t: this.sim.now,
      cluster: notification.cluster,
      actor: "alerting",
      kind: "alert-notified",
      detail: `${notification.rule} (fired at ${notification.firedAt} s)`,
    });
    for (const listener of this.listeners) listener(notification);
  }

  private describe(matching: string[]): string {
    return matching.length <= 5 ? matching.join(", ") : `${matching.length} clusters`;
  }

  private record(instance: AlertInstance, kind: string, detail: string): void {
    const { rule } = instance;
    this.log.record({
      t: this.sim.now,
      cluster: instance.cluster,
      actor: "alerting",
      kind,
      detail: `${rule.name}: ${rule.signal} ${rule.comparison} ${rule.threshold}; ${detail}`,
    });
  }
}
