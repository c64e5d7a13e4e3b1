/** A data plane whose DNS and endpoint answers tests set directly. */
import type { DataPlaneInputs } from "../../src/model/workloads/index.js";

export class FakeDataPlane implements DataPlaneInputs {
  /** Resolution success per service (any client), or per "client->service" pair. */
  readonly resolve = new Map<string, number>();
  readonly endpoints = new Map<string, number>();

  resolveSuccess(client: string, service: string): number {
    return this.resolve.get(`${client}->${service}`) ?? this.resolve.get(service) ?? 1;
  }

  readyEndpointFraction(service: string): number {
    return this.endpoints.get(service) ?? 1;
  }
}
