/**
 * The service dependency graph: names resolved to indices, edges checked, cycles rejected, and
 * a topological order (callers before the services they call) for load and success passes.
 */
import {
  DEFAULT_CALLS_PER_REQUEST,
  requireNonNegative,
  type ProductSpec,
  type ServiceSpec,
} from "./config.js";

export interface DependencyEdge {
  caller: number;
  callee: number;
  callsPerRequest: number;
}

export interface ProductEntries {
  name: string;
  entries: readonly number[];
  requestsPerSecond: number;
}

export class DependencyCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`service dependencies form a cycle: ${cycle.join(" -> ")}`);
    this.name = "DependencyCycleError";
  }
}

export class DependencyGraph {
  readonly names: readonly string[];
  /** Outgoing edges of each service. */
  readonly calls: readonly (readonly DependencyEdge[])[];
  /** Callers before callees: every edge goes from an earlier to a later position. */
  readonly topologicalOrder: readonly number[];
  readonly products: readonly ProductEntries[];
  private readonly indexByName: ReadonlyMap<string, number>;

  constructor(services: readonly ServiceSpec[], products: readonly ProductSpec[]) {
    const indexByName = new Map<string, number>();
    services.forEach((service, index) => {
      if (indexByName.has(service.name)) {
        throw new Error(`service "${service.name}" is defined twice`);
      }
      indexByName.set(service.name, index);
    });
    this.indexByName = indexByName;
    this.names = services.map((s) => s.name);
    this.calls = services.map((service, caller) =>
      (service.dependsOn ?? []).map((dependency) => {
        const spec = typeof dependency === "string" ? { service: dependency } : dependency;
        const callee = this.lookup(spec.service, `dependency of "${service.name}"`);
        const callsPerRequest = requireNonNegative(
          spec.callsPerRequest ?? DEFAULT_CALLS_PER_REQUEST,
          `callsPerRequest of ${service.name} -> ${spec.service}`,
        );
        return { caller, callee, callsPerRequest };
      }),
    );
    this.topologicalOrder = this.sortOrRejectCycle();
    const productNames = new Set<string>();
    this.products = products.map((product) => {
      if (productNames.has(product.name)) {
        throw new Error(`product "${product.name}" is defined twice`);
      }
      productNames.add(product.name);
      if (product.entryServices.length === 0) {
        throw new Error(`product "${product.name}" has no entry service`);
      }
      return {
        name: product.name,
        entries: product.entryServices.map((name) =>
          this.lookup(name, `entry service of product "${product.name}"`),
        ),
        requestsPerSecond: requireNonNegative(
          product.requestsPerSecond,
          `requestsPerSecond of product ${product.name}`,
        ),
      };
    });
  }

  get size(): number {
    return this.names.length;
  }

  indexOf(name: string): number {
    return this.lookup(name, "service");
  }

  private lookup(name: string, role: string): number {
    const index = this.indexByName.get(name);
    if (index === undefined) throw new Error(`unknown service "${name}" (${role})`);
    return index;
  }

  // Depth-first search; a back edge to a service on the current path closes a cycle, which is
  // reported as the path from that service round to itself.
  private sortOrRejectCycle(): number[] {
    const unvisited = 0;
    const onPath = 1;
    const done = 2;
    const state = new Uint8Array(this.size);
    const postOrder: number[] = [];
    const path: number[] = [];
    const visit = (service: number): void => {
      state[service] = onPath;
      path.push(service);
      for (const edge of this.calls[service]) {
        if (state[edge.callee] === onPath) {
          const cycle = path.slice(path.indexOf(edge.callee)).concat(edge.callee);
          throw new DependencyCycleError(cycle.map((i) => this.names[i]));
        }
        if (state[edge.callee] === unvisited) visit(edge.callee);
      }
      path.pop();
      state[service] = done;
      postOrder.push(service);
    };
    for (let service = 0; service < this.size; service++) {
      if (state[service] === unvisited) visit(service);
    }
    return postOrder.reverse();
  }
}
