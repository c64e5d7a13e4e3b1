/**
 * Classifying a request: its flow schema, priority level, flow and the hash that picks its
 * queues. Port of the first half of configController.startRequest in
 * k8s.io/apiserver/pkg/util/flowcontrol/apf_controller.go, over a configuration digested once.
 */
import { withMandatoryLevels } from "./concurrency.js";
import { hashFlowID } from "./flow-hash.js";
import {
  computeFlowDistinguisher,
  orderFlowSchemasForMatching,
  selectFlowSchema,
  type RequestDigest,
} from "./matching.js";
import type { FlowSchema, PriorityLevelConfiguration } from "./types.js";

/** A configuration ready for matching: schemas in matching order, levels by name. */
export interface ApfConfiguration {
  flowSchemas: readonly FlowSchema[];
  priorityLevels: ReadonlyMap<string, PriorityLevelConfiguration>;
}

/**
 * Digests FlowSchema and PriorityLevelConfiguration objects as the apiserver does: supplies
 * missing mandatory objects, drops schemas that name a missing level, sorts the rest.
 */
export function digestConfiguration(
  flowSchemas: readonly FlowSchema[],
  priorityLevelConfigurations: readonly PriorityLevelConfiguration[],
): ApfConfiguration {
  const levels = withMandatoryLevels(priorityLevelConfigurations);
  const priorityLevels = new Map(levels.map((level) => [level.metadata.name, level]));
  return {
    flowSchemas: orderFlowSchemasForMatching(flowSchemas, new Set(priorityLevels.keys())),
    priorityLevels,
  };
}

export interface Classification {
  flowSchema: FlowSchema;
  priorityLevel: PriorityLevelConfiguration;
  isExempt: boolean;
  /** "" unless the level queues with more than one queue, as upstream. */
  flowDistinguisher: string;
  /** hashFlowID(schema, distinguisher), or 0 when there is a single queue or none. */
  hashValue: bigint;
}

export function classifyRequest(
  configuration: ApfConfiguration,
  digest: RequestDigest,
): Classification {
  const flowSchema = selectFlowSchema(configuration.flowSchemas, digest);
  const levelName = flowSchema.spec.priorityLevelConfiguration.name;
  const priorityLevel = configuration.priorityLevels.get(levelName);
  if (priorityLevel === undefined) {
    throw new Error(`flow schema "${flowSchema.metadata.name}" names missing level "${levelName}"`);
  }
  const isExempt = priorityLevel.spec.type === "Exempt";
  const limitResponse = priorityLevel.spec.limited?.limitResponse;
  const numQueues =
    !isExempt && limitResponse?.type === "Queue" ? (limitResponse.queuing?.queues ?? 0) : 0;
  // Only shuffle sharding needs the flow identity; with one queue upstream skips the hash.
  if (numQueues <= 1) {
    return { flowSchema, priorityLevel, isExempt, flowDistinguisher: "", hashValue: 0n };
  }
  const flowDistinguisher = computeFlowDistinguisher(digest, flowSchema.spec.distinguisherMethod);
  return {
    flowSchema,
    priorityLevel,
    isExempt,
    flowDistinguisher,
    hashValue: hashFlowID(flowSchema.metadata.name, flowDistinguisher),
  };
}
