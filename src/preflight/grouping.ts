/**
 * DaemonSets that split the nodes among them: one per architecture or OS (flannel ships one per
 * architecture, each with a nodeSelector on kubernetes.io/arch). Together they run one pod per
 * node, not one each, so they are judged, and reported, as one workload.
 */
import type { ApiCall, Workload } from "./types.js";

/** Architecture names that appear in per-architecture image tags and DaemonSet names. */
const ARCH_TOKEN = /[-_.]?(amd64|arm64|arm|ppc64le|s390x|x86_64|aarch64|386|windows|linux)\b/g;

function stripArch(text: string): string {
  return text.replace(ARCH_TOKEN, "");
}

/** What members of one group share: everything but the architecture they run on. */
function groupKey(workload: Workload, calls: readonly ApiCall[]): string | undefined {
  if (!workload.perNode || workload.placement.partition.length === 0) return undefined;
  return JSON.stringify([
    workload.namespace,
    workload.serviceAccount,
    workload.placement.rest,
    workload.containers.map((c) => [c.name, stripArch(c.image), c.args.map(stripArch)]),
    calls,
  ]);
}

/**
 * Indexes of the workloads grouped together, in input order; a workload alone is a group of
 * one. Members must have disjoint architecture/OS terms, so that no node runs two of them.
 */
export function groupDaemonSets(
  entries: readonly { workload: Workload; calls: readonly ApiCall[] }[],
): number[][] {
  const groups: number[][] = [];
  const open = new Map<string, { members: number[]; terms: Set<string> }>();
  entries.forEach(({ workload, calls }, index) => {
    const key = groupKey(workload, calls);
    const existing = key === undefined ? undefined : open.get(key);
    const terms = workload.placement.partition;
    if (existing !== undefined && terms.every((t) => !existing.terms.has(t))) {
      existing.members.push(index);
      for (const t of terms) existing.terms.add(t);
      return;
    }
    const group = { members: [index], terms: new Set(terms) };
    groups.push(group.members);
    if (key !== undefined) open.set(key, group);
  });
  return groups;
}
