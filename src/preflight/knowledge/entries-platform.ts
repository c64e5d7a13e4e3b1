/** Knowledge base: device plugins, storage drivers and platform operators. */
import type { AgentEntry } from "./types.js";

export const PLATFORM_AGENTS: readonly AgentEntry[] = [
  {
    id: "nvidia-device-plugin",
    name: "NVIDIA device plugin",
    images: ["nvidia/k8s-device-plugin", "k8s-device-plugin(:|@|$)"],
    behaviours: [{ calls: [], says: "talks to the kubelet's device plugin socket: no API calls" }],
    sources: [
      {
        url: "https://github.com/NVIDIA/k8s-device-plugin/blob/v0.15.0/README.md",
        release: "v0.15.0",
      },
    ],
  },
  {
    id: "nvidia-gpu-operator",
    name: "NVIDIA GPU Operator",
    images: ["nvidia/gpu-operator", "cloud-native/gpu-operator"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "nodes", scope: "cluster" },
          { verb: "watch", resource: "daemonsets", apiGroup: "apps", scope: "namespace" },
          { verb: "watch", resource: "pods", scope: "namespace" },
          { verb: "watch", resource: "clusterpolicies", apiGroup: "nvidia.com", scope: "cluster" },
        ],
        says: "one operator replica watching nodes (for GPU labels) and its own operands",
      },
    ],
    sources: [
      {
        url: "https://github.com/NVIDIA/gpu-operator/blob/v24.3.0/cmd/gpu-operator/main.go",
        release: "v24.3.0",
      },
    ],
  },
  {
    id: "node-feature-discovery",
    name: "Node Feature Discovery (worker and master)",
    images: ["node-feature-discovery(:|@|$)"],
    behaviours: [
      {
        when: { arg: "^nfd-worker$" },
        calls: [
          {
            verb: "get",
            resource: "nodefeatures",
            apiGroup: "nfd.k8s-sigs.io",
            scope: "named",
            every: 60,
          },
        ],
        says: "writes its node's NodeFeature object every sleep interval (60 s): no watches",
      },
      {
        when: { arg: "^nfd-master$" },
        calls: [
          {
            verb: "watch",
            resource: "nodefeatures",
            apiGroup: "nfd.k8s-sigs.io",
            scope: "cluster",
          },
          {
            verb: "watch",
            resource: "nodefeaturerules",
            apiGroup: "nfd.k8s-sigs.io",
            scope: "cluster",
          },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
          { verb: "list", resource: "nodes", scope: "cluster", every: 3600 },
        ],
        says: "nfd-master: one replica watching NodeFeatures and labelling nodes",
      },
    ],
    sources: [
      {
        url: "https://kubernetes-sigs.github.io/node-feature-discovery/v0.16/reference/worker-configuration-reference.html",
        release: "v0.16",
      },
    ],
    corpus: [
      "kubernetes-sigs__node-feature-discovery__deployment__base__worker-daemonset__worker-daemonset.yaml",
      "kubernetes-sigs__node-feature-discovery__deployment__base__master__master-deployment.yaml",
    ],
  },
  {
    id: "secrets-store-csi-driver",
    name: "Secrets Store CSI Driver",
    images: ["csi-secrets-store/driver", "secrets-store-csi-driver"],
    behaviours: [
      {
        calls: [
          {
            verb: "watch",
            resource: "secretproviderclasspodstatuses",
            apiGroup: "secrets-store.csi.x-k8s.io",
            scope: "node",
          },
          {
            verb: "watch",
            resource: "secretproviderclasses",
            apiGroup: "secrets-store.csi.x-k8s.io",
            scope: "cluster",
          },
          { verb: "get", resource: "pods", scope: "named", every: 120 },
        ],
        says: "its node's SecretProviderClassPodStatuses (label selector on the node name), the classes, and a GET of each mounting pod per rotation",
      },
    ],
    sources: [
      {
        url: "https://secrets-store-csi-driver.sigs.k8s.io/topics/best-practices",
        release: "v1.0",
      },
    ],
    corpus: ["kubernetes-sigs__secrets-store-csi-driver__deploy__secrets-store-csi-driver.yaml"],
  },
  {
    id: "longhorn-manager",
    name: "Longhorn manager",
    images: ["longhornio/longhorn-manager"],
    behaviours: [
      {
        calls: [{ fromGrants: true, clusterOnly: true }],
        says: "every manager runs all Longhorn controllers and watches the Longhorn resources, pods and nodes cluster-wide",
      },
    ],
    sources: [
      {
        url: "https://github.com/longhorn/longhorn-manager/blob/v1.6.0/controller/controller_manager.go",
        release: "v1.6.0",
      },
    ],
    corpus: ["longhorn__longhorn__deploy__longhorn.yaml"],
  },
  {
    id: "multus",
    name: "Multus CNI",
    images: ["multus-cni(:|@|$)", "k8snetworkplumbingwg/multus"],
    behaviours: [
      {
        when: { arg: "multus-daemon|thick" },
        calls: [{ verb: "watch", resource: "pods", scope: "node" }],
        says: "the thick daemon caches the pods of its node",
      },
      {
        calls: [{ verb: "get", resource: "pods", scope: "named", every: 60 }],
        says: "the thin plugin GETs each new pod (and its network-attachment-definitions) when the kubelet calls it",
      },
    ],
    sources: [
      {
        url: "https://github.com/k8snetworkplumbingwg/multus-cni/blob/v4.0.2/docs/thick-plugin.md",
        release: "v4.0.2",
      },
    ],
    corpus: ["k8snetworkplumbingwg__multus-cni__deployments__multus-daemonset.yml"],
  },
  {
    id: "metallb-speaker",
    name: "MetalLB speaker",
    images: ["metallb/speaker"],
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
          { verb: "watch", resource: "nodes", scope: "cluster" },
          { verb: "watch", resource: "namespaces", scope: "cluster" },
        ],
        says: "every speaker watches every Service, EndpointSlice and Node to elect the announcing node",
      },
    ],
    sources: [
      {
        url: "https://github.com/metallb/metallb/blob/v0.14.5/speaker/main.go",
        release: "v0.14.5",
      },
    ],
    corpus: ["metallb__metallb__config__manifests__metallb-native.yaml"],
  },
  {
    id: "kube-vip",
    name: "kube-vip",
    images: ["kube-vip/kube-vip", "plndr/kube-vip"],
    behaviours: [
      {
        calls: [
          { verb: "watch", resource: "services", scope: "cluster" },
          { verb: "watch", resource: "leases", apiGroup: "coordination.k8s.io", scope: "named" },
        ],
        says: "watches Services of type LoadBalancer and holds a leader-election Lease",
      },
    ],
    sources: [
      { url: "https://kube-vip.io/docs/usage/kubernetes-services/", release: "v0.4 to v0.8" },
    ],
    corpus: ["kube-vip__kube-vip__docs__manifests__v0.4.1__kube-vip-arp-ds.yaml"],
  },
];
