import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bootstrapConfiguration,
  classifyRequest,
  compareFlowSchemas,
  computeFlowDistinguisher,
  digestConfiguration,
  matchesNonResourceURL,
  matchesResourcePolicyRule,
  matchesSubject,
  orderFlowSchemasForMatching,
  selectFlowSchema,
  type FlowSchema,
  type RequestDigest,
} from "../../../src/k8s/apf/index.js";
import {
  serviceAccountUser,
  type KubernetesVersion,
  type RequestInfo,
  type UserInfo,
} from "../../../src/k8s/index.js";

const AUTHENTICATED = "system:authenticated";

const admin: UserInfo = { name: "alice", groups: ["system:masters", AUTHENTICATED] };
const anonymous: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };
const kubelet: UserInfo = {
  name: "system:node:node-0001",
  groups: ["system:nodes", AUTHENTICATED],
};
const controllerManager: UserInfo = {
  name: "system:kube-controller-manager",
  groups: [AUTHENTICATED],
};
const scheduler: UserInfo = { name: "system:kube-scheduler", groups: [AUTHENTICATED] };
const developer: UserInfo = { name: "bob", groups: ["developers", AUTHENTICATED] };
const telemetryAgent = serviceAccountUser("monitoring", "telemetry-agent");
const coredns = serviceAccountUser("kube-system", "coredns");
const endpointController = serviceAccountUser("kube-system", "endpoint-controller");

function resource(verb: string, resourcePath: string, namespace = "", apiGroup = ""): RequestInfo {
  const [resourceName, subresource] = resourcePath.split("/");
  return {
    isResourceRequest: true,
    verb,
    apiGroup,
    resource: resourceName,
    subresource,
    namespace,
  };
}

function nonResource(verb: string, path: string): RequestInfo {
  return { isResourceRequest: false, verb, path };
}

function schemaFor(version: KubernetesVersion, user: UserInfo, requestInfo: RequestInfo): string {
  const { flowSchemas, priorityLevelConfigurations } = bootstrapConfiguration(version);
  const configuration = digestConfiguration(flowSchemas, priorityLevelConfigurations);
  return selectFlowSchema(configuration.flowSchemas, { user, requestInfo }).metadata.name;
}

describe("classification against the bootstrap configuration", () => {
  const bothVersions: Array<[string, UserInfo, RequestInfo, string]> = [
    ["admin deletes a namespace", admin, resource("delete", "namespaces"), "exempt"],
    ["anonymous readiness probe", anonymous, nonResource("get", "/readyz"), "probes"],
    ["probe of a sub-check", developer, nonResource("get", "/healthz/etcd"), "probes"],
    ["POST to /healthz is no probe", developer, nonResource("post", "/healthz"), "global-default"],
    ["kubelet status update", kubelet, resource("patch", "nodes/status"), "system-node-high"],
    [
      "kubelet lease renewal",
      kubelet,
      resource("update", "leases", "kube-node-lease", "coordination.k8s.io"),
      "system-node-high",
    ],
    ["kubelet watches its pods", kubelet, resource("watch", "pods"), "system-nodes"],
    ["kubelet reads a secret", kubelet, resource("get", "secrets", "default"), "system-nodes"],
    [
      "controller-manager lease",
      controllerManager,
      resource("update", "leases", "kube-system", "coordination.k8s.io"),
      "system-leader-election",
    ],
    [
      "kube-system SA lease",
      coredns,
      resource("get", "leases", "kube-system", "coordination.k8s.io"),
      "system-leader-election",
    ],
    [
      "lease watch is not leader election",
      controllerManager,
      resource("watch", "leases", "kube-system", "coordination.k8s.io"),
      "kube-controller-manager",
    ],
    [
      "scheduler binds a pod",
      scheduler,
      resource("create", "pods/binding", "default"),
      "kube-scheduler",
    ],
    [
      "coredns lists services",
      coredns,
      resource("list", "services"),
      "kube-system-service-accounts",
    ],
    ["DaemonSet agent lists pods", telemetryAgent, resource("list", "pods"), "service-accounts"],
    ["a developer", developer, resource("get", "pods", "team-a"), "global-default"],
    ["anonymous API call", anonymous, resource("get", "namespaces"), "global-default"],
    ["no groups at all", { name: "ghost", groups: [] }, resource("get", "pods", "a"), "catch-all"],
  ];
  for (const version of ["1.29", "1.34"] as const) {
    for (const [title, user, requestInfo, expected] of bothVersions) {
      it(`${version}: ${title} → ${expected}`, () => {
        assert.equal(schemaFor(version, user, requestInfo), expected);
      });
    }
  }

  const changed: Array<[string, UserInfo, RequestInfo, string, string]> = [
    [
      "controller-manager updates endpoints",
      controllerManager,
      resource("update", "endpoints", "default"),
      "endpoint-controller",
      "kube-controller-manager",
    ],
    [
      "endpoint-controller SA updates endpoints",
      endpointController,
      resource("update", "endpoints", "default"),
      "endpoint-controller",
      "kube-system-service-accounts",
    ],
    [
      "kube-system SA updates a ConfigMap lock",
      coredns,
      resource("update", "configmaps", "kube-system"),
      "workload-leader-election",
      "kube-system-service-accounts",
    ],
  ];
  for (const [title, user, requestInfo, in129, in134] of changed) {
    it(`${title}: ${in129} in 1.29, ${in134} in 1.34`, () => {
      assert.equal(schemaFor("1.29", user, requestInfo), in129);
      assert.equal(schemaFor("1.34", user, requestInfo), in134);
    });
  }
});

describe("subjects", () => {
  it("matches users by name or *", () => {
    assert.ok(matchesSubject(developer, { kind: "User", user: { name: "bob" } }));
    assert.ok(matchesSubject(developer, { kind: "User", user: { name: "*" } }));
    assert.ok(!matchesSubject(developer, { kind: "User", user: { name: "bobby" } }));
    assert.ok(!matchesSubject(developer, { kind: "User" }));
  });

  it("matches groups by membership or *", () => {
    assert.ok(matchesSubject(developer, { kind: "Group", group: { name: "developers" } }));
    assert.ok(matchesSubject({ name: "x", groups: [] }, { kind: "Group", group: { name: "*" } }));
    assert.ok(!matchesSubject(developer, { kind: "Group", group: { name: "system:nodes" } }));
  });

  it("matches service accounts by namespace and name", () => {
    const subject = (namespace: string, name: string) => ({
      kind: "ServiceAccount" as const,
      serviceAccount: { namespace, name },
    });
    assert.ok(matchesSubject(telemetryAgent, subject("monitoring", "telemetry-agent")));
    assert.ok(matchesSubject(telemetryAgent, subject("monitoring", "*")));
    assert.ok(!matchesSubject(telemetryAgent, subject("monitoring", "other")));
    // A namespace that is a prefix of the real one does not match.
    assert.ok(!matchesSubject(telemetryAgent, subject("monitor", "*")));
    assert.ok(!matchesSubject(coredns, subject("kube", "*")));
    // "*" is a wildcard for the name only.
    assert.ok(!matchesSubject(telemetryAgent, subject("*", "telemetry-agent")));
    assert.ok(!matchesSubject(developer, subject("monitoring", "*")));
  });
});

describe("resource rules", () => {
  const rule = {
    verbs: ["get", "list"],
    apiGroups: ["apps"],
    resources: ["deployments", "deployments/scale"],
    namespaces: ["team-a"],
  };

  it("needs verb, resource (with subresource), group and namespace to match", () => {
    assert.ok(matchesResourcePolicyRule(resource("get", "deployments", "team-a", "apps"), rule));
    assert.ok(
      matchesResourcePolicyRule(resource("get", "deployments/scale", "team-a", "apps"), rule),
    );
    assert.ok(
      !matchesResourcePolicyRule(resource("get", "deployments/status", "team-a", "apps"), rule),
    );
    assert.ok(!matchesResourcePolicyRule(resource("watch", "deployments", "team-a", "apps"), rule));
    assert.ok(!matchesResourcePolicyRule(resource("get", "deployments", "team-b", "apps"), rule));
    assert.ok(!matchesResourcePolicyRule(resource("get", "deployments", "team-a", ""), rule));
  });

  it("covers namespace-less requests only with clusterScope, not namespaces [*]", () => {
    const everyNamespace = { ...rule, namespaces: ["*"] };
    assert.ok(
      matchesResourcePolicyRule(resource("list", "deployments", "x", "apps"), everyNamespace),
    );
    assert.ok(
      !matchesResourcePolicyRule(resource("list", "deployments", "", "apps"), everyNamespace),
    );
    assert.ok(
      matchesResourcePolicyRule(resource("list", "deployments", "", "apps"), {
        ...everyNamespace,
        clusterScope: true,
      }),
    );
  });

  it("treats * as a wildcard only when alone, and never as a pattern", () => {
    const request = resource("get", "pods", "a");
    const base = { apiGroups: ["*"], resources: ["*"], namespaces: ["*"] };
    assert.ok(matchesResourcePolicyRule(request, { ...base, verbs: ["*"] }));
    assert.ok(!matchesResourcePolicyRule(request, { ...base, verbs: ["list", "*"] }));
    assert.ok(!matchesResourcePolicyRule(request, { ...base, verbs: ["*"], resources: ["pod*"] }));
    assert.ok(
      !matchesResourcePolicyRule(request, { ...base, verbs: ["*"], resources: ["pods/*"] }),
    );
  });
});

describe("non-resource URLs", () => {
  const cases: Array<[string[], string, boolean]> = [
    [["*"], "/anything", true],
    [["/healthz"], "/healthz", true],
    [["/healthz"], "/healthz/etcd", true],
    [["/healthz"], "/healthzz", false],
    [["/apis/*"], "/apis/apps", true],
    [["/apis/*"], "/apis/", true],
    [["/apis/*"], "/apis", false],
    [["/metrics", "/version"], "/version", true],
    [["/metrics"], "/", false],
  ];
  for (const [rules, path, expected] of cases) {
    it(`${JSON.stringify(rules)} ${expected ? "matches" : "does not match"} ${path}`, () => {
      assert.equal(matchesNonResourceURL(rules, path), expected);
    });
  }
});

describe("ordering and selection", () => {
  function schema(name: string, precedence: number, level = "global-default"): FlowSchema {
    return {
      metadata: { name },
      spec: {
        priorityLevelConfiguration: { name: level },
        matchingPrecedence: precedence,
        rules: [
          {
            subjects: [{ kind: "Group", group: { name: AUTHENTICATED } }],
            resourceRules: [
              {
                verbs: ["*"],
                apiGroups: ["*"],
                resources: ["*"],
                namespaces: ["*"],
                clusterScope: true,
              },
            ],
          },
        ],
      },
    };
  }

  it("sorts by precedence, then name", () => {
    const sorted = [schema("b", 500), schema("a", 500), schema("z", 100)].sort(compareFlowSchemas);
    assert.deepEqual(
      sorted.map((s) => s.metadata.name),
      ["z", "a", "b"],
    );
  });

  it("picks the lowest precedence, breaking ties by name", () => {
    const ordered = orderFlowSchemasForMatching([schema("team-b", 700), schema("team-a", 700)]);
    const digest: RequestDigest = { user: developer, requestInfo: resource("get", "pods", "x") };
    assert.equal(selectFlowSchema(ordered, digest).metadata.name, "team-a");
  });

  it("supplies the mandatory schemas and ignores ones naming a missing level", () => {
    const ordered = orderFlowSchemasForMatching(
      [schema("mine", 50), schema("dangling", 10, "no-such-level")],
      new Set(["global-default", "exempt", "catch-all"]),
    );
    assert.deepEqual(
      ordered.map((s) => s.metadata.name),
      ["exempt", "mine", "catch-all"],
    );
  });

  it("refuses two schemas with one name", () => {
    assert.throws(() => orderFlowSchemasForMatching([schema("x", 1), schema("x", 2)]), /"x"/);
  });

  it("throws when nothing matches and there is no catch-all", () => {
    const digest: RequestDigest = { user: anonymous, requestInfo: resource("get", "pods", "x") };
    assert.throws(() => selectFlowSchema([schema("only", 1)], digest), /no flow schema matches/);
  });
});

describe("flow distinguisher and hash", () => {
  const { flowSchemas, priorityLevelConfigurations } = bootstrapConfiguration("1.34");
  const configuration = digestConfiguration(flowSchemas, priorityLevelConfigurations);

  it("distinguishes by user, by namespace, or not at all", () => {
    const digest: RequestDigest = { user: developer, requestInfo: resource("get", "pods", "ns1") };
    assert.equal(computeFlowDistinguisher(digest, { type: "ByUser" }), "bob");
    assert.equal(computeFlowDistinguisher(digest, { type: "ByNamespace" }), "ns1");
    assert.equal(computeFlowDistinguisher(digest, undefined), "");
  });

  // Hashes from apf-vectors.json, reached here through classification.
  const flows: Array<[string, UserInfo, RequestInfo, string, string, bigint]> = [
    [
      "anonymous GET",
      anonymous,
      resource("get", "namespaces"),
      "global-default",
      "system:anonymous",
      5951248168697086108n,
    ],
    [
      "kube-controller-manager in kube-system",
      controllerManager,
      resource("get", "pods", "kube-system"),
      "kube-controller-manager",
      "kube-system",
      1951360281921618776n,
    ],
    [
      "telemetry agent",
      telemetryAgent,
      resource("list", "pods"),
      "service-accounts",
      "system:serviceaccount:monitoring:telemetry-agent",
      11715773588255079396n,
    ],
    [
      "kubelet",
      kubelet,
      resource("get", "configmaps", "default"),
      "system-nodes",
      "system:node:node-0001",
      11281942582876911140n,
    ],
  ];
  for (const [title, user, requestInfo, schema, distinguisher, hash] of flows) {
    it(`${title}: ${schema} / ${distinguisher}`, () => {
      const result = classifyRequest(configuration, { user, requestInfo });
      assert.equal(result.flowSchema.metadata.name, schema);
      assert.equal(result.isExempt, false);
      assert.equal(result.flowDistinguisher, distinguisher);
      assert.equal(result.hashValue, hash);
    });
  }

  it("does not hash exempt or single-queue flows", () => {
    const exempt = classifyRequest(configuration, {
      user: admin,
      requestInfo: resource("list", "pods"),
    });
    assert.equal(exempt.isExempt, true);
    assert.equal(exempt.priorityLevel.metadata.name, "exempt");
    assert.equal(exempt.flowDistinguisher, "");
    assert.equal(exempt.hashValue, 0n);

    const rejected = classifyRequest(configuration, {
      user: { name: "ghost", groups: [] },
      requestInfo: resource("list", "pods"),
    });
    assert.equal(rejected.priorityLevel.metadata.name, "catch-all");
    assert.equal(rejected.hashValue, 0n);
  });
});
