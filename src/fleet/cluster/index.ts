export * from "./ports.js";
export { DATA_PLANE_DEFAULTS, OPERATOR_USERS, kubeSystemUser, template } from "./defaults.js";
export { ClusterAssembly, clusterComponents } from "./assembly.js";
export type { MinuteSample } from "./minute-sampler.js";
export { SERVICE_ENDPOINTS, type ServiceEndpointsPort } from "./service-placement.js";
