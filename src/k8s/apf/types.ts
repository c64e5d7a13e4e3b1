/**
 * The flowcontrol.apiserver.k8s.io/v1 object shapes (k8s.io/api/flowcontrol/v1/types.go), with
 * JSON field names, limited to what request classification and concurrency need. Status is
 * omitted: it is written by the apiserver and read by nothing here.
 */

export const FLOWCONTROL_API_VERSION = "flowcontrol.apiserver.k8s.io/v1";

/** Wildcards and reserved names of the v1 API. */
export const NAME_ALL = "*";
export const VERB_ALL = "*";
export const API_GROUP_ALL = "*";
export const RESOURCE_ALL = "*";
export const NON_RESOURCE_ALL = "*";
export const NAMESPACE_EVERY = "*";

export const PRIORITY_LEVEL_NAME_EXEMPT = "exempt";
export const PRIORITY_LEVEL_NAME_CATCH_ALL = "catch-all";
export const FLOW_SCHEMA_NAME_EXEMPT = "exempt";
export const FLOW_SCHEMA_NAME_CATCH_ALL = "catch-all";

/** Annotation on bootstrap objects: the apiserver keeps their spec up to date. */
export const AUTO_UPDATE_ANNOTATION_KEY = "apf.kubernetes.io/autoupdate-spec";

export interface ObjectMeta {
  name: string;
  annotations?: Readonly<Record<string, string>>;
}

// ---- FlowSchema ----

export type FlowDistinguisherMethodType = "ByUser" | "ByNamespace";

export interface FlowDistinguisherMethod {
  type: FlowDistinguisherMethodType;
}

export interface UserSubject {
  name: string;
}

export interface GroupSubject {
  name: string;
}

export interface ServiceAccountSubject {
  namespace: string;
  /** "*" matches every service account of the namespace. */
  name: string;
}

export type SubjectKind = "User" | "Group" | "ServiceAccount";

export interface Subject {
  kind: SubjectKind;
  user?: UserSubject;
  group?: GroupSubject;
  serviceAccount?: ServiceAccountSubject;
}

export interface ResourcePolicyRule {
  verbs: readonly string[];
  apiGroups: readonly string[];
  /** Resource names, "resource/subresource" for subresources, or ["*"]. */
  resources: readonly string[];
  /** Matches requests without a namespace (cluster-scoped objects, or lists across namespaces). */
  clusterScope?: boolean;
  /** Namespaces, or ["*"] for every namespace (not cluster scope). */
  namespaces?: readonly string[];
}

export interface NonResourcePolicyRule {
  verbs: readonly string[];
  /** Paths, "/prefix/*" prefixes, or ["*"]. */
  nonResourceURLs: readonly string[];
}

export interface PolicyRulesWithSubjects {
  subjects: readonly Subject[];
  resourceRules?: readonly ResourcePolicyRule[];
  nonResourceRules?: readonly NonResourcePolicyRule[];
}

export interface PriorityLevelConfigurationReference {
  name: string;
}

export interface FlowSchemaSpec {
  priorityLevelConfiguration: PriorityLevelConfigurationReference;
  /** Lower matches first; 1…10000. */
  matchingPrecedence: number;
  distinguisherMethod?: FlowDistinguisherMethod;
  rules?: readonly PolicyRulesWithSubjects[];
}

export interface FlowSchema {
  apiVersion?: typeof FLOWCONTROL_API_VERSION;
  kind?: "FlowSchema";
  metadata: ObjectMeta;
  spec: FlowSchemaSpec;
}

// ---- PriorityLevelConfiguration ----

export type PriorityLevelEnablement = "Exempt" | "Limited";
export type LimitResponseType = "Queue" | "Reject";

export interface QueuingConfiguration {
  queues: number;
  handSize: number;
  queueLengthLimit: number;
}

export interface LimitResponse {
  type: LimitResponseType;
  queuing?: QueuingConfiguration;
}

export interface LimitedPriorityLevelConfiguration {
  /** v1 defaults an unset value to 30. */
  nominalConcurrencyShares?: number;
  /** v1 defaults an unset value to 0. */
  lendablePercent?: number;
  /** Unset means the level may borrow up to the server's whole limit. */
  borrowingLimitPercent?: number;
  limitResponse: LimitResponse;
}

export interface ExemptPriorityLevelConfiguration {
  nominalConcurrencyShares?: number;
  lendablePercent?: number;
}

export interface PriorityLevelConfigurationSpec {
  type: PriorityLevelEnablement;
  limited?: LimitedPriorityLevelConfiguration;
  exempt?: ExemptPriorityLevelConfiguration;
}

export interface PriorityLevelConfiguration {
  apiVersion?: typeof FLOWCONTROL_API_VERSION;
  kind?: "PriorityLevelConfiguration";
  metadata: ObjectMeta;
  spec: PriorityLevelConfigurationSpec;
}
