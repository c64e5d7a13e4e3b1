/**
 * The etcd cluster behind one control plane. Reads and writes share its throughput, so its
 * latency grows with load and with the size of range reads: one huge range read slows every
 * other request, lease renewals included. It also keeps a database that grows with writes until
 * compaction, holds range responses in memory while it sends them, and refuses writes once the
 * database passes its quota (the NOSPACE alarm, which stays until an operator defragments).
 */
import type { Simulation } from "../sim/index.js";
import { ProcessorSharingStation, type JobCallback } from "./processor-sharing.js";

export interface EtcdConfig {
  /** Parallel service units (the leader's usable cores). */
  serviceUnits: number;
  /** --quota-backend-bytes: writes fail once the database is larger. */
  quotaBytes: number;
  /** The apiserver compacts old revisions this often (--etcd-compaction-interval). */
  compactionIntervalSeconds: number;
  /** Resident memory besides the database and in-flight responses. */
  baseMemoryBytes: number;
}

export class Etcd {
  private readonly station: ProcessorSharingStation;
  /** Bytes written since the last compaction: old revisions kept in the database. */
  private historyBytes = 0;
  private inFlightBytes = 0;
  /** The database file: compaction frees pages for reuse but never shrinks it. */
  dbSizeBytes: number;
  peakMemoryBytes = 0;
  /** Set when the database passed its quota; writes fail from then on. */
  noSpaceAlarm = false;

  constructor(
    private readonly sim: Simulation,
    private readonly config: EtcdConfig,
    private readonly storedBytes: number,
  ) {
    this.station = new ProcessorSharingStation(sim, config.serviceUnits);
    this.dbSizeBytes = storedBytes;
    this.noteMemory();
    sim.schedule(config.compactionIntervalSeconds, this.onCompaction, this);
  }

  get memoryBytes(): number {
    return this.config.baseMemoryBytes + this.dbSizeBytes + this.inFlightBytes;
  }

  /** A range read returning `bytes`; held in memory until served. */
  read<T>(serviceSeconds: number, bytes: number, onDone: JobCallback<T>, arg: T): void {
    this.inFlightBytes += bytes;
    this.noteMemory();
    this.station.submit(serviceSeconds, this.afterRead, {
      bytes,
      onDone: onDone as JobCallback<unknown>,
      arg,
    });
  }

  private readonly afterRead = (job: {
    bytes: number;
    onDone: JobCallback<unknown>;
    arg: unknown;
  }): void => {
    this.inFlightBytes -= job.bytes;
    job.onDone(job.arg);
  };

  /** A write of `bytes`; false (and nothing written) when the NOSPACE alarm is raised. */
  write<T>(serviceSeconds: number, bytes: number, onDone: JobCallback<T>, arg: T): boolean {
    if (this.noSpaceAlarm) return false;
    this.historyBytes += bytes;
    this.dbSizeBytes = Math.max(this.dbSizeBytes, this.storedBytes + this.historyBytes);
    if (this.dbSizeBytes > this.config.quotaBytes) this.noSpaceAlarm = true;
    this.noteMemory();
    this.station.submit(serviceSeconds, onDone, arg);
    return true;
  }

  private noteMemory(): void {
    if (this.memoryBytes > this.peakMemoryBytes) this.peakMemoryBytes = this.memoryBytes;
  }

  private readonly onCompaction = (): void => {
    this.historyBytes = 0;
    this.sim.schedule(this.config.compactionIntervalSeconds, this.onCompaction, this);
  };
}
