/**
 * The stub resolver's search-list walk (resolv.conf(5)): which fully qualified names one
 * lookup tries, in order, and which of them answers. Pure functions.
 */
import type { ResolverSettings } from "./config.js";

/** One fully qualified name the resolver asks for. */
export interface Candidate {
  fqdn: string;
  /** Answered by CoreDNS's `kubernetes` plugin (its store), not forwarded upstream. */
  clusterZone: boolean;
  /** This is the name that exists: a positive answer. Every other candidate is NXDOMAIN. */
  answers: boolean;
}

/** The search list kubelet writes into a pod's resolv.conf (ClusterFirst DNS policy). */
export function podSearchDomains(
  namespace: string,
  clusterDomain: string,
  hostSearchDomains: readonly string[],
): string[] {
  return [
    `${namespace}.svc.${clusterDomain}`,
    `svc.${clusterDomain}`,
    clusterDomain,
    ...hostSearchDomains,
  ];
}

function inZone(fqdn: string, zone: string): boolean {
  return fqdn === zone || fqdn.endsWith(`.${zone}`);
}

/**
 * Whether a cluster-zone name is a Service's name, `<service>.<namespace>.svc.<zone>`. The
 * model assumes every Service name a workload looks up exists.
 */
function isServiceName(fqdn: string, clusterDomain: string): boolean {
  const suffix = `.svc.${clusterDomain}`;
  if (!fqdn.endsWith(suffix)) return false;
  return fqdn.slice(0, -suffix.length).split(".").length === 2;
}

/**
 * The names one lookup of `name` tries, in resolver order: with fewer than `ndots` dots (and
 * no trailing dot) each search domain first, then the name as is; otherwise the name as is
 * first, then the search domains. A lookup stops at the candidate that answers; the names
 * after it are asked only when that one failed (glibc goes on after a SERVFAIL).
 *
 * `isService` says whether `name` refers to an in-cluster Service (then the candidate that
 * answers is the one of Service form) or to an external name (then the absolute name answers).
 */
export function searchCandidates(
  name: string,
  isService: boolean,
  searchDomains: readonly string[],
  clusterDomain: string,
  settings: Pick<ResolverSettings, "ndots">,
): Candidate[] {
  const absoluteOnly = name.endsWith(".");
  const bare = absoluteOnly ? name.slice(0, -1) : name;
  const dots = bare.split(".").length - 1;
  const expanded = searchDomains.map((domain) => `${bare}.${domain}`);
  const order = absoluteOnly
    ? [bare]
    : dots >= settings.ndots
      ? [bare, ...expanded]
      : [...expanded, bare];
  let found = false;
  return order.map((fqdn) => {
    const clusterZone = inZone(fqdn, clusterDomain);
    const exists = isService
      ? clusterZone && isServiceName(fqdn, clusterDomain)
      : fqdn === bare && !clusterZone;
    const answers = exists && !found;
    found ||= answers;
    return { fqdn, clusterZone, answers };
  });
}
