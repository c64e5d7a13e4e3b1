/**
 * The FlowSchemas and PriorityLevelConfigurations an apiserver creates at start-up, per minor
 * version. Port of k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap/default.go: v0.29.0 through
 * v0.33.0 are identical; v0.34.0 drops the endpoint-controller and workload-leader-election
 * flow schemas (leader election on Endpoints/ConfigMaps is gone).
 *
 * Every call builds fresh objects, so callers may modify what they get.
 */
import { ALL_SERVICE_ACCOUNTS_GROUP } from "../authentication/serviceaccount.js";
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  KUBE_CONTROLLER_MANAGER,
  KUBE_SCHEDULER,
  NAMESPACE_SYSTEM,
  NODES_GROUP,
  SYSTEM_PRIVILEGED_GROUP,
} from "../authentication/user.js";
import { isAtLeast, type KubernetesVersion } from "../version.js";
import {
  API_GROUP_ALL,
  AUTO_UPDATE_ANNOTATION_KEY,
  FLOWCONTROL_API_VERSION,
  FLOW_SCHEMA_NAME_CATCH_ALL,
  FLOW_SCHEMA_NAME_EXEMPT,
  NAMESPACE_EVERY,
  NAME_ALL,
  NON_RESOURCE_ALL,
  PRIORITY_LEVEL_NAME_CATCH_ALL,
  PRIORITY_LEVEL_NAME_EXEMPT,
  RESOURCE_ALL,
  VERB_ALL,
  type FlowDistinguisherMethodType,
  type FlowSchema,
  type NonResourcePolicyRule,
  type PolicyRulesWithSubjects,
  type PriorityLevelConfiguration,
  type PriorityLevelConfigurationSpec,
  type ResourcePolicyRule,
  type Subject,
} from "./types.js";

const CORE_API_GROUP = "";
const COORDINATION_API_GROUP = "coordination.k8s.io";

export interface BootstrapConfiguration {
  priorityLevelConfigurations: PriorityLevelConfiguration[];
  flowSchemas: FlowSchema[];
}

/** Everything an apiserver of `version` creates: mandatory plus suggested objects. */
export function bootstrapConfiguration(version: KubernetesVersion): BootstrapConfiguration {
  return {
    priorityLevelConfigurations: [
      ...mandatoryPriorityLevelConfigurations(),
      ...suggestedPriorityLevelConfigurations(version),
    ],
    flowSchemas: [...mandatoryFlowSchemas(), ...suggestedFlowSchemas(version)],
  };
}

// ---- Priority levels ----

/** exempt and catch-all: recreated by the apiserver if deleted. */
export function mandatoryPriorityLevelConfigurations(): PriorityLevelConfiguration[] {
  return [mandatoryPriorityLevelCatchAll(), mandatoryPriorityLevelExempt()];
}

export function mandatoryPriorityLevelExempt(): PriorityLevelConfiguration {
  return priorityLevel(PRIORITY_LEVEL_NAME_EXEMPT, {
    type: "Exempt",
    exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 },
  });
}

export function mandatoryPriorityLevelCatchAll(): PriorityLevelConfiguration {
  return priorityLevel(PRIORITY_LEVEL_NAME_CATCH_ALL, {
    type: "Limited",
    limited: {
      nominalConcurrencyShares: 5,
      lendablePercent: 0,
      limitResponse: { type: "Reject" },
    },
  });
}

/** The suggested levels; unchanged from 1.29 to 1.34. */
export function suggestedPriorityLevelConfigurations(
  _version: KubernetesVersion,
): PriorityLevelConfiguration[] {
  return [
    // Self-maintenance of the cluster and running pods: kubelets, kube-proxy.
    queuedLevel("system", 30, 33, 64, 6),
    // Node health reporting, kept apart from "system" so heartbeats survive pod-startup load.
    queuedLevel("node-high", 40, 25, 64, 6),
    queuedLevel("leader-election", 10, 0, 16, 4),
    // kube-scheduler, kube-controller-manager and kube-system controllers.
    queuedLevel("workload-high", 40, 50, 128, 6),
    // Other service accounts.
    queuedLevel("workload-low", 100, 90, 128, 6),
    queuedLevel("global-default", 20, 50, 128, 6),
  ];
}

function queuedLevel(
  name: string,
  nominalConcurrencyShares: number,
  lendablePercent: number,
  queues: number,
  handSize: number,
): PriorityLevelConfiguration {
  return priorityLevel(name, {
    type: "Limited",
    limited: {
      nominalConcurrencyShares,
      lendablePercent,
      limitResponse: { type: "Queue", queuing: { queues, handSize, queueLengthLimit: 50 } },
    },
  });
}

function priorityLevel(
  name: string,
  spec: PriorityLevelConfigurationSpec,
): PriorityLevelConfiguration {
  return {
    apiVersion: FLOWCONTROL_API_VERSION,
    kind: "PriorityLevelConfiguration",
    metadata: { name, annotations: { [AUTO_UPDATE_ANNOTATION_KEY]: "true" } },
    spec,
  };
}

// ---- Flow schemas ----

/** exempt (precedence 1) and catch-all (10000): recreated by the apiserver if deleted. */
export function mandatoryFlowSchemas(): FlowSchema[] {
  return [mandatoryFlowSchemaExempt(), mandatoryFlowSchemaCatchAll()];
}

/** Cluster admins (system:masters) are never limited. */
export function mandatoryFlowSchemaExempt(): FlowSchema {
  return flowSchema(FLOW_SCHEMA_NAME_EXEMPT, PRIORITY_LEVEL_NAME_EXEMPT, 1, undefined, {
    subjects: groups(SYSTEM_PRIVILEGED_GROUP),
    resourceRules: [everyResource()],
    nonResourceRules: [everyNonResource()],
  });
}

/** Reached only if global-default was deleted; its level rejects rather than queues. */
export function mandatoryFlowSchemaCatchAll(): FlowSchema {
  return flowSchema(FLOW_SCHEMA_NAME_CATCH_ALL, PRIORITY_LEVEL_NAME_CATCH_ALL, 10000, "ByUser", {
    subjects: groups(ALL_UNAUTHENTICATED, ALL_AUTHENTICATED),
    resourceRules: [everyResource()],
    nonResourceRules: [everyNonResource()],
  });
}

/** Names of suggested flow schemas that exist only up to 1.33. */
export const FLOW_SCHEMAS_REMOVED_IN_1_34: readonly string[] = [
  "endpoint-controller",
  "workload-leader-election",
];

/** The suggested flow schemas of `version`, in upstream's declaration order. */
export function suggestedFlowSchemas(version: KubernetesVersion): FlowSchema[] {
  const hasEndpointsLeaderElection = !isAtLeast(version, "1.34");
  return [
    systemNodes(),
    systemNodeHigh(),
    probes(),
    systemLeaderElection(),
    ...(hasEndpointsLeaderElection ? [workloadLeaderElection(), endpointController()] : []),
    kubeControllerManager(),
    kubeScheduler(),
    kubeSystemServiceAccounts(),
    serviceAccounts(),
    globalDefault(),
  ];
}

/** Health probes by anyone are exempt. */
function probes(): FlowSchema {
  return flowSchema("probes", PRIORITY_LEVEL_NAME_EXEMPT, 2, undefined, {
    subjects: groups(ALL_UNAUTHENTICATED, ALL_AUTHENTICATED),
    nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/readyz", "/livez"] }],
  });
}

function systemLeaderElection(): FlowSchema {
  return flowSchema("system-leader-election", "leader-election", 100, "ByUser", {
    subjects: [
      ...users(KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER),
      ...kubeSystemServiceAccountSubjects(NAME_ALL),
    ],
    resourceRules: [leaseRule(["get", "create", "update"])],
  });
}

// Ahead of workload-leader-election so the endpoints controllers' writes are not taken for
// leader election (1.29–1.33).
function endpointController(): FlowSchema {
  return flowSchema("endpoint-controller", "workload-high", 150, "ByUser", {
    subjects: [
      ...users(KUBE_CONTROLLER_MANAGER),
      ...kubeSystemServiceAccountSubjects(
        "endpoint-controller",
        "endpointslicemirroring-controller",
      ),
    ],
    resourceRules: [
      resourceRule(["get", "create", "update"], [CORE_API_GROUP], ["endpoints"], false),
    ],
  });
}

// Leader election through Endpoints/ConfigMaps locks (1.29–1.33).
function workloadLeaderElection(): FlowSchema {
  return flowSchema("workload-leader-election", "leader-election", 200, "ByUser", {
    subjects: kubeSystemServiceAccountSubjects(NAME_ALL),
    resourceRules: [
      resourceRule(
        ["get", "create", "update"],
        [CORE_API_GROUP],
        ["endpoints", "configmaps"],
        false,
      ),
      leaseRule(["get", "create", "update"]),
    ],
  });
}

function systemNodeHigh(): FlowSchema {
  return flowSchema("system-node-high", "node-high", 400, "ByUser", {
    subjects: groups(NODES_GROUP),
    resourceRules: [
      resourceRule([VERB_ALL], [CORE_API_GROUP], ["nodes", "nodes/status"], true),
      leaseRule([VERB_ALL]),
    ],
  });
}

function systemNodes(): FlowSchema {
  return everythingFor("system-nodes", "system", 500, "ByUser", groups(NODES_GROUP));
}

function kubeControllerManager(): FlowSchema {
  return everythingFor(
    "kube-controller-manager",
    "workload-high",
    800,
    "ByNamespace",
    users(KUBE_CONTROLLER_MANAGER),
  );
}

function kubeScheduler(): FlowSchema {
  return everythingFor(
    "kube-scheduler",
    "workload-high",
    800,
    "ByNamespace",
    users(KUBE_SCHEDULER),
  );
}

function kubeSystemServiceAccounts(): FlowSchema {
  return everythingFor(
    "kube-system-service-accounts",
    "workload-high",
    900,
    "ByNamespace",
    kubeSystemServiceAccountSubjects(NAME_ALL),
  );
}

function serviceAccounts(): FlowSchema {
  return everythingFor(
    "service-accounts",
    "workload-low",
    9000,
    "ByUser",
    groups(ALL_SERVICE_ACCOUNTS_GROUP),
  );
}

function globalDefault(): FlowSchema {
  return everythingFor(
    "global-default",
    "global-default",
    9900,
    "ByUser",
    groups(ALL_UNAUTHENTICATED, ALL_AUTHENTICATED),
  );
}

// ---- Builders ----

function flowSchema(
  name: string,
  priorityLevelName: string,
  matchingPrecedence: number,
  distinguisher: FlowDistinguisherMethodType | undefined,
  ...rules: PolicyRulesWithSubjects[]
): FlowSchema {
  return {
    apiVersion: FLOWCONTROL_API_VERSION,
    kind: "FlowSchema",
    metadata: { name, annotations: { [AUTO_UPDATE_ANNOTATION_KEY]: "true" } },
    spec: {
      priorityLevelConfiguration: { name: priorityLevelName },
      matchingPrecedence,
      ...(distinguisher === undefined ? {} : { distinguisherMethod: { type: distinguisher } }),
      rules,
    },
  };
}

/** Every verb on every resource (cluster scope and all namespaces) and every non-resource URL. */
function everythingFor(
  name: string,
  priorityLevelName: string,
  matchingPrecedence: number,
  distinguisher: FlowDistinguisherMethodType,
  subjects: Subject[],
): FlowSchema {
  return flowSchema(name, priorityLevelName, matchingPrecedence, distinguisher, {
    subjects,
    resourceRules: [everyResource()],
    nonResourceRules: [everyNonResource()],
  });
}

function everyResource(): ResourcePolicyRule {
  return resourceRule([VERB_ALL], [API_GROUP_ALL], [RESOURCE_ALL], true);
}

function everyNonResource(): NonResourcePolicyRule {
  return { verbs: [VERB_ALL], nonResourceURLs: [NON_RESOURCE_ALL] };
}

function leaseRule(verbs: string[]): ResourcePolicyRule {
  return resourceRule(verbs, [COORDINATION_API_GROUP], ["leases"], false);
}

/** A rule over every namespace, plus cluster scope when `clusterScope`. */
function resourceRule(
  verbs: string[],
  apiGroups: string[],
  resources: string[],
  clusterScope: boolean,
): ResourcePolicyRule {
  return { verbs, apiGroups, resources, namespaces: [NAMESPACE_EVERY], clusterScope };
}

function groups(...names: string[]): Subject[] {
  return names.map((name) => ({ kind: "Group", group: { name } }));
}

function users(...names: string[]): Subject[] {
  return names.map((name) => ({ kind: "User", user: { name } }));
}

function kubeSystemServiceAccountSubjects(...names: string[]): Subject[] {
  return names.map((name) => ({
    kind: "ServiceAccount",
    serviceAccount: { namespace: NAMESPACE_SYSTEM, name },
  }));
}
