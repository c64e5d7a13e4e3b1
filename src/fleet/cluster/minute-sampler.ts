/**
 * One sample of the cluster per simulated minute, for charts and outcome measures, as a
 * component that reads the other components' ports.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import { AGENTS, CLUSTER_SPEC, CONTROL_PLANE, DNS, NODES, WORKLOADS } from "./ports.js";

/** One minute of what happened in the cluster. */
export interface MinuteSample {
  t: number;
  /** Absent when no request got an answer or timed out in the minute. */
  apiserverP99Seconds: number | undefined;
  rejected429PerSecond: number;
  /** Absent when no request was sent in the minute. */
  apiAvailability: number | undefined;
  readyReplicas: number;
  replicas: number;
  maxReplicaMemoryBytes: number;
  nodesReady: number;
  nodes: number;
  agentPods: number;
  dnsSuccess: number;
  coreDnsReady: number;
  products: Record<string, number>;
  productRequests: Record<string, number>;
}

const SAMPLE_SECONDS = 60;

export class MinuteSamplerComponent implements Component {
  readonly name = "minute-sampler";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE];
  readonly samples: MinuteSample[] = [];
  /** DNS success of the last sample: what the monitoring system shows until the next. */
  lastDnsSuccess = 1;
  private context!: ComponentContext;

  attach(context: ComponentContext): void {
    this.context = context;
  }

  /** Starts sampling; after the rest of the cluster, so a minute's sample sees its events. */
  start(): void {
    this.context.sim.schedule(SAMPLE_SECONDS, this.takeSample, this);
  }

  private readonly takeSample = (): void => {
    const context = this.context;
    const now = context.sim.now;
    const { spec } = context.get(CLUSTER_SPEC);
    const { cluster, tracker } = context.get(CONTROL_PLANE);
    const agents = context.find(AGENTS);
    const nodes = context.find(NODES);
    const dns = context.find(DNS);
    const workloads = context.find(WORKLOADS);
    const cp = tracker.signals(now);
    this.lastDnsSuccess = dns?.success() ?? 1;
    const products: Record<string, number> = {};
    const productRequests: Record<string, number> = {};
    if (workloads !== undefined) {
      for (const product of workloads.baselineProductRate.keys()) {
        const windows = workloads.workloads.productSuccessWindows(product);
        const last = windows.length > 0 ? windows[windows.length - 1] : undefined;
        // A minute with no requests (traffic moved away) has no failures.
        const rate = last?.successRate ?? workloads.workloads.productSuccess(product);
        products[product] = Number.isFinite(rate) ? rate : 1;
        productRequests[product] = last?.offeredRequests ?? 0;
      }
    }
    let agentPods = 0;
    for (const rollout of agents?.rollouts.values() ?? []) agentPods += rollout.runningPods;
    this.samples.push({
      t: now,
      apiserverP99Seconds: cp.apiserverP99Seconds,
      rejected429PerSecond: cp.rejected429PerSecond,
      apiAvailability: cp.apiAvailability,
      readyReplicas: cluster.readyCount,
      replicas: cluster.replicas.length,
      maxReplicaMemoryBytes: Math.max(...cluster.replicas.map((r) => r.memoryBytes)),
      nodesReady: nodes?.pool.readyCount ?? spec.nodes,
      nodes: nodes?.pool.liveCount ?? spec.nodes,
      agentPods,
      dnsSuccess: this.lastDnsSuccess,
      coreDnsReady: dns?.model.readyReplicas() ?? 0,
      products,
      productRequests,
    });
    context.sim.schedule(SAMPLE_SECONDS, this.takeSample, this);
  };
}
