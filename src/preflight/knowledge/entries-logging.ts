/** Knowledge base: log shippers and their Kubernetes metadata enrichment. */
import { ENV_REF } from "./patterns.js";
import type { AgentEntry } from "./types.js";

export const LOGGING_AGENTS: readonly AgentEntry[] = [
  {
    id: "fluent-bit",
    name: "Fluent Bit",
    images: ["fluent-bit(:|@|$)", "fluent/fluent-bit", "aws-for-fluent-bit"],
    behaviours: [
      {
        when: { config: "^filter\\.kubernetes\\.use_kubelet = (on|true|yes)$" },
        calls: [],
        says: "kubernetes filter with Use_Kubelet On: pod metadata from the local kubelet",
      },
      {
        when: { config: "^filter\\.kubernetes\\." },
        calls: [{ verb: "get", resource: "pods", scope: "named", every: 60 }],
        says: "kubernetes filter without Use_Kubelet: one GET per new pod, cached",
      },
      { calls: [], says: "no kubernetes filter in its configuration: no API calls" },
    ],
    sources: [
      {
        url: "https://docs.fluentbit.io/manual/pipeline/filters/kubernetes",
        release: "Fluent Bit 1.7 to 3.x",
      },
    ],
    nodeScopingFix: { where: "[FILTER] kubernetes", change: "Use_Kubelet On" },
  },
  {
    id: "fluentd-kubernetes-metadata",
    checked: "source",
    name: "Fluentd with fluent-plugin-kubernetes_metadata_filter",
    images: ["fluentd(:|@|$)", "fluent/fluentd-kubernetes-daemonset", "fluentd-kubernetes"],
    behaviours: [
      {
        when: { nodeEnv: ["K8S_NODE_NAME"] },
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
        ],
        says: "K8S_NODE_NAME from spec.nodeName: the pod watch has fieldSelector spec.nodeName",
      },
      {
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
        ],
        says: "without K8S_NODE_NAME from spec.nodeName every instance watches every pod",
      },
    ],
    sources: [
      {
        url: "https://github.com/fabric8io/fluent-plugin-kubernetes_metadata_filter/blob/v3.4.0/lib/fluent/plugin/kubernetes_metadata_watch_pods.rb",
        release: "v2.x to v3.4.0",
      },
    ],
    corpus: ["fluent__fluentd-kubernetes-daemonset__fluentd-daemonset-elasticsearch-rbac.yaml"],
    nodeScopingFix: {
      where: "container env",
      change: "K8S_NODE_NAME from valueFrom.fieldRef.fieldPath: spec.nodeName",
      nodeNameEnv: "K8S_NODE_NAME",
    },
  },
  {
    id: "vector",
    checked: "source",
    name: "Vector (kubernetes_logs source)",
    images: ["timberio/vector", "(^|/)vector(:|@|$)"],
    behaviours: [
      {
        when: {
          config: "^sources\\.[^.]+\\.type = kubernetes_logs$",
          nodeEnv: ["VECTOR_SELF_NODE_NAME"],
        },
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          { verb: "watch", resource: "nodes", scope: "named" },
        ],
        says: "kubernetes_logs: self_node_name defaults to ${VECTOR_SELF_NODE_NAME}, here from spec.nodeName: pods of its own node",
      },
      {
        when: { config: "^sources\\.[^.]+\\.type = kubernetes_logs$" },
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
        ],
        says: "kubernetes_logs without VECTOR_SELF_NODE_NAME from spec.nodeName: the node filter is empty",
      },
      { calls: [], says: "no kubernetes_logs source: no API calls" },
    ],
    sources: [
      {
        url: "https://vector.dev/docs/reference/configuration/sources/kubernetes_logs/",
        release: "Vector 0.2x to 0.4x",
      },
    ],
    nodeScopingFix: {
      where: "container env",
      change: "VECTOR_SELF_NODE_NAME from valueFrom.fieldRef.fieldPath: spec.nodeName",
      nodeNameEnv: "VECTOR_SELF_NODE_NAME",
    },
  },
  {
    id: "promtail",
    name: "Promtail",
    images: ["grafana/promtail"],
    behaviours: [
      {
        when: {
          nodeConfig: `^scrape_configs\\.kubernetes_sd_configs\\.selectors\\.field = spec\\.nodeName=${ENV_REF}$`,
        },
        calls: [{ verb: "watch", resource: "pods", scope: "node" }],
        says: "kubernetes_sd_configs with a selector field spec.nodeName=<its node>: pods of its own node",
      },
      {
        when: { config: "^scrape_configs\\.kubernetes_sd_configs\\.role = pod$" },
        calls: [{ verb: "watch", resource: "pods", scope: "cluster" }],
        says: "kubernetes_sd_configs role pod without a node selector: every instance watches every pod (the __host__ relabelling drops them after)",
      },
      { calls: [], says: "no kubernetes_sd_configs: no API calls" },
    ],
    sources: [
      {
        url: "https://grafana.com/docs/loki/latest/send-data/promtail/configuration/#kubernetes_sd_configs",
        release: "Promtail 2.x to 3.x",
      },
    ],
    nodeScopingFix: {
      where: "scrape_configs[].kubernetes_sd_configs[]",
      change:
        "selectors: [{role: pod, field: spec.nodeName=${HOSTNAME}}] with HOSTNAME from spec.nodeName and -config.expand-env=true",
    },
  },
  {
    id: "grafana-alloy",
    name: "Grafana Alloy",
    images: ["grafana/alloy(:|@|$)"],
    behaviours: [
      {
        when: { config: 'role\\s*=\\s*"pod"', not: { config: 'field\\s*=\\s*"spec\\.nodeName=' } },
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "nodes", scope: "cluster" },
          { verb: "watch", resource: "services", scope: "cluster" },
          { verb: "watch", resource: "endpoints", scope: "cluster" },
          {
            verb: "watch",
            resource: "endpointslices",
            apiGroup: "discovery.k8s.io",
            scope: "cluster",
          },
          { verb: "watch", resource: "ingresses", apiGroup: "networking.k8s.io", scope: "cluster" },
        ],
        says: "discovery.kubernetes blocks without selectors: one cluster-wide watch per role (the default chart's roles)",
      },
      {
        when: { config: 'field\\s*=\\s*"spec\\.nodeName=' },
        calls: [{ verb: "watch", resource: "pods", scope: "node" }],
        says: "discovery.kubernetes with a field selector spec.nodeName: pods of its own node",
      },
      { calls: [], says: "no discovery.kubernetes block: no API watches" },
    ],
    sources: [
      {
        url: "https://grafana.com/docs/alloy/latest/reference/components/discovery/discovery.kubernetes/",
        release: "Alloy v1.x",
      },
    ],
    corpus: [
      "grafana__alloy__operations__helm__tests__default-values__alloy__templates__controllers__daemonset.yaml",
    ],
    nodeScopingFix: {
      where: 'discovery.kubernetes "pods"',
      change: 'selectors { role = "pod" field = "spec.nodeName=" + sys.env("HOSTNAME") }',
    },
  },
  {
    id: "grafana-agent",
    name: "Grafana Agent (static and flow)",
    images: ["grafana/agent(:|@|$)"],
    behaviours: [
      {
        when: { config: "spec\\.nodeName=" },
        calls: [{ verb: "watch", resource: "pods", scope: "node" }],
        says: "kubernetes discovery with a spec.nodeName field selector: pods of its own node",
      },
      {
        when: { config: "kubernetes_sd_configs|discovery\\.kubernetes" },
        calls: [{ verb: "watch", resource: "pods", scope: "cluster" }],
        says: "kubernetes discovery without a node selector: every pod of the cluster",
      },
      { calls: [], says: "no kubernetes discovery: no API calls" },
    ],
    sources: [
      {
        url: "https://grafana.com/docs/agent/latest/static/configuration/scrape-config/",
        release: "Agent v0.3x to v0.4x",
      },
    ],
  },
];
