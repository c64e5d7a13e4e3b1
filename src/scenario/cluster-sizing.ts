/**
 * Defaults that depend on the size of the cluster they describe, so that a large cluster with
 * every default is not broken from its first second (sources in docs/model.md, "Defaults that
 * follow the cluster's size").
 */

const GiB = 2 ** 30;

/** Typical stored size of each object kind in etcd (bytes); the model's object sizes. */
export const OBJECT_BYTES = { pods: 10_000, nodes: 15_000, leases: 500 } as const;

/** etcd's default --quota-backend-bytes (etcd docs, "System limits"). */
export const ETCD_DEFAULT_QUOTA_BYTES = 2 * GiB;

/** etcd's suggested maximum quota for normal environments (etcd docs, "System limits"). */
export const ETCD_SUGGESTED_MAX_QUOTA_BYTES = 8 * GiB;

/**
 * Share of the quota the stored objects may take at the start: the rest holds the revisions
 * written between two compactions (every 5 min) before the database can be compacted.
 * Assumed: half.
 */
const STORED_SHARE_OF_QUOTA = 0.5;

/** Bytes etcd stores for a cluster's nodes, their leases and its pods. */
export function storedBytesEstimate(nodes: number, podsPerNode: number): number {
  return (
    nodes * (OBJECT_BYTES.nodes + OBJECT_BYTES.leases) +
    Math.round(nodes * podsPerNode) * OBJECT_BYTES.pods
  );
}

/**
 * The etcd quota an operator would run: etcd's default while the objects fill at most half of
 * it, else etcd's suggested maximum; undefined when even that is too small (the scenario must
 * then name its quota).
 */
export function defaultEtcdQuotaBytes(storedBytes: number): number | undefined {
  for (const quota of [ETCD_DEFAULT_QUOTA_BYTES, ETCD_SUGGESTED_MAX_QUOTA_BYTES]) {
    if (storedBytes <= quota * STORED_SHARE_OF_QUOTA) return quota;
  }
  return undefined;
}
