/**
 * How many objects of each resource a cluster of N nodes holds, how big they are and how often
 * each changes. Pods, nodes and leases take the simulator's sizes (CONTROL_PLANE_DEFAULTS); the
 * rest are assumptions documented in docs/preflight.md.
 */
import { CONTROL_PLANE_DEFAULTS } from "../fleet/build-cluster.js";

export interface ResourceProfile {
  /** Objects = constant + perNode·N + perPod·pods. */
  constant: number;
  perNode: number;
  perPod: number;
  averageObjectBytes: number;
  /** Updates per object per second (watch events each watcher receives per object). */
  updatesPerObjectPerSecond: number;
}

const SIZES = CONTROL_PLANE_DEFAULTS.objectBytes;

const profile = (
  constant: number,
  perNode: number,
  perPod: number,
  averageObjectBytes: number,
  updatesPerObjectPerSecond: number,
): ResourceProfile => ({
  constant,
  perNode,
  perPod,
  averageObjectBytes,
  updatesPerObjectPerSecond,
});

export const RESOURCE_PROFILES: ReadonlyMap<string, ResourceProfile> = new Map([
  // Node status is reported every 5 min (kubernetes-facts §4); pods change every 10 min (assumed).
  ["pods", profile(0, 0, 1, SIZES.pods, 1 / 600)],
  ["nodes", profile(0, 1, 0, SIZES.nodes, 1 / 300)],
  // One Lease per node, renewed every 10 s (kubernetes-facts §4).
  ["leases", profile(0, 1, 0, SIZES.leases, 1 / 10)],
  // 10,000 services at the 5,000-node threshold (kubernetes-facts §2): 2 per node.
  ["services", profile(0, 2, 0, 1_500, 1 / 3600)],
  ["endpoints", profile(0, 2, 0, 5_000, 1 / 600)],
  ["endpointslices", profile(0, 2, 0, 5_000, 1 / 600)],
  ["replicasets", profile(0, 0, 0.2, 3_000, 1 / 3600)],
  ["deployments", profile(0, 0, 0.1, 3_000, 1 / 3600)],
  ["statefulsets", profile(0, 0, 0.02, 3_000, 1 / 3600)],
  ["daemonsets", profile(20, 0, 0, 3_000, 1 / 3600)],
  ["jobs", profile(0, 0, 0.05, 3_000, 1 / 3600)],
  ["cronjobs", profile(50, 0, 0, 2_000, 1 / 3600)],
  ["configmaps", profile(0, 0, 0.2, 5_000, 1 / 3600)],
  ["secrets", profile(0, 0, 0.2, 5_000, 1 / 3600)],
  ["events", profile(0, 0, 1, 1_000, 1 / 3600)],
  ["namespaces", profile(100, 0, 0, 1_000, 1 / 86_400)],
]);

/** Anything else (CRDs, policies, storage classes): a constant, small population (assumed). */
export const DEFAULT_RESOURCE_PROFILE: ResourceProfile = profile(100, 0, 0, 2_000, 1 / 3600);

/** Namespaces a namespaced LIST divides the cluster among (assumed: even split). */
export const ASSUMED_NAMESPACES = 100;

export function resourceProfile(resource: string): ResourceProfile {
  return RESOURCE_PROFILES.get(resource) ?? DEFAULT_RESOURCE_PROFILE;
}

export function objectCount(resource: string, nodes: number, podsPerNode: number): number {
  const p = resourceProfile(resource);
  return Math.round(p.constant + p.perNode * nodes + p.perPod * nodes * podsPerNode);
}

/** True when the resource's population grows with the number of nodes. */
export function scalesWithNodes(resource: string): boolean {
  const p = resourceProfile(resource);
  return p.perNode > 0 || p.perPod > 0;
}
