/**
 * kube-controller-manager's leader election as a component: it renews its leader lease every
 * retry period through the apiservers, and its controllers (node lifecycle, endpoints,
 * ReplicaSet) act only while the last renewal is within the renew deadline.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import type { ControllerApi } from "../../model/nodes/index.js";
import { PeriodicCallers } from "../../model/clients/periodic-callers.js";
import { CLUSTER_SPEC, CONTROL_PLANE, CONTROLLER_API } from "./ports.js";
import { DATA_PLANE_DEFAULTS, template } from "./defaults.js";

export class LeaderElectionComponent implements Component {
  readonly name = "kube-controller-manager-leader-election";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE];
  readonly provides = [CONTROLLER_API];
  private renewedAt = 0;

  attach(context: ComponentContext): void {
    const { sim } = context;
    const { name, spec } = context.get(CLUSTER_SPEC);
    const cluster = context.get(CONTROL_PLANE).cluster;
    const d = DATA_PLANE_DEFAULTS;
    new PeriodicCallers(
      sim,
      {
        name: `${name}/kube-controller-manager-leader-election`,
        members: 1,
        template: template(
          "kube-controller-manager renew leader lease",
          "update",
          "leases",
          "coordination.k8s.io",
        ),
        userOf: () => ({
          name: "system:kube-controller-manager",
          groups: ["system:authenticated"],
        }),
        periodSeconds: d.leaderElectionRetrySeconds,
        startOf: () => 0,
        qps: 20,
        burst: 30,
        retry: { kind: "client-go", maxRetries: 0, version: spec.kubernetesVersion },
        onOutcome: (_member, ok) => {
          if (ok) this.renewedAt = sim.now;
        },
      },
      cluster,
    );
    const api: ControllerApi = {
      reachable: () => sim.now - this.renewedAt <= d.leaderElectionRenewDeadlineSeconds,
    };
    context.provide(CONTROLLER_API, api);
  }
}

/** Without a data plane the controllers are as reachable as the apiservers. */
export class ApiserverReachabilityComponent implements Component {
  readonly name = "controller-api";
  readonly needs = [CONTROL_PLANE];
  readonly provides = [CONTROLLER_API];

  attach(context: ComponentContext): void {
    const cluster = context.get(CONTROL_PLANE).cluster;
    context.provide(CONTROLLER_API, { reachable: () => cluster.readyCount > 0 });
  }
}
