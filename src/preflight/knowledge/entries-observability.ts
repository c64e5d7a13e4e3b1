/** Knowledge base: log shippers, metrics and tracing collectors, monitoring and security agents. */
import { ENV_REF } from "./patterns.js";
import type { AgentEntry } from "./types.js";

export const OBSERVABILITY_AGENTS: readonly AgentEntry[] = [
  {
    id: "otel-collector",
    checked: "corpus notes",
    name: "OpenTelemetry Collector and its distributions (contrib, k8s, Splunk, ADOT, Elastic EDOT)",
    images: [
      "opentelemetry-collector",
      "otel/opentelemetry",
      "otelcol",
      "splunk-otel-collector",
      "aws-otel-collector",
      "elastic-agent/elastic-otel",
    ],
    behaviours: [
      {
        when: {
          config: "^processors\\.k8sattributes",
          any: [
            {
              nodeConfig: `^processors\\.k8sattributes[^.]*\\.filter\\.node_from_env_var = ${ENV_REF}$`,
            },
            { nodeConfig: `^processors\\.k8sattributes[^.]*\\.filter\\.node = ${ENV_REF}$` },
          ],
        },
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
        ],
        says: "k8sattributes with filter.node(_from_env_var) from spec.nodeName: pods of its own node",
      },
      {
        when: { config: "^processors\\.k8sattributes" },
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          { verb: "watch", resource: "replicasets", apiGroup: "apps", scope: "cluster" },
        ],
        says: "k8sattributes without a node filter: every instance watches every pod (and ReplicaSets for deployment names)",
      },
      {
        when: { config: "^receivers\\.k8s_cluster" },
        calls: [{ fromGrants: true, clusterOnly: true }],
        says: "k8s_cluster receiver: cluster-wide watches of the objects it reports on",
      },
      {
        when: { nodeConfig: `^extensions\\.k8s_observer[^.]*\\.node = ${ENV_REF}$` },
        calls: [{ verb: "watch", resource: "pods", scope: "node" }],
        says: "k8s_observer with node: ${env:...} from spec.nodeName: pods of its own node",
      },
      {
        when: { config: "^extensions\\.k8s_observer" },
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "nodes", scope: "cluster" },
        ],
        says: "k8s_observer without node: (or with the line deleted): a cluster-wide watch",
      },
      {
        calls: [],
        says: "no k8sattributes, k8s_cluster or k8s_observer: kubeletstats and the rest read the local kubelet or nothing",
      },
    ],
    sources: [
      {
        url: "https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/v0.100.0/processor/k8sattributesprocessor/README.md",
        release: "v0.100.0",
      },
      {
        url: "https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/v0.100.0/extension/observer/k8sobserver/README.md",
        release: "v0.100.0",
      },
    ],
    corpus: [
      "open-telemetry__opentelemetry-helm-charts__charts__opentelemetry-collector__examples__kubernetesAttributes__rendered__deployment.yaml",
    ],
    nodeScopingFix: {
      where: "processors.k8sattributes",
      change: "filter: {node_from_env_var: K8S_NODE_NAME} with K8S_NODE_NAME from spec.nodeName",
    },
  },
  {
    id: "beats",
    checked: "corpus notes",
    name: "Elastic Beats (Filebeat, Metricbeat, Auditbeat, Packetbeat, Heartbeat)",
    images: ["beats/(filebeat|metricbeat|auditbeat|packetbeat|heartbeat)"],
    behaviours: [
      {
        when: {
          any: [
            { nodeConfig: `\\.add_kubernetes_metadata\\.host = ${ENV_REF}$` },
            { nodeConfig: `\\.providers\\.node = ${ENV_REF}$` },
            { nodeConfig: `\\.node = ${ENV_REF}$` },
          ],
          not: { config: "\\.scope = cluster$" },
        },
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "nodes", scope: "named" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
        ],
        says: "add_kubernetes_metadata / autodiscover on its own node (host or node from spec.nodeName)",
      },
      {
        when: { config: "\\.scope = cluster$" },
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "nodes", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          { verb: "watch", resource: "services", scope: "cluster" },
        ],
        says: "autodiscover with scope: cluster: cluster-wide watches from every instance (unique: true only limits which runs the templates)",
      },
      {
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
        ],
        says: "kubernetes metadata without a node from spec.nodeName: watches every pod",
      },
    ],
    sources: [
      {
        url: "https://www.elastic.co/guide/en/beats/filebeat/current/configuration-autodiscover.html",
        release: "Beats 7.x to 9.x",
      },
    ],
    corpus: [
      "elastic__beats__deploy__kubernetes__filebeat-kubernetes.yaml",
      "elastic__beats__deploy__kubernetes__metricbeat-kubernetes.yaml",
    ],
    nodeScopingFix: {
      where: "autodiscover.providers[type=kubernetes]",
      change: "node: ${NODE_NAME}, scope: node",
    },
  },
  {
    id: "elastic-agent",
    checked: "corpus notes",
    name: "Elastic Agent (standalone)",
    images: ["elastic-agent/elastic-agent(:|@|$)", "beats/elastic-agent"],
    behaviours: [
      {
        when: {
          nodeConfig: `^providers\\.kubernetes\\.node = ${ENV_REF}$`,
          config: "^providers\\.kubernetes\\.scope = node$",
        },
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "nodes", scope: "named" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          { verb: "watch", resource: "leases", apiGroup: "coordination.k8s.io", scope: "named" },
        ],
        says: "providers.kubernetes with scope: node and node from spec.nodeName; cluster metrics only on the leader (kubernetes_leaderelection)",
      },
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        says: "providers.kubernetes with scope: cluster (or no node): cluster-wide watches from every instance",
      },
    ],
    sources: [
      {
        url: "https://www.elastic.co/guide/en/fleet/current/kubernetes-provider.html",
        release: "Elastic Agent 8.x",
      },
    ],
    corpus: [
      "elastic__elastic-agent__deploy__kubernetes__elastic-agent-standalone-kubernetes.yaml",
    ],
    nodeScopingFix: { where: "providers.kubernetes", change: "node: ${NODE_NAME}, scope: node" },
  },
  {
    id: "datadog-agent",
    checked: "corpus notes",
    name: "Datadog Agent",
    images: ["datadog/agent(:|@|$)", "datadoghq/agent(:|@|$)", "datadog-agent(:|@|$)"],
    behaviours: [
      {
        when: {
          any: [
            { env: { name: "DD_CLUSTER_AGENT_ENABLED", matches: "^(true|1)$" } },
            { peer: "datadog/cluster-agent|datadoghq/cluster-agent" },
          ],
        },
        calls: [],
        says: "with the Cluster Agent, cluster metadata comes from it; the node agent reads its kubelet",
      },
      {
        calls: [
          { verb: "watch", resource: "services", scope: "cluster" },
          { verb: "watch", resource: "endpoints", scope: "cluster" },
          { verb: "watch", resource: "nodes", scope: "cluster" },
        ],
        says: "without a Cluster Agent every node agent watches services, endpoints and nodes for its metadata mapper",
      },
    ],
    sources: [
      { url: "https://docs.datadoghq.com/containers/cluster_agent/", release: "Agent 7.x" },
    ],
    corpus: ["DataDog__datadog-agent__Dockerfiles__manifests__agent-only__daemonset.yaml"],
    nodeScopingFix: {
      where: "container env, and a Cluster Agent Deployment",
      change: "DD_CLUSTER_AGENT_ENABLED=true",
    },
  },
  {
    id: "datadog-cluster-agent",
    name: "Datadog Cluster Agent",
    images: ["datadog/cluster-agent", "datadoghq/cluster-agent"],
    behaviours: [
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        fanOutCache: true,
        says: "one set of cluster-wide watches serving every node agent",
      },
    ],
    sources: [
      { url: "https://docs.datadoghq.com/containers/cluster_agent/", release: "Cluster Agent 7.x" },
    ],
  },
  {
    id: "newrelic-infra",
    checked: "source",
    name: "New Relic Kubernetes integration (nri-kubernetes v2)",
    images: ["newrelic/infrastructure-k8s", "newrelic/nri-kubernetes"],
    behaviours: [
      {
        when: { env: { name: "KUBE_STATE_METRICS_URL", matches: "." } },
        calls: [{ verb: "get", resource: "nodes", scope: "named", every: 300 }],
        says: "with KUBE_STATE_METRICS_URL no discovery: its own Node, cached 5 min (APIServerCacheTTL)",
      },
      {
        calls: [
          { verb: "get", resource: "nodes", scope: "named", every: 300 },
          { verb: "list", resource: "services", scope: "cluster", every: 3600 },
          { verb: "list", resource: "pods", scope: "cluster", every: 3600 },
        ],
        says: "its own Node (cached 5 min), and kube-state-metrics discovery when DNS fails: Services and pods listed by label across the cluster, cached 1 h (DiscoveryCacheTTL); the label-selected LISTs are modelled as full LISTs, which overstates their responses",
      },
    ],
    sources: [
      {
        url: "https://github.com/newrelic/nri-kubernetes/blob/v2.10.0/src/ksm/client/discovery.go",
        release: "v2.x",
      },
      {
        url: "https://github.com/newrelic/nri-kubernetes/blob/v2.10.0/src/args.go",
        release: "v2.x",
      },
    ],
    corpus: ["newrelic__nri-kubernetes__deploy__newrelic-infra.yaml"],
  },
  {
    id: "dynatrace-oneagent",
    name: "Dynatrace OneAgent",
    images: ["dynatrace/oneagent", "linux/oneagent"],
    behaviours: [
      {
        calls: [],
        says: "a host agent: Kubernetes monitoring is done by the ActiveGate, not by the node agents",
      },
    ],
    sources: [
      {
        url: "https://docs.dynatrace.com/docs/ingest-from/setup-on-k8s/how-it-works",
        release: "Dynatrace Operator 1.x",
      },
    ],
  },
  {
    id: "node-exporter",
    checked: "corpus notes",
    name: "Prometheus node exporter",
    images: ["node-exporter(:|@|$)", "prometheus/node-exporter"],
    behaviours: [{ calls: [], says: "reads /proc and /sys of its node: no API calls" }],
    sources: [
      {
        url: "https://github.com/prometheus/node_exporter/blob/v1.8.2/README.md",
        release: "v1.8.2",
      },
    ],
    corpus: ["prometheus-operator__kube-prometheus__manifests__nodeExporter-daemonset.yaml"],
  },
  {
    id: "kube-state-metrics",
    checked: "corpus notes",
    name: "kube-state-metrics",
    images: ["kube-state-metrics(:|@|$)"],
    behaviours: [
      {
        calls: [
          {
            fromGrants: true,
            nodeScoped: ["pods"],
            nodeScopedWhen: { nodeFlag: ["node"] },
            resourcesFlag: "resources",
          },
        ],
        says: "one informer per resource of its ClusterRole (or --resources); pods of one node with --node=$(NODE_NAME)",
      },
    ],
    sources: [
      {
        url: "https://github.com/kubernetes/kube-state-metrics/blob/v2.13.0/docs/developer/cli-arguments.md",
        release: "v2.13.0",
      },
    ],
    corpus: ["kubernetes__kube-state-metrics__examples__standard__deployment.yaml"],
  },
  {
    id: "falco",
    checked: "source",
    name: "Falco",
    images: [
      "falcosecurity/falco(:|@|$)",
      "falcosecurity/falco-no-driver",
      "falcosecurity/falco-distroless",
    ],
    behaviours: [
      {
        when: { versions: ">=0.37.0" },
        calls: [],
        says: "0.37 and later: the built-in Kubernetes client is gone; metadata comes from k8s-metacollector through the k8smeta plugin",
      },
      {
        when: { arg: "^(-k|--k8s-api)(=|$)", nodeFlag: ["k8s-node"] },
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          { verb: "watch", resource: "services", scope: "cluster" },
          { verb: "watch", resource: "replicasets", apiGroup: "apps", scope: "cluster" },
          { verb: "watch", resource: "daemonsets", apiGroup: "apps", scope: "cluster" },
          { verb: "watch", resource: "deployments", apiGroup: "apps", scope: "cluster" },
        ],
        says: "before 0.37 with -k and --k8s-node from spec.nodeName: its own pods, other objects cluster-wide",
      },
      {
        when: { arg: "^(-k|--k8s-api)(=|$)" },
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "nodes", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          { verb: "watch", resource: "services", scope: "cluster" },
          { verb: "watch", resource: "replicasets", apiGroup: "apps", scope: "cluster" },
        ],
        says: "before 0.37 with -k and no --k8s-node: every instance watches every pod",
      },
      { calls: [], says: "without -k (Kubernetes metadata off): no API calls" },
    ],
    sources: [
      {
        url: "https://github.com/falcosecurity/falco/releases/tag/0.30.0",
        release: "0.30.0 (--k8s-node)",
      },
      {
        url: "https://github.com/falcosecurity/plugins/blob/master/plugins/k8smeta/README.md",
        release: "Falco 0.37+",
      },
    ],
    nodeScopingFix: {
      where: "container args",
      change: '--k8s-node "$(FALCO_K8S_NODE_NAME)" with the env from spec.nodeName',
    },
  },
  {
    id: "node-problem-detector",
    checked: "corpus notes",
    name: "node-problem-detector",
    images: ["node-problem-detector(:|@|$)"],
    behaviours: [
      {
        calls: [{ verb: "get", resource: "nodes", scope: "named", every: 300 }],
        says: "its k8s exporter reads and patches its own Node (NODE_NAME) every heartbeat",
      },
    ],
    sources: [
      {
        url: "https://github.com/kubernetes/node-problem-detector/blob/v0.8.18/pkg/exporters/k8sexporter/k8s_exporter.go",
        release: "v0.8.18",
      },
    ],
    corpus: ["kubernetes__node-problem-detector__deployment__node-problem-detector.yaml"],
  },
];
