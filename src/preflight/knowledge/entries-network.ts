/** Knowledge base: CNI plugins, network policy agents, service proxies and meshes' node agents. */
import type { AgentEntry } from "./types.js";

export const NETWORK_AGENTS: readonly AgentEntry[] = [
  {
    id: "flannel",
    checked: "corpus notes",
    name: "Flannel",
    images: ["(^|/)flannel(:|@|$)", "flannel-io/flannel", "coreos/flannel"],
    behaviours: [
      {
        when: { arg: "^--kube-subnet-mgr$" },
        calls: [{ verb: "watch", resource: "nodes", scope: "cluster" }],
        says: "--kube-subnet-mgr: every instance keeps every Node in an informer (subnet leases live on Node objects)",
      },
      {
        calls: [],
        says: "without --kube-subnet-mgr the subnets live in etcd: no calls to the Kubernetes API",
      },
    ],
    sources: [
      {
        url: "https://github.com/flannel-io/flannel/blob/v0.26.0/pkg/subnet/kube/kube.go",
        release: "v0.11.0 to v0.26",
      },
    ],
    corpus: ["flannel-io__flannel__Documentation__kube-flannel.yml"],
  },
  {
    id: "calico-node",
    checked: "corpus notes",
    name: "Calico node agent (Felix, BIRD, confd)",
    images: ["calico/node(:|@|$)"],
    behaviours: [
      {
        when: { env: { name: "FELIX_TYPHAK8SSERVICENAME", matches: "^(?!none$)\\S+" } },
        calls: [],
        says: "FELIX_TYPHAK8SSERVICENAME names a Typha service: Typha serves its watches",
      },
      {
        when: { env: { name: "FELIX_TYPHAK8SSERVICENAME", matches: "^(none)?$" } },
        calls: [{ fromGrants: true, clusterOnly: true }],
        says: "FELIX_TYPHAK8SSERVICENAME is none: every calico-node watches its grants cluster-wide (Typha is recommended above 50 nodes)",
      },
      {
        when: { peer: "calico/typha(:|@|$)" },
        calls: [],
        says: "Typha runs in the same namespace of the input and serves its watches",
      },
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        says: "without Typha every calico-node watches its grants cluster-wide (Typha is recommended above 50 nodes)",
      },
    ],
    sources: [
      {
        url: "https://docs.tigera.io/calico/latest/reference/typha/overview",
        release: "Calico 3.x",
      },
    ],
    corpus: [
      "projectcalico__calico__manifests__calico.yaml",
      "projectcalico__calico__manifests__calico-typha.yaml",
    ],
    nodeScopingFix: {
      where: "calico-config ConfigMap key typha_service_name, and a Typha Deployment",
      change: 'typha_service_name: "calico-typha"',
    },
  },
  {
    id: "calico-typha",
    checked: "corpus notes",
    name: "Calico Typha",
    images: ["calico/typha(:|@|$)"],
    behaviours: [
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        fanOutCache: true,
        says: "one set of cluster-wide watches fanned out to every calico-node",
      },
    ],
    sources: [
      {
        url: "https://docs.tigera.io/calico/latest/reference/typha/overview",
        release: "Calico 3.x",
      },
    ],
    corpus: ["projectcalico__calico__manifests__calico-typha.yaml"],
  },
  {
    id: "calico-kube-controllers",
    name: "Calico kube-controllers",
    images: ["calico/kube-controllers(:|@|$)"],
    behaviours: [
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        says: "one controller that watches nodes, pods and Calico IPAM resources cluster-wide",
      },
    ],
    sources: [
      {
        url: "https://docs.tigera.io/calico/latest/reference/kube-controllers/configuration",
        release: "Calico 3.x",
      },
    ],
    corpus: ["projectcalico__calico__manifests__calico.yaml"],
  },
  {
    id: "cilium-agent",
    checked: "source",
    name: "Cilium agent",
    images: ["cilium/cilium(:|@|$)", "cilium/cilium-dev"],
    behaviours: [
      {
        when: { versions: ">=1.14.0" },
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "nodes", scope: "named" },
          { verb: "watch", resource: "services", scope: "cluster" },
          {
            verb: "watch",
            resource: "endpointslices",
            apiGroup: "discovery.k8s.io",
            scope: "cluster",
          },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          {
            verb: "watch",
            resource: "ciliumnetworkpolicies",
            apiGroup: "cilium.io",
            scope: "cluster",
          },
        ],
        says: "local pods (fieldSelector spec.nodeName) and its own Node; services, EndpointSlices, namespaces and policies cluster-wide",
      },
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        says: "releases before 1.14 (or an unversioned tag): the watches of its ClusterRole, cluster-wide",
      },
    ],
    sources: [
      {
        url: "https://github.com/cilium/cilium/blob/v1.14.0/daemon/k8s/resources.go",
        release: "v1.14.0",
      },
    ],
    corpus: ["cilium__cilium__install__kubernetes__quick-install.yaml"],
  },
  {
    id: "cilium-operator",
    name: "Cilium operator",
    images: ["cilium/operator"],
    behaviours: [
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        says: "a Deployment that watches its grants cluster-wide (one or two replicas)",
      },
    ],
    sources: [
      { url: "https://docs.cilium.io/en/stable/internals/cilium_operator/", release: "Cilium 1.x" },
    ],
    corpus: ["cilium__cilium__install__kubernetes__quick-install.yaml"],
  },
  {
    id: "weave-net",
    name: "Weave Net (weave and weave-npc)",
    images: ["weaveworks/weave-kube", "weaveworks/weave-npc", "weave-kube(:|@|$)"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          {
            verb: "watch",
            resource: "networkpolicies",
            apiGroup: "networking.k8s.io",
            scope: "cluster",
          },
          { verb: "list", resource: "nodes", scope: "cluster", every: 600 },
        ],
        says: "weave-npc watches every pod, namespace and NetworkPolicy from every node; weave lists the nodes to find peers",
      },
    ],
    sources: [
      {
        url: "https://github.com/weaveworks/weave/blob/v2.8.1/prog/weave-npc/main.go",
        release: "v2.8.1",
      },
    ],
  },
  {
    id: "kube-router",
    name: "kube-router",
    images: ["cloudnativelabs/kube-router", "kube-router(:|@|$)"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "nodes", scope: "cluster" },
          { verb: "watch", resource: "services", scope: "cluster" },
          { verb: "watch", resource: "endpoints", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          {
            verb: "watch",
            resource: "networkpolicies",
            apiGroup: "networking.k8s.io",
            scope: "cluster",
          },
        ],
        says: "one shared informer factory for pods, nodes, services, endpoints, namespaces and NetworkPolicies, cluster-wide, on every node",
      },
    ],
    sources: [
      {
        url: "https://github.com/cloudnativelabs/kube-router/blob/v2.0.0/pkg/cmd/kube-router.go",
        release: "v2.0.0",
      },
    ],
  },
  {
    id: "aws-vpc-cni",
    name: "Amazon VPC CNI (aws-node)",
    images: ["amazon-k8s-cni(:|@|$)", "amazon/amazon-k8s-cni"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "get", resource: "nodes", scope: "named", every: 60 },
          {
            verb: "watch",
            resource: "eniconfigs",
            apiGroup: "crd.k8s.amazonaws.com",
            scope: "cluster",
          },
        ],
        says: "ipamd caches the pods of its node (fieldSelector spec.nodeName from MY_NODE_NAME) and reads its own Node",
      },
    ],
    sources: [
      {
        url: "https://github.com/aws/amazon-vpc-cni-k8s/blob/v1.18.0/pkg/k8sapi/k8sutils.go",
        release: "v1.18.0",
      },
    ],
  },
  {
    id: "azure-npm",
    name: "Azure Network Policy Manager",
    images: ["azure-npm(:|@|$)"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "pods", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          {
            verb: "watch",
            resource: "networkpolicies",
            apiGroup: "networking.k8s.io",
            scope: "cluster",
          },
        ],
        says: "every node watches every pod, namespace and NetworkPolicy to program its IP sets",
      },
    ],
    sources: [
      {
        url: "https://github.com/Azure/azure-container-networking/blob/v1.5.0/npm/cmd/start.go",
        release: "v1.5.0",
      },
    ],
  },
  {
    id: "azure-cns",
    name: "Azure CNI (azure-cns)",
    images: ["azure-cns(:|@|$)"],
    behaviours: [
      {
        calls: [
          {
            verb: "watch",
            resource: "nodenetworkconfigs",
            apiGroup: "acn.azure.com",
            scope: "named",
          },
          { verb: "watch", resource: "pods", scope: "node" },
        ],
        says: "its own NodeNetworkConfig and the pods of its node",
      },
    ],
    sources: [
      {
        url: "https://github.com/Azure/azure-container-networking/blob/v1.5.0/cns/service/main.go",
        release: "v1.5.0",
      },
    ],
  },
  {
    id: "kube-proxy",
    name: "kube-proxy",
    images: ["(^|/)kube-proxy(:|@|$)", "kube-proxy-amd64"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "services", scope: "cluster" },
          {
            verb: "watch",
            resource: "endpointslices",
            apiGroup: "discovery.k8s.io",
            scope: "cluster",
          },
          { verb: "watch", resource: "nodes", scope: "named" },
        ],
        says: "every node watches every Service and EndpointSlice (it programs all of them) and its own Node",
      },
    ],
    sources: [
      {
        url: "https://github.com/kubernetes/kubernetes/blob/v1.31.0/cmd/kube-proxy/app/server.go",
        release: "v1.31.0",
      },
    ],
  },
  {
    id: "antrea-agent",
    name: "Antrea agent",
    images: ["antrea/antrea-agent", "antrea/antrea-ubuntu", "antrea/antrea(:|@|$)"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "nodes", scope: "cluster" },
          { verb: "watch", resource: "services", scope: "cluster" },
          {
            verb: "watch",
            resource: "endpointslices",
            apiGroup: "discovery.k8s.io",
            scope: "cluster",
          },
        ],
        says: "local pods only; every Node (routes and tunnels to each peer) and, for AntreaProxy, every Service and EndpointSlice; policies come from antrea-controller",
      },
    ],
    sources: [
      {
        url: "https://github.com/antrea-io/antrea/blob/v2.0.0/cmd/antrea-agent/agent.go",
        release: "v2.0.0",
      },
    ],
    corpus: ["antrea-io__antrea__build__yamls__antrea.yml"],
  },
  {
    id: "antrea-controller",
    name: "Antrea controller",
    images: ["antrea/antrea-controller"],
    behaviours: [
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        fanOutCache: true,
        says: "computes policies once and serves them to every agent through its own API",
      },
    ],
    sources: [
      {
        url: "https://github.com/antrea-io/antrea/blob/v2.0.0/docs/design/architecture.md",
        release: "v2.0.0",
      },
    ],
    corpus: ["antrea-io__antrea__build__yamls__antrea.yml"],
  },
  {
    id: "istio-cni",
    name: "Istio CNI node agent",
    images: ["(^|/)install-cni(:|@|$)", "istio/install-cni"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "pods", scope: "node" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
        ],
        says: "the pods of its own node (fieldSelector spec.nodeName) and the namespaces, for ambient enrolment and repair",
      },
    ],
    sources: [
      {
        url: "https://github.com/istio/istio/blob/1.22.0/cni/pkg/nodeagent/informers.go",
        release: "1.22.0",
      },
    ],
    corpus: [
      "istio__istio__operator__cmd__mesh__testdata__manifest-generate__output__istio-cni.golden.yaml",
    ],
  },
  {
    id: "istio-ztunnel",
    name: "Istio ztunnel",
    images: ["istio/ztunnel", "(^|/)ztunnel(:|@|$)"],
    behaviours: [
      {
        calls: [],
        says: "gets its workloads from istiod over xDS: no watches on the Kubernetes API",
      },
    ],
    sources: [
      { url: "https://github.com/istio/ztunnel/blob/1.22.0/ARCHITECTURE.md", release: "1.22.0" },
    ],
  },
  {
    id: "linkerd-cni",
    name: "Linkerd CNI",
    images: ["linkerd/cni-plugin"],
    behaviours: [
      {
        calls: [{ verb: "get", resource: "pods", scope: "named", every: 60 }],
        says: "the installer writes the CNI config; the plugin GETs each new pod when the kubelet calls it",
      },
    ],
    sources: [
      {
        url: "https://github.com/linkerd/linkerd2/blob/stable-2.14.0/cni-plugin/main.go",
        release: "stable-2.14.0",
      },
    ],
    corpus: ["linkerd__linkerd2__cli__cmd__testdata__install-cni-plugin_default.golden"],
  },
  {
    id: "node-local-dns",
    name: "NodeLocal DNSCache",
    images: ["k8s-dns-node-cache"],
    behaviours: [
      {
        calls: [],
        says: "a CoreDNS without the kubernetes plugin: it forwards cluster names to kube-dns and makes no API calls",
      },
    ],
    sources: [
      {
        url: "https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/",
        release: "Kubernetes 1.18+",
      },
    ],
  },
];
