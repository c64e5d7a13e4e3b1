/** The knowledge base of agents: every entry, in matching order. */
import { LOGGING_AGENTS } from "./entries-logging.js";
import { NETWORK_AGENTS } from "./entries-network.js";
import { OBSERVABILITY_AGENTS } from "./entries-observability.js";
import { PLATFORM_AGENTS } from "./entries-platform.js";
import type { AgentEntry } from "./types.js";

export const KNOWLEDGE_BASE: readonly AgentEntry[] = [
  ...NETWORK_AGENTS,
  ...LOGGING_AGENTS,
  ...OBSERVABILITY_AGENTS,
  ...PLATFORM_AGENTS,
];

export type { AgentEntry, Behaviour, CallSpec, Condition, GrantsSpec, Source } from "./types.js";
