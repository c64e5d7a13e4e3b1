/** Building blocks shared by the scenario's schemas. */
import { Type, type TSchema } from "@sinclair/typebox";
import { DURATION_PATTERN, QUANTITY_PATTERN } from "./units.js";

export const DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

export const duration = (description: string) =>
  Type.String({
    pattern: DURATION_PATTERN,
    description: `${description} A duration such as 90s, 20m, 4h or 1h30m.`,
  });

export const quantity = (description: string) =>
  Type.Unsafe<string | number>({
    type: ["string", "number"],
    pattern: QUANTITY_PATTERN,
    description: `${description} A Kubernetes quantity such as 64Gi, 500m or 8.`,
  });

export const strictObject = <T extends Record<string, TSchema>>(
  properties: T,
  options: { description?: string } = {},
) => Type.Object(properties, { additionalProperties: false, ...options });
