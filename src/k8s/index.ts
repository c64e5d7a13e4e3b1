/**
 * Kubernetes behaviour ported from upstream: API Priority and Fairness, feature-gate defaults
 * and the identities requests carry. Pure functions; nothing here knows about the simulator.
 */
export * as apf from "./apf/index.js";
export * from "./version.js";
export * from "./features.js";
export * from "./authentication/user.js";
export * from "./authentication/serviceaccount.js";
export type { RequestInfo } from "./endpoints/request-info.js";
export * as clientGo from "./client-go/index.js";
