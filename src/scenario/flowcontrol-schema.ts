/**
 * FlowSchema and PriorityLevelConfiguration objects in their real
 * flowcontrol.apiserver.k8s.io/v1 shape, as a scenario adds or replaces them. Field names and
 * enums follow k8s.io/api/flowcontrol/v1/types.go; unknown fields are errors.
 */
import { Type, type TSchema } from "@sinclair/typebox";
import type { FlowSchema, PriorityLevelConfiguration } from "../k8s/apf/index.js";

const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

const stringList = (description: string) => Type.Array(Type.String(), { minItems: 1, description });
const percent = (description: string) => Type.Integer({ minimum: 0, maximum: 100, description });

const ObjectMetaSchema = strict({
  name: Type.String({ minLength: 1, maxLength: 253 }),
  annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  labels: Type.Optional(Type.Record(Type.String(), Type.String())),
});

const SubjectSchema = strict({
  kind: Type.Unsafe<"User" | "Group" | "ServiceAccount">({
    type: "string",
    enum: ["User", "Group", "ServiceAccount"],
  }),
  user: Type.Optional(strict({ name: Type.String() })),
  group: Type.Optional(strict({ name: Type.String() })),
  serviceAccount: Type.Optional(strict({ namespace: Type.String(), name: Type.String() })),
});

const FlowSchemaSchema = strict(
  {
    apiVersion: Type.Literal("flowcontrol.apiserver.k8s.io/v1"),
    kind: Type.Literal("FlowSchema"),
    metadata: ObjectMetaSchema,
    spec: strict({
      priorityLevelConfiguration: strict({ name: Type.String() }),
      matchingPrecedence: Type.Integer({ minimum: 1, maximum: 10_000 }),
      distinguisherMethod: Type.Optional(
        strict({
          type: Type.Unsafe<"ByUser" | "ByNamespace">({
            type: "string",
            enum: ["ByUser", "ByNamespace"],
          }),
        }),
      ),
      rules: Type.Optional(
        Type.Array(
          strict({
            subjects: Type.Array(SubjectSchema, { minItems: 1 }),
            resourceRules: Type.Optional(
              Type.Array(
                strict({
                  verbs: stringList("Verbs, or * for all."),
                  apiGroups: stringList('API groups ("" is the core group), or *.'),
                  resources: stringList("Resources such as pods or pods/status, or *."),
                  clusterScope: Type.Optional(Type.Boolean()),
                  namespaces: Type.Optional(Type.Array(Type.String())),
                }),
              ),
            ),
            nonResourceRules: Type.Optional(
              Type.Array(
                strict({
                  verbs: stringList("HTTP verbs, or *."),
                  nonResourceURLs: stringList("URLs such as /healthz or /api/*."),
                }),
              ),
            ),
          }),
        ),
      ),
    }),
  },
  "A flowcontrol.apiserver.k8s.io/v1 FlowSchema.",
);

const PriorityLevelConfigurationSchema = strict(
  {
    apiVersion: Type.Literal("flowcontrol.apiserver.k8s.io/v1"),
    kind: Type.Literal("PriorityLevelConfiguration"),
    metadata: ObjectMetaSchema,
    spec: strict({
      type: Type.Unsafe<"Exempt" | "Limited">({ type: "string", enum: ["Exempt", "Limited"] }),
      limited: Type.Optional(
        strict({
          nominalConcurrencyShares: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          lendablePercent: Type.Optional(
            percent("Share of the nominal seats other levels may borrow."),
          ),
          borrowingLimitPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          limitResponse: strict({
            type: Type.Unsafe<"Queue" | "Reject">({ type: "string", enum: ["Queue", "Reject"] }),
            queuing: Type.Optional(
              strict({
                queues: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
                handSize: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
                queueLengthLimit: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
              }),
            ),
          }),
        }),
      ),
      exempt: Type.Optional(
        strict({
          nominalConcurrencyShares: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          lendablePercent: Type.Optional(
            percent("Share of the nominal seats other levels may borrow."),
          ),
        }),
      ),
    }),
  },
  "A flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration.",
);

/** One object of the list; `kind` picks the shape, so errors speak of that shape only. */
export const FlowControlObjectSchema = Type.Unsafe<FlowControlObject>({
  type: "object",
  required: ["kind"],
  properties: { kind: { type: "string", enum: ["FlowSchema", "PriorityLevelConfiguration"] } },
  discriminator: { propertyName: "kind" },
  oneOf: [FlowSchemaSchema, PriorityLevelConfigurationSchema],
});

export type FlowControlObject = FlowSchema | PriorityLevelConfiguration;
