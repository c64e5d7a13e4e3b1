/**
 * The data plane's success rates at one instant, from DNS, endpoints and ready capacity.
 *
 * A call from C to S succeeds with probability
 *   resolve(C, S) x endpoint(S) x capacityFactor(S) x prod over S's calls of their success,
 * recursively down the dependency DAG. Load flows the other way: only calls that resolve and
 * reach a ready pod arrive at S, and only the requests S has capacity for call onwards.
 */
import { USER_CLIENT } from "./config.js";
import type { DependencyGraph } from "./dependency-graph.js";

/** What the rest of the cluster model tells the data plane; the integrator implements it. */
export interface DataPlaneInputs {
  /** Fraction of lookups of `service` by pods of `client` that resolve to a usable answer now. */
  resolveSuccess(client: string, service: string): number;
  /**
   * Fraction of connections to the endpoints clients hold for `service` that reach a ready pod
   * now: 1 while endpoints are fresh; lower when they list pods that are gone (stale while the
   * control plane is down) or the network path is broken. Capacity of the ready pods is
   * accounted separately, from the pod model.
   */
  readyEndpointFraction(service: string): number;
}

/** Per-service and per-product rates at one instant. */
export interface DataPlaneSnapshot {
  /** Requests per second arriving at each service's pods. */
  offeredPerSecond: Float64Array;
  /** Fraction of arriving requests the ready pods have capacity for. */
  capacityFactor: Float64Array;
  /** Probability that a request arriving at the service's pods succeeds end to end. */
  serviceSuccess: Float64Array;
  /** User requests per second of each product (base rate x traffic weight). */
  productOffered: Float64Array;
  /** Probability that a user request of the product succeeds end to end. */
  productSuccess: Float64Array;
  /**
   * Calls per second each service makes along each of its edges (`graph.calls[s][e]`), before
   * name resolution: what its pods ask DNS for, absent client-side caching.
   */
  callsPerSecond: Float64Array[];
}

export interface DataPlaneState {
  readyPods: ArrayLike<number>;
  requestsPerSecondPerPod: ArrayLike<number>;
  /** Traffic weight of each product, in the graph's product order. */
  trafficWeights: ArrayLike<number>;
}

function clampFraction(value: number, what: string): number {
  if (Number.isNaN(value)) throw new RangeError(`${what} is NaN`);
  return Math.min(1, Math.max(0, value));
}

export function evaluateDataPlane(
  graph: DependencyGraph,
  inputs: DataPlaneInputs,
  state: DataPlaneState,
): DataPlaneSnapshot {
  const n = graph.size;
  const names = graph.names;
  const endpoint = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    endpoint[s] = clampFraction(
      inputs.readyEndpointFraction(names[s]),
      `readyEndpointFraction("${names[s]}")`,
    );
  }
  const resolve = (client: string, service: number): number =>
    clampFraction(
      inputs.resolveSuccess(client, names[service]),
      `resolveSuccess("${client}", "${names[service]}")`,
    );

  // Users' requests arrive at the entry services.
  const offered = new Float64Array(n);
  const products = graph.products;
  const productOffered = new Float64Array(products.length);
  const userReach = products.map((product, p) => {
    productOffered[p] = product.requestsPerSecond * Math.max(0, state.trafficWeights[p]);
    return product.entries.map((entry) => {
      const reach = resolve(USER_CLIENT, entry) * endpoint[entry];
      offered[entry] += productOffered[p] * reach;
      return reach;
    });
  });

  // Callers first: a service's arrivals are complete before it passes load on.
  const capacityFactor = new Float64Array(n);
  const edgeReach = graph.calls.map((edges) => new Float64Array(edges.length));
  const callsPerSecond = graph.calls.map((edges) => new Float64Array(edges.length));
  for (const s of graph.topologicalOrder) {
    const ready = state.readyPods[s];
    const capacity = ready * state.requestsPerSecondPerPod[s];
    capacityFactor[s] = ready <= 0 ? 0 : offered[s] <= capacity ? 1 : capacity / offered[s];
    const served = offered[s] * capacityFactor[s];
    graph.calls[s].forEach((edge, e) => {
      const reach = resolve(names[s], edge.callee) * endpoint[edge.callee];
      edgeReach[s][e] = reach;
      callsPerSecond[s][e] = served * edge.callsPerRequest;
      offered[edge.callee] += callsPerSecond[s][e] * reach;
    });
  }

  // Callees first: a service succeeds when it has capacity and all its calls succeed.
  const serviceSuccess = new Float64Array(n);
  const order = graph.topologicalOrder;
  for (let i = order.length - 1; i >= 0; i--) {
    const s = order[i];
    let success = capacityFactor[s];
    graph.calls[s].forEach((edge, e) => {
      success *= (edgeReach[s][e] * serviceSuccess[edge.callee]) ** edge.callsPerRequest;
    });
    serviceSuccess[s] = success;
  }

  const productSuccess = new Float64Array(products.length);
  products.forEach((product, p) => {
    let success = 1;
    product.entries.forEach((entry, k) => {
      success *= userReach[p][k] * serviceSuccess[entry];
    });
    productSuccess[p] = success;
  });
  return {
    offeredPerSecond: offered,
    capacityFactor,
    serviceSuccess,
    productOffered,
    productSuccess,
    callsPerSecond,
  };
}
