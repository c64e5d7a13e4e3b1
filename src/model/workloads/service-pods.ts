/**
 * The pods of one service as counts by phase: ready, starting (running, not yet ready),
 * downloading what they need, waiting to be created through the API, being created.
 * Pods that start at the same time form one batch, so the cost is O(batches), not O(pods).
 */

/** Why pods were lost: crashes and OOM kills restart in place; the others need new pods. */
export type PodLossReason = "crash" | "oom" | "scale-down" | "eviction";

export interface ServicePodStatus {
  desired: number;
  ready: number;
  starting: number;
  downloading: number;
  /** Waiting for the API to create them (including after refused creations). */
  pendingCreation: number;
  /** Creation requests sent and not yet answered. */
  creating: number;
  /** When the ready pods last reached the desired count; NaN while fewer are ready. */
  fullyReadySince: number;
}

interface StartingBatch {
  count: number;
  readyAt: number;
}

export class ServicePods {
  ready: number;
  downloading = 0;
  pendingCreation = 0;
  creating = 0;
  creationFailures = 0;
  creationRetryAt = 0;
  /** Pods scaled away while downloading or being created: dropped when they would start. */
  excess = 0;
  fullyReadySince: number;
  private starting: StartingBatch[] = [];

  constructor(public desired: number) {
    if (!(Number.isInteger(desired) && desired >= 0)) {
      throw new RangeError(`replicas must be a whole number >= 0, got ${desired}`);
    }
    this.ready = desired;
    this.fullyReadySince = 0;
  }

  get startingCount(): number {
    return this.starting.reduce((total, b) => total + b.count, 0);
  }

  /** Adds pods that will be ready at `readyAt`. */
  addStarting(count: number, readyAt: number): void {
    if (count <= 0) return;
    const last = this.starting[this.starting.length - 1];
    if (last !== undefined && last.readyAt === readyAt) last.count += count;
    else this.starting.push({ count, readyAt });
  }

  /** Removes up to `count` pods, ready ones first, then starting ones; returns how many. */
  remove(count: number, now: number): number {
    const fromReady = Math.min(this.ready, count);
    this.ready -= fromReady;
    let left = count - fromReady;
    while (left > 0 && this.starting.length > 0) {
      const batch = this.starting[this.starting.length - 1];
      const taken = Math.min(batch.count, left);
      batch.count -= taken;
      left -= taken;
      if (batch.count === 0) this.starting.pop();
    }
    this.noteReadiness(now);
    return count - left;
  }

  /** Starting pods whose time has come become ready. */
  promote(now: number): void {
    if (this.starting.length === 0) return;
    const stillStarting: StartingBatch[] = [];
    for (const batch of this.starting) {
      if (batch.readyAt <= now) this.ready += batch.count;
      else stillStarting.push(batch);
    }
    this.starting = stillStarting;
    this.noteReadiness(now);
  }

  /** Pods that finished creating/downloading: dropped if they were scaled away meanwhile. */
  takeExcess(count: number): number {
    const dropped = Math.min(this.excess, count);
    this.excess -= dropped;
    return count - dropped;
  }

  status(): ServicePodStatus {
    return {
      desired: this.desired,
      ready: this.ready,
      starting: this.startingCount,
      downloading: this.downloading,
      pendingCreation: this.pendingCreation,
      creating: this.creating,
      fullyReadySince: this.fullyReadySince,
    };
  }

  noteReadiness(now: number): void {
    if (this.ready >= this.desired) {
      if (Number.isNaN(this.fullyReadySince)) this.fullyReadySince = now;
    } else {
      this.fullyReadySince = NaN;
    }
  }
}
