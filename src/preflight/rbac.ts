/**
 * RBAC joined from the manifests: which resources a service account may list or watch, and at
 * which scope. Roles and ClusterRoles come from the input (aggregated ClusterRoles through their
 * aggregationRule's label selectors) or from the built-in roles below; a binding to a role that
 * is in neither is remembered so the report can say so.
 */
import type { ManifestDocument } from "./types.js";

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
}

export interface Role {
  kind: "Role" | "ClusterRole";
  name: string;
  namespace: string | undefined;
  labels: Record<string, string>;
  rules: PolicyRule[];
  /** matchLabels of aggregationRule.clusterRoleSelectors. */
  aggregationSelectors: Record<string, string>[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace: string | undefined;
}

export interface Binding {
  kind: "RoleBinding" | "ClusterRoleBinding";
  name: string;
  namespace: string | undefined;
  roleKind: string;
  roleName: string;
  subjects: Subject[];
}

/** One permission: a verb set on a resource, cluster-wide or in one namespace. */
export interface Grant {
  apiGroup: string;
  resource: string;
  verbs: Set<string>;
  /** "cluster" or the namespace the RoleBinding is in. */
  scope: "cluster" | { namespace: string };
  /** Restricted to these object names (resourceNames); empty = all. */
  resourceNames: readonly string[];
  role: string;
}

export interface Permissions {
  grants: Grant[];
  /** Roles bound to the account that neither the input nor the built-ins define. */
  unresolvedRoles: string[];
  /** Bindings of the input that name the account (directly or through its groups). */
  bindings: string[];
}

const READ = ["get", "list", "watch"];
const rule = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({
  apiGroups,
  resources,
  verbs,
  resourceNames: [],
});

/**
 * Built-in ClusterRoles that manifests bind without defining, reduced to their read rules
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go).
 */
const VIEW_RULES: PolicyRule[] = [
  rule(
    [""],
    [
      "pods",
      "services",
      "endpoints",
      "configmaps",
      "persistentvolumeclaims",
      "replicationcontrollers",
      "serviceaccounts",
      "events",
      "limitranges",
      "resourcequotas",
      "namespaces",
    ],
    READ,
  ),
  rule(["apps"], ["deployments", "daemonsets", "replicasets", "statefulsets"], READ),
  rule(["batch"], ["jobs", "cronjobs"], READ),
  rule(["discovery.k8s.io"], ["endpointslices"], READ),
  rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], READ),
  rule(["autoscaling"], ["horizontalpodautoscalers"], READ),
  rule(["policy"], ["poddisruptionbudgets"], READ),
];
export const BUILTIN_CLUSTER_ROLES: ReadonlyMap<string, PolicyRule[]> = new Map([
  ["cluster-admin", [rule(["*"], ["*"], ["*"])]],
  ["admin", [...VIEW_RULES, rule([""], ["secrets"], READ)]],
  ["edit", [...VIEW_RULES, rule([""], ["secrets"], READ)]],
  ["view", VIEW_RULES],
  [
    "system:node-proxier",
    [
      rule([""], ["endpoints", "services"], ["list", "watch"]),
      rule([""], ["nodes"], READ),
      rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"]),
      rule(["", "events.k8s.io"], ["events"], ["create", "patch", "update"]),
    ],
  ],
  [
    "system:node-problem-detector",
    [
      rule([""], ["nodes"], ["get"]),
      rule([""], ["nodes/status"], ["patch"]),
      rule(["", "events.k8s.io"], ["events"], ["create", "patch", "update"]),
    ],
  ],
  ["system:kube-dns", [rule([""], ["endpoints", "services"], ["list", "watch"])]],
  ["system:monitoring", []],
  ["system:auth-delegator", []],
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === "string") result[k] = v;
  }
  return result;
}

export function readRole(document: ManifestDocument): Role {
  const body = document.body;
  const rules = (Array.isArray(body.rules) ? body.rules : []).filter(isObject).map((r) => ({
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    verbs: strings(r.verbs).map((v) => v.toLowerCase()),
    resourceNames: strings(r.resourceNames),
  }));
  const aggregation = isObject(body.aggregationRule)
    ? body.aggregationRule.clusterRoleSelectors
    : [];
  return {
    kind: document.kind === "Role" ? "Role" : "ClusterRole",
    name: document.name,
    namespace: document.namespace,
    labels: stringMap(isObject(body.metadata) ? body.metadata.labels : undefined),
    rules,
    aggregationSelectors: (Array.isArray(aggregation) ? aggregation : [])
      .filter(isObject)
      .map((selector) => stringMap(selector.matchLabels)),
  };
}

export function readBinding(document: ManifestDocument): Binding {
  const body = document.body;
  const roleRef = isObject(body.roleRef) ? body.roleRef : {};
  return {
    kind: document.kind === "RoleBinding" ? "RoleBinding" : "ClusterRoleBinding",
    name: document.name,
    namespace: document.namespace,
    roleKind: typeof roleRef.kind === "string" ? roleRef.kind : "ClusterRole",
    roleName: typeof roleRef.name === "string" ? roleRef.name : "",
    subjects: (Array.isArray(body.subjects) ? body.subjects : []).filter(isObject).map((s) => ({
      kind: typeof s.kind === "string" ? s.kind : "",
      name: typeof s.name === "string" ? s.name : "",
      namespace: typeof s.namespace === "string" ? s.namespace.trim() : undefined,
    })),
  };
}

export class RbacIndex {
  private readonly clusterRoles = new Map<string, Role>();
  private readonly roles = new Map<string, Role>();
  /** Bindings by the subject key they name (see subjectKey): a join without a scan. */
  private readonly bySubject = new Map<string, Binding[]>();
  private readonly rulesCache = new Map<string, PolicyRule[] | undefined>();
  private readonly permissionsCache = new Map<string, Permissions>();
  private readonly boundRoles = new Set<string>();

  constructor(roles: readonly Role[], bindings: readonly Binding[]) {
    for (const role of roles) {
      if (role.kind === "ClusterRole") this.clusterRoles.set(role.name, role);
      else this.roles.set(`${role.namespace ?? "default"}/${role.name}`, role);
    }
    for (const binding of bindings) {
      this.boundRoles.add(
        binding.roleKind === "Role"
          ? `Role/${binding.namespace ?? "default"}/${binding.roleName}`
          : `ClusterRole/${binding.roleName}`,
      );
      // A binding naming the same subject twice is joined once.
      const keys = new Set(binding.subjects.map((s) => subjectKey(s, binding)));
      for (const key of keys) {
        if (key === undefined) continue;
        const list = this.bySubject.get(key) ?? [];
        list.push(binding);
        this.bySubject.set(key, list);
      }
    }
  }

  /** Rules of a ClusterRole, with aggregated roles folded in; undefined when unknown. */
  clusterRoleRules(name: string): PolicyRule[] | undefined {
    if (!this.rulesCache.has(name)) this.rulesCache.set(name, this.aggregate(name, new Set()));
    return this.rulesCache.get(name);
  }

  private aggregate(name: string, seen: Set<string>): PolicyRule[] | undefined {
    const role = this.clusterRoles.get(name);
    if (role === undefined) return BUILTIN_CLUSTER_ROLES.get(name);
    if (seen.has(name)) return [];
    seen.add(name);
    const rules = [...role.rules];
    for (const selector of role.aggregationSelectors) {
      for (const other of this.clusterRoles.values()) {
        if (other.name === name) continue;
        const matches = Object.entries(selector).every(([k, v]) => other.labels[k] === v);
        if (matches) rules.push(...(this.aggregate(other.name, seen) ?? []));
      }
    }
    return rules;
  }

  /** Roles and ClusterRoles of the input that no binding of the input refers to. */
  unboundRoles(): Role[] {
    const bound = [...this.clusterRoles.values()].filter((r) =>
      this.boundRoles.has(`ClusterRole/${r.name}`),
    );
    const unbound: Role[] = [];
    for (const role of this.clusterRoles.values()) {
      if (this.boundRoles.has(`ClusterRole/${role.name}`)) continue;
      // A role aggregated into a bound one is used through it.
      const aggregated = bound.some((other) =>
        other.aggregationSelectors.some((selector) =>
          Object.entries(selector).every(([k, v]) => role.labels[k] === v),
        ),
      );
      if (!aggregated) unbound.push(role);
    }
    for (const role of this.roles.values()) {
      if (!this.boundRoles.has(`Role/${role.namespace ?? "default"}/${role.name}`))
        unbound.push(role);
    }
    return unbound;
  }

  permissionsOf(namespace: string, serviceAccount: string): Permissions {
    const cacheKey = `${namespace}/${serviceAccount}`;
    const cached = this.permissionsCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const bindings = new Set<Binding>();
    for (const key of [
      `sa:${namespace}/${serviceAccount}`,
      `user:system:serviceaccount:${namespace}:${serviceAccount}`,
      "group:system:serviceaccounts",
      `group:system:serviceaccounts:${namespace}`,
      "group:system:authenticated",
    ]) {
      for (const binding of this.bySubject.get(key) ?? []) bindings.add(binding);
    }
    const grants = new Map<string, Grant>();
    const unresolvedRoles = new Set<string>();
    const bindingNames: string[] = [];
    for (const binding of bindings) {
      bindingNames.push(`${binding.kind}/${binding.name}`);
      const rules =
        binding.roleKind === "Role"
          ? this.roles.get(`${binding.namespace ?? "default"}/${binding.roleName}`)?.rules
          : this.clusterRoleRules(binding.roleName);
      if (rules === undefined) {
        unresolvedRoles.add(`${binding.roleKind}/${binding.roleName}`);
        continue;
      }
      const scope: Grant["scope"] =
        binding.kind === "ClusterRoleBinding"
          ? "cluster"
          : { namespace: binding.namespace ?? "default" };
      const scopeKey = scope === "cluster" ? "cluster" : `ns:${scope.namespace}`;
      for (const r of rules) {
        for (const apiGroup of r.apiGroups.length > 0 ? r.apiGroups : [""]) {
          for (const resource of r.resources) {
            // Identical bindings or rules give one grant, with the verbs merged.
            const key = `${apiGroup}|${resource}|${scopeKey}|${r.resourceNames.join(",")}`;
            const existing = grants.get(key);
            if (existing !== undefined) {
              for (const verb of r.verbs) existing.verbs.add(verb);
              continue;
            }
            grants.set(key, {
              apiGroup,
              resource,
              verbs: new Set(r.verbs),
              scope,
              resourceNames: r.resourceNames,
              role: `${binding.roleKind}/${binding.roleName}`,
            });
          }
        }
      }
    }
    const permissions: Permissions = {
      grants: [...grants.values()],
      unresolvedRoles: [...unresolvedRoles],
      bindings: bindingNames,
    };
    this.permissionsCache.set(cacheKey, permissions);
    return permissions;
  }
}

/** The key under which a binding's subject is indexed; undefined for subjects never matched. */
function subjectKey(subject: Subject, binding: Binding): string | undefined {
  switch (subject.kind) {
    case "ServiceAccount":
      // A RoleBinding's subject without a namespace means the binding's own.
      return `sa:${subject.namespace ?? binding.namespace ?? "default"}/${subject.name}`;
    case "Group":
      return `group:${subject.name}`;
    case "User":
      return `user:${subject.name}`;
    default:
      return undefined;
  }
}

/** Grants that allow reading many objects (list or watch), without object-name restriction. */
export function listableGrants(permissions: Permissions): Grant[] {
  return permissions.grants.filter(
    (g) =>
      (g.verbs.has("list") || g.verbs.has("watch") || g.verbs.has("*")) &&
      g.resourceNames.length === 0 &&
      !g.resource.includes("/"),
  );
}

/** A grant that allows a watch: without it, a client can only poll with LISTs. */
export function grantsWatch(grant: Grant): boolean {
  return grant.verbs.has("watch") || grant.verbs.has("*");
}
