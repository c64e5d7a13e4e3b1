/** The record of everything the ops actors did and decided, in simulated-time order. */

export type OpsActor = "pipeline" | "alerting" | "operators" | "traffic-manager";

export interface OpsEvent {
  /** Simulated time (seconds). */
  t: number;
  cluster?: string;
  actor: OpsActor;
  /** What happened, e.g. "wave-applied", "gate", "alert-firing", "action-finished". */
  kind: string;
  detail: string;
  /** Outcome of a decision or action, when it has one. */
  ok?: boolean;
}

export class OpsEventLog {
  private readonly entries: OpsEvent[] = [];

  record(event: OpsEvent): void {
    this.entries.push(event);
  }

  /** All events, oldest first. */
  get events(): readonly OpsEvent[] {
    return this.entries;
  }

  /** Events matching every given field. */
  find(match: Partial<Pick<OpsEvent, "actor" | "kind" | "cluster" | "ok">>): OpsEvent[] {
    return this.entries.filter(
      (event) =>
        (match.actor === undefined || event.actor === match.actor) &&
        (match.kind === undefined || event.kind === match.kind) &&
        (match.cluster === undefined || event.cluster === match.cluster) &&
        (match.ok === undefined || event.ok === match.ok),
    );
  }

  /** One line per event, for reports and test failure messages. */
  format(): string {
    return this.entries
      .map((e) => {
        const outcome = e.ok === undefined ? "" : e.ok ? " ok" : " FAILED";
        const where = e.cluster === undefined ? "" : ` [${e.cluster}]`;
        return `${e.t.toFixed(1)}s ${e.actor}${where} ${e.kind}${outcome}: ${e.detail}`;
      })
      .join("\n");
  }
}
