/**
 * The etcd cluster behind one control plane: reads and writes share its throughput, so its
 * latency grows with load and with the size of range reads; one huge range read slows every
 * other request, lease renewals included.
 */
import type { Simulation } from "../sim/index.js";
import { ProcessorSharingStation, type JobCallback } from "./processor-sharing.js";

export interface EtcdConfig {
  /** Parallel service units (the leader's usable cores). */
  serviceUnits: number;
}

export class Etcd {
  private readonly station: ProcessorSharingStation;

  constructor(sim: Simulation, config: EtcdConfig) {
    this.station = new ProcessorSharingStation(sim, config.serviceUnits);
  }

  /** A read or write needing `serviceSeconds` of one unit; `onDone(arg)` when served. */
  submit<T>(serviceSeconds: number, onDone: JobCallback<T>, arg: T): void {
    this.station.submit(serviceSeconds, onDone, arg);
  }
}
