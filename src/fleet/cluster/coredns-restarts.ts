/**
 * CoreDNS pods restarting now and then (the scenario's `dns.restartsPerReplicaPerHour`): one
 * Poisson process for all replicas of a cluster.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import { CLUSTER_SPEC, DNS } from "./ports.js";

export class CoreDnsRestartsComponent implements Component {
  readonly name = "coredns-restarts";
  readonly needs = [CLUSTER_SPEC, DNS];

  attach(context: ComponentContext): void {
    const perHour = context.get(CLUSTER_SPEC).spec.dns.restartsPerReplicaPerHour ?? 0;
    if (!(perHour > 0)) return;
    const dns = context.get(DNS);
    const random = context.random();
    const meanGap = 3600 / (perHour * dns.replicas);
    const next = (): void => {
      dns.model.restartReplica(random.integer(0, dns.replicas - 1));
      context.sim.schedule(random.exponential(meanGap), next);
    };
    context.sim.schedule(random.exponential(meanGap), next);
  }
}
