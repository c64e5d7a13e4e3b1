/**
 * How operators reach a cluster, as a component: kubectl through the load balancer or the
 * break-glass path, the network block of the admin API, and the apiserver scale-up.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import { ApiClient } from "../../model/clients/api-client.js";
import { STATUS_OK } from "../../model/request.js";
import type { UserInfo } from "../../k8s/index.js";
import type { ApiActionKind, ApiPath } from "../ops/index.js";
import { CONTROL_PLANE_DEFAULTS } from "../control-plane-defaults.js";
import type { Cluster } from "../../model/cluster.js";
import {
  AGENTS,
  CLUSTER_SPEC,
  CONTROL_PLANE,
  OPERATOR_ACCESS,
  type ClusterSpec,
  type OperatorAccessPort,
} from "./ports.js";
import { DATA_PLANE_DEFAULTS, OPERATOR_USERS, template } from "./defaults.js";

export class OperatorAccessComponent implements Component, OperatorAccessPort {
  readonly name = "operator-access";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE];
  readonly provides = [OPERATOR_ACCESS];
  private operatorClient!: ApiClient;
  private breakGlassClient!: ApiClient;
  private apiservers!: Cluster;
  private cluster!: ClusterSpec;
  private context!: ComponentContext;

  attach(context: ComponentContext): void {
    this.context = context;
    this.cluster = context.get(CLUSTER_SPEC);
    this.apiservers = context.get(CONTROL_PLANE).cluster;
    const client = (name: string, user: UserInfo): ApiClient =>
      new ApiClient(
        context.sim,
        {
          name,
          user,
          qps: 5,
          burst: 10,
          maxRetries: CONTROL_PLANE_DEFAULTS.clientGoMaxRetries,
          version: this.cluster.spec.kubernetesVersion,
        },
        this.apiservers,
      );
    const name = this.cluster.name;
    this.operatorClient = client(
      `${name}/operator`,
      OPERATOR_USERS[this.cluster.operators.identity],
    );
    this.breakGlassClient = client(
      `${name}/operator-break-glass`,
      OPERATOR_USERS["system:masters"],
    );
    this.breakGlassClient.useTransport(this.apiservers.breakGlass);
    context.provide(OPERATOR_ACCESS, this);
  }

  apiAction(action: ApiActionKind, path: ApiPath, done: (ok: boolean) => void): void {
    if (path === "break-glass" && this.apiservers.breakGlassReplica === undefined) {
      done(false);
      return;
    }
    const client = path === "break-glass" ? this.breakGlassClient : this.operatorClient;
    // Rolling back a DaemonSet that did not exist before is deleting it.
    const request =
      action === "rollback"
        ? template("operator rollback daemonset", "delete", "daemonsets", "apps")
        : template("operator delete daemonset", "delete", "daemonsets", "apps");
    client.call(
      request,
      (status) => {
        const ok = status === STATUS_OK;
        const change = this.cluster.change;
        if (ok && change !== undefined)
          this.context.find(AGENTS)?.rollouts.get(change)?.deleteObject();
        done(ok);
      },
      null,
    );
  }

  blockAdminApi(blocked: boolean): void {
    const operators = new Set([
      OPERATOR_USERS["system:masters"].name,
      OPERATOR_USERS["cluster-admin"].name,
    ]);
    // The block keeps the cluster's own components (kubelets, controllers, kube-system) and
    // the operators; everything else, the expensive agents included, is refused.
    this.apiservers.blockUsers(
      blocked
        ? (user) =>
            !(
              user.startsWith("system:node:") ||
              user.startsWith("system:kube-") ||
              user.startsWith("system:serviceaccount:kube-system:") ||
              operators.has(user)
            )
        : undefined,
    );
  }

  scaleApiservers(replicas: number): void {
    const cluster = this.apiservers;
    const more = replicas - cluster.replicas.length;
    if (more > 0) {
      cluster.addReplicas(
        more,
        this.cluster.operators.runbook.apiserverProvisioningSeconds ??
          DATA_PLANE_DEFAULTS.apiserverProvisioningSeconds,
      );
    }
  }
}
