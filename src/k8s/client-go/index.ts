/**
 * client-go behaviour that shapes apiserver load: the client token bucket, rest.Request retries,
 * the reflector's LIST/WATCH state machine with its backoff, and badly behaved agent patterns.
 * Pure functions over plain numbers; nothing here knows about the simulator.
 */
export * from "./token-bucket.js";
export * from "./retry.js";
export * from "./url-backoff.js";
export * from "./request-retry.js";
export * from "./backoff.js";
export * from "./pager.js";
export * from "./reflector.js";
export * from "./agent-patterns.js";
