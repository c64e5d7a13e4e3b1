/**
 * The shape of the knowledge base of agents (src/preflight/knowledge/entries-*.ts): data that
 * says, for each widely deployed agent or controller, how to recognise it, which API calls it
 * makes in which configuration, and which upstream source or documentation says so.
 */
import type { CallScope } from "../types.js";

/** A test on a workload's manifests; every field present must hold. */
export interface Condition {
  /** A command or argument token matches this regular expression. */
  arg?: string;
  /** An env var (value resolved from literals, ConfigMaps) matches; "" matches presence. */
  env?: { name: string; matches: string };
  /** One of these env vars is set from fieldRef spec.nodeName. */
  nodeEnv?: string[];
  /** One of these flags has a value that refers to an env var from spec.nodeName. */
  nodeFlag?: string[];
  /** A line of the flattened configuration ("path.to.key = value") matches. */
  config?: string;
  /**
   * A configuration line matches, and its first capture group refers to an env var from
   * spec.nodeName: `${env:NAME}`, `${NAME}`, `$(NAME)`, or the bare NAME for keys that take a
   * variable's name (node_from_env_var).
   */
  nodeConfig?: string;
  /**
   * Another workload in the same file and namespace has an image matching this (the same
   * install; a directory of unrelated installs must not pair one's agent with another's cache).
   */
  peer?: string;
  /** The image tag satisfies this semver range (tags that are not versions never do). */
  versions?: string;
  not?: Condition;
  any?: Condition[];
}

/** A call the agent makes in one configuration. */
export interface CallSpec {
  verb: "watch" | "list" | "get";
  resource: string;
  apiGroup?: string;
  scope: CallScope;
  /** Seconds between calls, for list and get. */
  every?: number;
}

/** The agent's service account grants, as informers (for caches that watch what they may). */
export interface GrantsSpec {
  fromGrants: true;
  /** Keep only cluster-scoped grants. */
  clusterOnly?: boolean;
  /** Resources whose watch is scoped to the node when `nodeScopedWhen` holds. */
  nodeScoped?: string[];
  nodeScopedWhen?: Condition;
  /** A flag whose comma-separated value lists the resources it watches (--resources). */
  resourcesFlag?: string;
}

export interface Behaviour {
  when?: Condition;
  calls: (CallSpec | GrantsSpec)[];
  /** It serves other workloads' reads from one set of watches (Typha, a cluster agent). */
  fanOutCache?: boolean;
  /** What it does in this configuration, in a sentence. */
  says: string;
}

export interface Source {
  url: string;
  /** The release or date the source describes. */
  release: string;
}

/** The configuration change that scopes the agent to its node, for --fix-out. */
export interface NodeScopingFix {
  /** Where the change goes (a flag, an env var, a config key). */
  where: string;
  /** The change, as the agent's configuration writes it. */
  change: string;
  /** An env var the change adds to the agent's containers, set from spec.nodeName. */
  nodeNameEnv?: string;
}

export interface AgentEntry {
  id: string;
  name: string;
  /** Regular expressions on container images (lower-cased), e.g. "(^|/)flannel(:|@|$)". */
  images: string[];
  /** Behaviours in order; the first whose condition holds decides. */
  behaviours: Behaviour[];
  sources: Source[];
  /**
   * How the calls were checked: against the cited source ("source"), or against the corpus'
   * notes on the agent's manifest ("corpus notes"). Absent: written from the agent's
   * documentation without a line-by-line check; docs/agents.md says so.
   */
  checked?: "source" | "corpus notes";
  /** Manifests in ../shared/corpus with this agent (file names), for its test. */
  corpus?: string[];
  nodeScopingFix?: NodeScopingFix;
}
