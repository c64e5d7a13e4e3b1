/**
 * kube-controller-manager's leader election as upstream runs it (client-go
 * tools/leaderelection with the controller manager's defaults: lease 15 s, renew deadline 10 s,
 * retry period 2 s), and the process around it:
 *
 * - the leader renews its Lease every retry period; when no renewal has succeeded for the renew
 *   deadline it stops leading, and `OnStoppedLeading` exits the process
 *   (cmd/kube-controller-manager/app/controllermanager.go);
 * - the kubelet restarts the exited container after CrashLoopBackOff; the new process campaigns
 *   every retry period (jittered by 1.2): it reads the Lease and may take it only once the
 *   record it first observed is a lease duration old, then writes it;
 * - on winning it starts its controllers afresh: its informers (leases, nodes, pods) list again,
 *   load on the apiservers, and the node lifecycle controller has no node health recorded.
 *
 * The controllers act only while the process leads. The node lifecycle controller sees kubelet
 * lease renewals through the lease informer: while its watch is broken and not yet relisted,
 * renewals stop reaching it (a leader with a stale informer, kubernetes issue #85221).
 */
import type { Component, ComponentContext } from "../../world/index.js";
import { ApiClient } from "../../model/clients/api-client.js";
import { Informers } from "../../model/clients/informers.js";
import { STATUS_OK } from "../../model/request.js";
import type { RandomStream } from "../../sim/index.js";
import { CONTROL_PLANE_DEFAULTS } from "../control-plane-defaults.js";
import { CLUSTER_SPEC, CONTROL_PLANE, CONTROLLER_API, type ControllerApiPort } from "./ports.js";
import { DATA_PLANE_DEFAULTS, template } from "./defaults.js";

const KCM_USER = { name: "system:kube-controller-manager", groups: ["system:authenticated"] };
type ProcessState = "leading" | "candidate" | "down";

export interface LeaderElectionStats {
  /** Times the process lost its lease and exited. */
  leadershipLost: number;
  /** Times a process won the lease after a restart. */
  leadershipAcquired: number;
}

export class LeaderElectionComponent implements Component, ControllerApiPort {
  readonly name = "kube-controller-manager-leader-election";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE];
  readonly provides = [CONTROLLER_API];
  readonly stats: LeaderElectionStats = { leadershipLost: 0, leadershipAcquired: 0 };
  private state: ProcessState = "leading";
  /** The process's incarnation: answers to an older one's requests reach nobody. */
  private incarnation = 0;
  private renewedAt = 0;
  private inFlight = false;
  /** When the campaigning process first read the Lease (its observedTime), or NaN. */
  private observedAt = Number.NaN;
  private crashes = 0;
  private startedAt = 0;
  private lastWatchingAt = 0;
  private readonly listeners: ((leading: boolean) => void)[] = [];
  private context!: ComponentContext;
  private client!: ApiClient;
  private random!: RandomStream;
  private informers: Informers[] = [];

  attach(context: ComponentContext): void {
    this.context = context;
    this.random = context.random();
    const { name, spec } = context.get(CLUSTER_SPEC);
    const cluster = context.get(CONTROL_PLANE).cluster;
    this.client = new ApiClient(
      context.sim,
      {
        name: `${name}/kube-controller-manager-leader-election`,
        user: KCM_USER,
        qps: 20,
        burst: 30,
        // The election loop itself retries every retry period.
        maxRetries: 0,
        version: spec.kubernetesVersion,
      },
      cluster,
    );
    const informer = (resource: string, group: string) =>
      new Informers(context.sim, cluster, {
        name: `${name}/kube-controller-manager/${resource}`,
        members: 1,
        list: template(
          `kube-controller-manager list ${resource}`,
          "list",
          resource,
          group,
          "cluster",
        ),
        watch: template(
          `kube-controller-manager watch ${resource}`,
          "watch",
          resource,
          group,
          "cluster",
        ),
        userOf: () => KCM_USER,
        // The cluster ran before the simulation: the first leader's informers start with it.
        startOf: () => 0,
        qps: 20,
        burst: 30,
        version: spec.kubernetesVersion,
        maxRetries: CONTROL_PLANE_DEFAULTS.clientGoMaxRetries,
      });
    this.informers = [
      informer("leases", "coordination.k8s.io"),
      informer("nodes", ""),
      informer("pods", ""),
    ];
    context.provide(CONTROLLER_API, this);
    context.sim.schedule(0, this.tick, this);
  }

  reachable(): boolean {
    return this.state === "leading";
  }

  leasesSeenUntil(now: number): number {
    if (this.informers[0].isWatching(0)) this.lastWatchingAt = now;
    return this.lastWatchingAt;
  }

  onLeadershipChange(listener: (leading: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** One retry period of the election loop: renew, campaign, or (exited) nothing. */
  private readonly tick = (): void => {
    const d = DATA_PLANE_DEFAULTS;
    const now = this.context.sim.now;
    if (this.state === "down") return;
    if (this.state === "leading" && now - this.renewedAt > d.leaderElectionRenewDeadlineSeconds) {
      this.exit();
      return;
    }
    if (!this.inFlight) this.attempt();
    const period = d.leaderElectionRetrySeconds;
    // A leader renews every retry period; a candidate's loop is jittered (wait.JitterUntil, 1.2).
    const next = this.state === "leading" ? period : this.random.jitter(period, 1.2);
    this.context.sim.schedule(Math.min(next, this.deadlineIn(now)), this.tick, this);
  };

  /** Seconds until the leader's renew deadline passes (Infinity for a candidate). */
  private deadlineIn(now: number): number {
    if (this.state !== "leading") return Infinity;
    return Math.max(
      1e-6,
      this.renewedAt + DATA_PLANE_DEFAULTS.leaderElectionRenewDeadlineSeconds - now + 1e-6,
    );
  }

  private attempt(): void {
    const now = this.context.sim.now;
    const leaseDuration = DATA_PLANE_DEFAULTS.leaderElectionLeaseDurationSeconds;
    // A candidate reads the Lease until the record it observed is a lease duration old.
    const write = this.state === "leading" || now >= this.observedAt + leaseDuration;
    const request = write
      ? template(
          "kube-controller-manager update leader lease",
          "update",
          "leases",
          "coordination.k8s.io",
        )
      : template(
          "kube-controller-manager get leader lease",
          "get",
          "leases",
          "coordination.k8s.io",
        );
    this.inFlight = true;
    this.client.call(
      request,
      (status, incarnation) => this.answered(status, incarnation, write),
      this.incarnation,
    );
  }

  private answered(status: number, incarnation: number, write: boolean): void {
    if (incarnation !== this.incarnation) return;
    this.inFlight = false;
    if (status !== STATUS_OK) return;
    const now = this.context.sim.now;
    if (this.state === "leading") {
      this.renewedAt = now;
    } else if (this.state === "candidate") {
      if (!write) {
        if (Number.isNaN(this.observedAt)) this.observedAt = now;
        return;
      }
      this.becomeLeader(now);
    }
  }

  private becomeLeader(now: number): void {
    this.state = "leading";
    this.renewedAt = now;
    this.stats.leadershipAcquired++;
    for (const informers of this.informers) informers.restartMember(0);
    for (const listener of this.listeners) listener(true);
  }

  /** OnStoppedLeading: the process exits; the kubelet restarts it after CrashLoopBackOff. */
  private exit(): void {
    const sim = this.context.sim;
    const r = CONTROL_PLANE_DEFAULTS.replica;
    this.stats.leadershipLost++;
    this.state = "down";
    this.incarnation++;
    this.inFlight = false;
    for (const informers of this.informers) informers.stopMember(0);
    for (const listener of this.listeners) listener(false);
    if (sim.now - this.startedAt >= r.restartBackoffResetSeconds) this.crashes = 0;
    const backoff = Math.min(
      r.restartBackoffMaxSeconds,
      r.restartBackoffInitialSeconds * 2 ** this.crashes,
    );
    this.crashes++;
    sim.schedule(
      backoff + DATA_PLANE_DEFAULTS.controllerManagerStartupSeconds,
      this.restarted,
      this,
    );
  }

  private readonly restarted = (): void => {
    this.state = "candidate";
    this.startedAt = this.context.sim.now;
    this.observedAt = Number.NaN;
    this.context.sim.schedule(0, this.tick, this);
  };
}

/** Without a data plane the controllers are as reachable as the apiservers. */
export class ApiserverReachabilityComponent implements Component {
  readonly name = "controller-api";
  readonly needs = [CONTROL_PLANE];
  readonly provides = [CONTROLLER_API];

  attach(context: ComponentContext): void {
    const cluster = context.get(CONTROL_PLANE).cluster;
    const api: ControllerApiPort = {
      reachable: () => cluster.readyCount > 0,
      onLeadershipChange: () => {},
    };
    context.provide(CONTROLLER_API, api);
  }
}
