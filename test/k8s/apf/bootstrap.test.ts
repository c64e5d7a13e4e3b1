import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bootstrapConfiguration,
  suggestedFlowSchemas,
  type FlowSchema,
  type PriorityLevelConfiguration,
} from "../../../src/k8s/apf/index.js";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../../src/k8s/index.js";

function byName<T extends { metadata: { name: string } }>(objects: T[], name: string): T {
  const found = objects.find((object) => object.metadata.name === name);
  assert.ok(found, `no object named ${name}`);
  return found;
}

/** "precedence name → level distinguisher" lines, in matching order. */
function schemaSummary(schemas: FlowSchema[]): string[] {
  return sortedSummary(
    schemas.map(
      (schema) =>
        `${schema.spec.matchingPrecedence} ${schema.metadata.name} → ` +
        `${schema.spec.priorityLevelConfiguration.name} ` +
        `${schema.spec.distinguisherMethod?.type ?? "-"}`,
    ),
  );
}

function sortedSummary(lines: string[]): string[] {
  return [...lines].sort((a, b) => parseInt(a) - parseInt(b) || (a < b ? -1 : 1));
}

describe("bootstrap priority levels", () => {
  // kubernetes-facts.md §1, from default.go (identical 1.29–1.34).
  const table: Array<[string, string, number, number, string, number?, number?]> = [
    ["exempt", "Exempt", 0, 0, "-"],
    ["catch-all", "Limited", 5, 0, "Reject"],
    ["system", "Limited", 30, 33, "Queue", 64, 6],
    ["node-high", "Limited", 40, 25, "Queue", 64, 6],
    ["leader-election", "Limited", 10, 0, "Queue", 16, 4],
    ["workload-high", "Limited", 40, 50, "Queue", 128, 6],
    ["workload-low", "Limited", 100, 90, "Queue", 128, 6],
    ["global-default", "Limited", 20, 50, "Queue", 128, 6],
  ];

  for (const version of SUPPORTED_KUBERNETES_VERSIONS) {
    it(`has the documented levels in ${version}`, () => {
      const levels = bootstrapConfiguration(version).priorityLevelConfigurations;
      assert.equal(levels.length, table.length);
      for (const [name, type, shares, lendable, response, queues, handSize] of table) {
        const level: PriorityLevelConfiguration = byName(levels, name);
        assert.equal(level.spec.type, type);
        const settings = level.spec.limited ?? level.spec.exempt;
        assert.equal(settings?.nominalConcurrencyShares, shares, name);
        assert.equal(settings?.lendablePercent, lendable, name);
        assert.equal(level.spec.limited?.borrowingLimitPercent, undefined);
        assert.equal(level.spec.limited?.limitResponse.type ?? "-", response);
        if (queues !== undefined) {
          assert.deepEqual(level.spec.limited?.limitResponse.queuing, {
            queues,
            handSize,
            queueLengthLimit: 50,
          });
        }
      }
    });
  }
});

describe("bootstrap flow schemas", () => {
  const common = [
    "1 exempt → exempt -",
    "2 probes → exempt -",
    "100 system-leader-election → leader-election ByUser",
    "400 system-node-high → node-high ByUser",
    "500 system-nodes → system ByUser",
    "800 kube-controller-manager → workload-high ByNamespace",
    "800 kube-scheduler → workload-high ByNamespace",
    "900 kube-system-service-accounts → workload-high ByNamespace",
    "9000 service-accounts → workload-low ByUser",
    "9900 global-default → global-default ByUser",
    "10000 catch-all → catch-all ByUser",
  ];
  const endpointsEra = [
    "150 endpoint-controller → workload-high ByUser",
    "200 workload-leader-election → leader-election ByUser",
  ];

  for (const version of ["1.29", "1.30", "1.31", "1.32", "1.33"] as const) {
    it(`${version} still has endpoint-controller and workload-leader-election`, () => {
      assert.deepEqual(
        schemaSummary(bootstrapConfiguration(version).flowSchemas),
        sortedSummary([...common, ...endpointsEra]),
      );
    });
  }

  it("1.34 removed them", () => {
    assert.deepEqual(
      schemaSummary(bootstrapConfiguration("1.34").flowSchemas),
      sortedSummary(common),
    );
  });

  it("every schema names an existing level and carries the auto-update annotation", () => {
    for (const version of SUPPORTED_KUBERNETES_VERSIONS) {
      const { flowSchemas, priorityLevelConfigurations } = bootstrapConfiguration(version);
      const levels = new Set(priorityLevelConfigurations.map((level) => level.metadata.name));
      for (const schema of flowSchemas) {
        assert.ok(levels.has(schema.spec.priorityLevelConfiguration.name), schema.metadata.name);
        assert.equal(schema.metadata.annotations?.["apf.kubernetes.io/autoupdate-spec"], "true");
        assert.equal(schema.apiVersion, "flowcontrol.apiserver.k8s.io/v1");
        assert.equal(schema.kind, "FlowSchema");
      }
    }
  });

  it("has upstream's rules for node heartbeats", () => {
    const schema = byName(suggestedFlowSchemas("1.34"), "system-node-high");
    assert.deepEqual(schema.spec.rules, [
      {
        subjects: [{ kind: "Group", group: { name: "system:nodes" } }],
        resourceRules: [
          {
            verbs: ["*"],
            apiGroups: [""],
            resources: ["nodes", "nodes/status"],
            namespaces: ["*"],
            clusterScope: true,
          },
          {
            verbs: ["*"],
            apiGroups: ["coordination.k8s.io"],
            resources: ["leases"],
            namespaces: ["*"],
            clusterScope: false,
          },
        ],
      },
    ]);
  });

  it("has upstream's rules for leader election and endpoints (1.29)", () => {
    const schemas = suggestedFlowSchemas("1.29");
    const system = byName(schemas, "system-leader-election").spec.rules?.[0];
    assert.deepEqual(system?.subjects, [
      { kind: "User", user: { name: "system:kube-controller-manager" } },
      { kind: "User", user: { name: "system:kube-scheduler" } },
      { kind: "ServiceAccount", serviceAccount: { namespace: "kube-system", name: "*" } },
    ]);
    assert.deepEqual(system?.resourceRules?.[0]?.verbs, ["get", "create", "update"]);

    const endpoints = byName(schemas, "endpoint-controller").spec.rules?.[0];
    assert.deepEqual(
      endpoints?.subjects.map((subject) => subject.user?.name ?? subject.serviceAccount?.name),
      [
        "system:kube-controller-manager",
        "endpoint-controller",
        "endpointslicemirroring-controller",
      ],
    );
    assert.deepEqual(endpoints?.resourceRules?.[0]?.resources, ["endpoints"]);

    const workload = byName(schemas, "workload-leader-election").spec.rules?.[0];
    assert.deepEqual(
      workload?.resourceRules?.map((rule) => [rule.apiGroups, rule.resources]),
      [
        [[""], ["endpoints", "configmaps"]],
        [["coordination.k8s.io"], ["leases"]],
      ],
    );
  });

  it("probes exempt GET of the three health endpoints by anyone", () => {
    const probes = byName(suggestedFlowSchemas("1.29"), "probes");
    assert.equal(probes.spec.distinguisherMethod, undefined);
    assert.deepEqual(probes.spec.rules, [
      {
        subjects: [
          { kind: "Group", group: { name: "system:unauthenticated" } },
          { kind: "Group", group: { name: "system:authenticated" } },
        ],
        nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/readyz", "/livez"] }],
      },
    ]);
  });

  it("builds fresh objects on every call", () => {
    const first = bootstrapConfiguration("1.34");
    first.flowSchemas[0].spec.matchingPrecedence = 42;
    assert.equal(bootstrapConfiguration("1.34").flowSchemas[0].spec.matchingPrecedence, 1);
  });
});
