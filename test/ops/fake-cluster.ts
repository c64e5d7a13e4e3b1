/** A scripted ClusterHandle for tests: signals and lock-out are functions of simulated time. */
import type { Simulation } from "../../src/sim/index.js";
import type {
  ApiActionKind,
  ApiPath,
  ClusterHandle,
  HealthSignals,
} from "../../src/fleet/ops/index.js";

export const HEALTHY: HealthSignals = {
  apiserverP99Seconds: 0.1,
  rejected429PerSecond: 0,
  readyzOk: true,
  workloadSuccessRate: 1,
  dnsSuccessRate: 1,
};

export interface FakeClusterOptions {
  /** Signals at simulated time t; default always healthy. */
  signals?: (t: number) => Partial<HealthSignals>;
  /** Whether the normal API path refuses requests at time t. */
  lockedOut?: (t: number) => boolean;
  hasBreakGlass?: boolean;
  /** How long the cluster takes to answer an accepted request, and to time out a refused one. */
  answerSeconds?: number;
  timeoutSeconds?: number;
}

export interface ApiCall {
  t: number;
  action: ApiActionKind;
  path: ApiPath;
  ok?: boolean;
}

export class FakeCluster implements ClusterHandle {
  readonly applied: { t: number; changeId: string }[] = [];
  readonly apiCalls: ApiCall[] = [];
  readonly nodeScales: { t: number; nodes: number }[] = [];
  readonly blocks: { t: number; blocked: boolean }[] = [];
  readonly apiserverScales: { t: number; replicas: number }[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    private readonly options: FakeClusterOptions = {},
  ) {}

  applyChange(changeId: string): void {
    this.applied.push({ t: this.sim.now, changeId });
  }

  apiAction(action: ApiActionKind, path: ApiPath, done: (ok: boolean) => void): void {
    const call: ApiCall = { t: this.sim.now, action, path };
    this.apiCalls.push(call);
    if (path === "break-glass" && !this.options.hasBreakGlass) {
      call.ok = false;
      done(false);
      return;
    }
    const refused = path === "normal" && (this.options.lockedOut?.(this.sim.now) ?? false);
    const delay = refused ? (this.options.timeoutSeconds ?? 60) : (this.options.answerSeconds ?? 1);
    this.sim.schedule(delay, () => {
      call.ok = !refused;
      done(!refused);
    });
  }

  scaleNodes(targetNodes: number): void {
    this.nodeScales.push({ t: this.sim.now, nodes: targetNodes });
  }

  blockAdminApi(blocked: boolean): void {
    this.blocks.push({ t: this.sim.now, blocked });
  }

  scaleApiservers(replicas: number): void {
    this.apiserverScales.push({ t: this.sim.now, replicas });
  }

  signals(): HealthSignals {
    return { ...HEALTHY, ...(this.options.signals?.(this.sim.now) ?? {}) };
  }
}

/** Appended to assertion messages so that a failing run can be replayed. */
export function seedNote(seed: number, detail = ""): string {
  return `(seed ${seed})${detail === "" ? "" : `\n${detail}`}`;
}
