/** What a run reports of one simulated cluster (one per class and wave, or per cluster). */
import type { InformersStats } from "../model/clients/informers.js";
import type { ClusterSummary } from "./control-plane-observer.js";
import type { MinuteSample } from "./cluster/index.js";

export interface ClusterClassResult extends ClusterSummary {
  /** The cluster class this simulated cluster belongs to. */
  className: string;
  /** Clusters of the fleet this simulated cluster stands for. */
  count: number;
  /** The pipeline wave that reaches it (1-based), if any. */
  wave: number | undefined;
  nodes: number;
  kubernetesVersion: string;
  apf: boolean;
  /** What each informer population went through. */
  informers: ({ name: string } & InformersStats)[];
  /** The rolled-out DaemonSet's pods: created, started; when the first and last started. */
  rollout:
    | { podsCreated: number; podsStarted: number; firstStarted: number; lastStarted: number }
    | undefined;
  /** Node lifecycle: evictions and the worst moment. */
  nodeLifecycle: { podsEvicted: number; minReadyNodes: number } | undefined;
  /** One sample per minute, for charts and outcome measures. */
  minutes: MinuteSample[];
}
