/**
 * Which FlowSchema a request belongs to, and its flow distinguisher. Port of
 * k8s.io/apiserver/pkg/util/flowcontrol/rule.go (matching), FlowSchemaSequence in
 * pkg/util/apihelpers/helpers.go (order), and digestFlowSchemasLocked / startRequest /
 * computeFlowDistinguisher in pkg/util/flowcontrol/apf_controller.go (selection).
 */
import {
  matchesServiceAccountNamespace,
  matchesServiceAccountUsername,
} from "../authentication/serviceaccount.js";
import type { UserInfo } from "../authentication/user.js";
import type { RequestInfo } from "../endpoints/request-info.js";
import { mandatoryFlowSchemaCatchAll, mandatoryFlowSchemaExempt } from "./bootstrap.js";
import {
  API_GROUP_ALL,
  FLOW_SCHEMA_NAME_CATCH_ALL,
  FLOW_SCHEMA_NAME_EXEMPT,
  NAMESPACE_EVERY,
  NAME_ALL,
  NON_RESOURCE_ALL,
  RESOURCE_ALL,
  VERB_ALL,
  type FlowDistinguisherMethod,
  type FlowSchema,
  type NonResourcePolicyRule,
  type PolicyRulesWithSubjects,
  type ResourcePolicyRule,
  type Subject,
} from "./types.js";

/** Everything classification looks at: who is asking, and for what. */
export interface RequestDigest {
  requestInfo: RequestInfo;
  user: UserInfo;
}

export function matchesFlowSchema(digest: RequestDigest, flowSchema: FlowSchema): boolean {
  return (flowSchema.spec.rules ?? []).some((rule) => matchesPolicyRule(digest, rule));
}

export function matchesPolicyRule(digest: RequestDigest, rule: PolicyRulesWithSubjects): boolean {
  if (!rule.subjects.some((subject) => matchesSubject(digest.user, subject))) return false;
  const info = digest.requestInfo;
  if (info.isResourceRequest) {
    return (rule.resourceRules ?? []).some((resourceRule) =>
      matchesResourcePolicyRule(info, resourceRule),
    );
  }
  return (rule.nonResourceRules ?? []).some((nonResourceRule) =>
    matchesNonResourcePolicyRule(info, nonResourceRule),
  );
}

export function matchesSubject(user: UserInfo, subject: Subject): boolean {
  switch (subject.kind) {
    case "User":
      return (
        subject.user !== undefined &&
        (subject.user.name === NAME_ALL || subject.user.name === user.name)
      );
    case "Group": {
      if (subject.group === undefined) return false;
      const wanted = subject.group.name;
      return wanted === NAME_ALL || user.groups.includes(wanted);
    }
    case "ServiceAccount": {
      const account = subject.serviceAccount;
      if (account === undefined) return false;
      // Only the name has a wildcard; "*" as a namespace is taken literally, as upstream.
      if (account.name === NAME_ALL) {
        return matchesServiceAccountNamespace(account.namespace, user.name);
      }
      return matchesServiceAccountUsername(account.namespace, account.name, user.name);
    }
    default:
      return false;
  }
}

export function matchesResourcePolicyRule(info: RequestInfo, rule: ResourcePolicyRule): boolean {
  if (!containsOrWildcard(rule.verbs, info.verb, VERB_ALL)) return false;
  if (!containsOrWildcard(rule.resources, resourceWithSubresource(info), RESOURCE_ALL)) {
    return false;
  }
  if (!containsOrWildcard(rule.apiGroups, info.apiGroup ?? "", API_GROUP_ALL)) return false;
  const namespace = info.namespace ?? "";
  // A request without a namespace is cluster-scoped (or a list across namespaces): only
  // clusterScope covers it, never namespaces ["*"].
  if (namespace === "") return rule.clusterScope === true;
  return containsOrWildcard(rule.namespaces ?? [], namespace, NAMESPACE_EVERY);
}

export function matchesNonResourcePolicyRule(
  info: RequestInfo,
  rule: NonResourcePolicyRule,
): boolean {
  return (
    containsOrWildcard(rule.verbs, info.verb, VERB_ALL) &&
    matchesNonResourceURL(rule.nonResourceURLs, info.path ?? "")
  );
}

/**
 * A path matches a rule URL equal to it, "*", or any rule URL read as a directory prefix: the
 * rule's trailing "*" is dropped and a "/" added if missing. So "/healthz" also covers
 * "/healthz/etcd", and "/apis/*" covers "/apis/" and below but not "/apis".
 */
export function matchesNonResourceURL(ruleURLs: readonly string[], path: string): boolean {
  for (const ruleURL of ruleURLs) {
    if (ruleURL === NON_RESOURCE_ALL || ruleURL === path) return true;
    let prefix = ruleURL.endsWith("*") ? ruleURL.slice(0, -1) : ruleURL;
    if (!prefix.endsWith("/")) prefix += "/";
    if (path.startsWith(prefix)) return true;
  }
  return false;
}

/** "pods" or "pods/status": the form resource rules list subresources in. */
function resourceWithSubresource(info: RequestInfo): string {
  const resource = info.resource ?? "";
  const subresource = info.subresource ?? "";
  return subresource === "" ? resource : `${resource}/${subresource}`;
}

// The wildcard counts only as the sole member of the list (validation enforces this), and is
// not a pattern: "*" never matches part of a value.
function containsOrWildcard(list: readonly string[], value: string, wildcard: string): boolean {
  if (list.length === 1 && list[0] === wildcard) return true;
  return list.includes(value);
}

/** The matching order: lower matchingPrecedence first, then name (byte order). */
export function compareFlowSchemas(a: FlowSchema, b: FlowSchema): number {
  const byPrecedence = a.spec.matchingPrecedence - b.spec.matchingPrecedence;
  if (byPrecedence !== 0) return byPrecedence;
  if (a.metadata.name === b.metadata.name) return 0;
  return a.metadata.name < b.metadata.name ? -1 : 1;
}

/**
 * The flow schemas in the order the apiserver tries them, as its config controller builds it:
 * schemas naming a priority level that does not exist are ignored, the rest sorted, and the
 * mandatory exempt / catch-all schemas supplied at the ends if missing.
 *
 * @param priorityLevelNames the levels that exist; omit to keep every schema.
 */
export function orderFlowSchemasForMatching(
  flowSchemas: readonly FlowSchema[],
  priorityLevelNames?: ReadonlySet<string>,
): FlowSchema[] {
  const seen = new Set<string>();
  for (const schema of flowSchemas) {
    if (seen.has(schema.metadata.name)) {
      throw new Error(`two FlowSchema objects are named "${schema.metadata.name}"`);
    }
    seen.add(schema.metadata.name);
  }
  const usable = flowSchemas.filter(
    (schema) =>
      priorityLevelNames === undefined ||
      priorityLevelNames.has(schema.spec.priorityLevelConfiguration.name),
  );
  const ordered = [...usable].sort(compareFlowSchemas);
  const names = new Set(ordered.map((schema) => schema.metadata.name));
  if (!names.has(FLOW_SCHEMA_NAME_EXEMPT)) ordered.unshift(mandatoryFlowSchemaExempt());
  if (!names.has(FLOW_SCHEMA_NAME_CATCH_ALL)) ordered.push(mandatoryFlowSchemaCatchAll());
  return ordered;
}

/**
 * The first schema of `orderedFlowSchemas` (see orderFlowSchemasForMatching) that matches.
 * Like upstream, falls back to the catch-all schema met on the way when nothing matches (a user
 * in neither system:authenticated nor system:unauthenticated); throws if there is none.
 */
export function selectFlowSchema(
  orderedFlowSchemas: readonly FlowSchema[],
  digest: RequestDigest,
): FlowSchema {
  let catchAll: FlowSchema | undefined;
  for (const schema of orderedFlowSchemas) {
    if (matchesFlowSchema(digest, schema)) return schema;
    if (schema.metadata.name === FLOW_SCHEMA_NAME_CATCH_ALL) catchAll = schema;
  }
  if (catchAll === undefined) {
    throw new Error(
      `no flow schema matches user "${digest.user.name}" and there is no catch-all flow schema`,
    );
  }
  return catchAll;
}

/** ByUser → the user name; ByNamespace → the request's namespace; none → "". */
export function computeFlowDistinguisher(
  digest: RequestDigest,
  method: FlowDistinguisherMethod | undefined,
): string {
  if (method === undefined) return "";
  switch (method.type) {
    case "ByUser":
      return digest.user.name;
    case "ByNamespace":
      return digest.requestInfo.namespace ?? "";
    default:
      throw new Error(`invalid flow distinguisher method ${JSON.stringify(method)}`);
  }
}
