/**
 * Fleet-level measures of a run, read from the per-minute samples and the operations log:
 * when users were first hurt and how much, which clusters, when it was detected, how long
 * operators were locked out, when clusters recovered. Simulated clusters count with their
 * weight (the clusters of the fleet they stand for).
 */
import type { Scenario } from "../scenario/index.js";
import type { OpsEvent } from "./ops/index.js";
import type { ClusterClassResult } from "./cluster-result.js";

/** A minute whose user-facing success rate is below this hurts users (assumed: two nines). */
export const IMPACT_SUCCESS_THRESHOLD = 0.99;
/** A recovered cluster's apiservers answer within the scalability SLO (1 s p99). */
export const RECOVERED_P99_SECONDS = 1;
/** ... and it has its nodes back (assumed: 95% of them Ready). */
export const RECOVERED_NODE_FRACTION = 0.95;

export interface ProductMinute {
  t: number;
  /** Fleet-wide success rate of the product's requests in the minute (1 when none were sent). */
  success: number;
}

export interface FleetOutcomes {
  /** Per product: the fleet-wide success rate minute by minute. */
  productSuccess: Record<string, ProductMinute[]>;
  /** Per product: Σ over minutes of the failed share of requests (a minute at 40 % errors counts 0.4). */
  errorMinutes: Record<string, number>;
  /** Clusters of the fleet with at least one minute of impact. */
  clustersAffected: number;
  /** Clusters of the fleet whose apiservers were all down at some minute. */
  controlPlanesLost: number;
  /** First time a cluster's apiservers were all down (s), if ever. */
  firstControlPlaneDownSeconds: number | undefined;
  /** First minute of fleet-wide impact on any product (s). */
  impactStartSeconds: number | undefined;
  /** The minute of the lowest fleet-wide success over all products (s), if users were hurt. */
  peakImpactSeconds: number | undefined;
  /** The lowest fleet-wide success of a minute; absent when the scenario has no products. */
  peakImpactSuccess: number | undefined;
  /** First minute a cluster had user impact or lost every apiserver (s): what recovery ends. */
  incidentStartSeconds: number | undefined;
  /** The first alert notification (s). */
  detectedSeconds: number | undefined;
  /** Operators locked out: first failed API action to the first accepted one, summed over clusters (s). */
  lockoutSeconds: number;
  /** Longest lockout of one cluster (s). */
  longestLockoutSeconds: number;
  /**
   * First and last cluster of the incident back to good health for the rest of the run (s):
   * users served, apiservers up and within the SLO, DNS resolving, nodes back. A cluster of the
   * incident is one whose users were hurt or whose apiservers were all down at some minute.
   * Absent when no cluster recovered (first) or some never did (all), or there was no incident.
   */
  firstRecoveredSeconds: number | undefined;
  allRecoveredSeconds: number | undefined;
  /** Clusters of the incident (weighted) still unhealthy at the end of the run. */
  unrecoveredClusters: number;
}

export function measureOutcomes(
  clusters: ClusterClassResult[],
  events: OpsEvent[],
  scenario: Scenario,
): FleetOutcomes {
  const products = scenario.workloads?.products.map((p) => p.name) ?? [];
  const { productSuccess, errorMinutes, overall } = productMinutes(clusters, products);
  let impactStartSeconds: number | undefined;
  let peak: ProductMinute | undefined;
  for (const minute of overall) {
    if (minute.success < IMPACT_SUCCESS_THRESHOLD && impactStartSeconds === undefined) {
      impactStartSeconds = minute.t;
    }
    if (peak === undefined || minute.success < peak.success) peak = minute;
  }
  const notified = events.find((e) => e.kind === "alert-notified");
  const lockouts = lockoutDurations(events, scenario.durationSeconds);
  return {
    productSuccess,
    errorMinutes,
    ...clusterMeasures(clusters, products),
    impactStartSeconds,
    peakImpactSeconds:
      peak !== undefined && peak.success < IMPACT_SUCCESS_THRESHOLD ? peak.t : undefined,
    peakImpactSuccess: products.length === 0 ? undefined : (peak?.success ?? 1),
    detectedSeconds: notified?.t,
    lockoutSeconds: lockouts.reduce((sum, d) => sum + d, 0),
    longestLockoutSeconds: Math.max(0, ...lockouts),
  };
}

/** Fleet-wide success per product and over all products, minute by minute, weighted. */
function productMinutes(
  clusters: ClusterClassResult[],
  products: string[],
): Pick<FleetOutcomes, "productSuccess" | "errorMinutes"> & { overall: ProductMinute[] } {
  const minutes = Math.max(0, ...clusters.map((c) => c.minutes.length));
  const productSuccess: Record<string, ProductMinute[]> = {};
  const errorMinutes: Record<string, number> = {};
  const overall: ProductMinute[] = [];
  for (let m = 0; m < minutes; m++) {
    let allRequests = 0;
    let allOk = 0;
    let t = 0;
    for (const product of products) {
      let requests = 0;
      let ok = 0;
      for (const cluster of clusters) {
        const sample = cluster.minutes[m];
        if (sample === undefined) continue;
        t = sample.t;
        const offered = (sample.productRequests[product] ?? 0) * cluster.count;
        requests += offered;
        ok += offered * (sample.products[product] ?? 1);
      }
      const success = requests === 0 ? 1 : ok / requests;
      (productSuccess[product] ??= []).push({ t, success });
      errorMinutes[product] = (errorMinutes[product] ?? 0) + (1 - success);
      allRequests += requests;
      allOk += ok;
    }
    overall.push({ t, success: allRequests === 0 ? 1 : allOk / allRequests });
  }
  return { productSuccess, errorMinutes, overall };
}

type ClusterMeasures = Pick<
  FleetOutcomes,
  | "clustersAffected"
  | "controlPlanesLost"
  | "firstControlPlaneDownSeconds"
  | "incidentStartSeconds"
  | "firstRecoveredSeconds"
  | "allRecoveredSeconds"
  | "unrecoveredClusters"
>;

/** Which clusters were hurt or lost their control plane, and when each recovered. */
function clusterMeasures(clusters: ClusterClassResult[], products: string[]): ClusterMeasures {
  const m: ClusterMeasures = {
    clustersAffected: 0,
    controlPlanesLost: 0,
    firstControlPlaneDownSeconds: undefined,
    incidentStartSeconds: undefined,
    firstRecoveredSeconds: undefined,
    allRecoveredSeconds: undefined,
    unrecoveredClusters: 0,
  };
  const earliest = (a: number | undefined, b: number) => (a === undefined || b < a ? b : a);
  for (const cluster of clusters) {
    const hurt = cluster.minutes.map((s) => minuteSuccess(s, products) < IMPACT_SUCCESS_THRESHOLD);
    const down = cluster.minutes.find((s) => s.readyReplicas === 0);
    if (down !== undefined) {
      m.controlPlanesLost += cluster.count;
      m.firstControlPlaneDownSeconds = earliest(m.firstControlPlaneDownSeconds, down.t);
    }
    if (hurt.includes(true)) m.clustersAffected += cluster.count;
    const hurtAt = hurt.indexOf(true);
    const incidentAt = Math.min(
      hurtAt < 0 ? Infinity : cluster.minutes[hurtAt].t,
      down === undefined ? Infinity : down.t,
    );
    if (incidentAt === Infinity) continue;
    m.incidentStartSeconds = earliest(m.incidentStartSeconds, incidentAt);
    // Recovered: from this minute on, users are served and the cluster is whole again: its
    // control plane answers within the SLO, DNS resolves, and its nodes are back.
    const healthy = cluster.minutes.map(
      (s, i) =>
        !hurt[i] &&
        s.readyReplicas > 0 &&
        // No answer to time in a minute with ready replicas: nothing was slow.
        (s.apiserverP99Seconds ?? 0) <= RECOVERED_P99_SECONDS &&
        s.dnsSuccess >= IMPACT_SUCCESS_THRESHOLD &&
        s.nodesReady >= RECOVERED_NODE_FRACTION * cluster.nodes,
    );
    const lastUnhealthy = healthy.lastIndexOf(false);
    if (lastUnhealthy === cluster.minutes.length - 1) {
      m.unrecoveredClusters += cluster.count;
      continue;
    }
    const recoveredAt = cluster.minutes[lastUnhealthy + 1].t;
    m.firstRecoveredSeconds = earliest(m.firstRecoveredSeconds, recoveredAt);
    if (m.allRecoveredSeconds === undefined || recoveredAt > m.allRecoveredSeconds) {
      m.allRecoveredSeconds = recoveredAt;
    }
  }
  if (m.unrecoveredClusters > 0) m.allRecoveredSeconds = undefined;
  return m;
}

/** A cluster's user-facing success in one minute over all products, by their traffic. */
function minuteSuccess(sample: ClusterClassResult["minutes"][number], products: string[]): number {
  let requests = 0;
  let ok = 0;
  for (const product of products) {
    requests += sample.productRequests[product] ?? 0;
    ok += (sample.productRequests[product] ?? 0) * (sample.products[product] ?? 1);
  }
  return requests === 0 ? 1 : ok / requests;
}

/** Per cluster: from its first failed API attempt to its first accepted one (or the end). */
function lockoutDurations(events: OpsEvent[], end: number): number[] {
  const firstFailure = new Map<string, number>();
  const firstSuccessAfter = new Map<string, number>();
  for (const event of events) {
    if (event.kind !== "action-attempt" || event.cluster === undefined) continue;
    if (event.ok === false && !firstFailure.has(event.cluster))
      firstFailure.set(event.cluster, event.t);
    if (
      event.ok === true &&
      firstFailure.has(event.cluster) &&
      !firstSuccessAfter.has(event.cluster)
    ) {
      firstSuccessAfter.set(event.cluster, event.t);
    }
  }
  return [...firstFailure].map(([cluster, from]) => (firstSuccessAfter.get(cluster) ?? end) - from);
}
