/**
 * The `kubestorm.dev/api-calls` annotation: the calls a workload declares it makes, as a YAML or
 * JSON list, e.g. `[{verb: list, resource: pods, scope: cluster, every: 60s, resourceVersion: ""}]`.
 * Every problem is reported with the item index and field.
 */
import { parse } from "yaml";
import { parseDuration } from "../scenario/units.js";
import type { ApiCall, CallScope } from "./types.js";

export const API_CALLS_ANNOTATION = "kubestorm.dev/api-calls";
export const IGNORE_ANNOTATION = "kubestorm.dev/ignore";

const VERBS = ["list", "watch", "get"] as const;
const SCOPES: readonly CallScope[] = ["cluster", "namespace", "node", "named"];
const FIELDS = [
  "verb",
  "resource",
  "apiGroup",
  "scope",
  "every",
  "resourceVersion",
  "limit",
  "encoding",
];

export type ParsedApiCalls = { calls: ApiCall[] } | { errors: string[] };

export function parseApiCallsAnnotation(text: string): ParsedApiCalls {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { errors: [`not valid YAML/JSON: ${reason}`] };
  }
  if (!Array.isArray(value) || value.length === 0) {
    return {
      errors: [
        "expected a non-empty list of calls, e.g. [{verb: list, resource: pods, every: 60s}]",
      ],
    };
  }
  const calls: ApiCall[] = [];
  const errors: string[] = [];
  value.forEach((item: unknown, index: number) => {
    const where = `[${index}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      errors.push(`${where}: expected a map with verb and resource`);
      return;
    }
    const call = item as Record<string, unknown>;
    const itemErrors: string[] = [];
    for (const key of Object.keys(call)) {
      if (!FIELDS.includes(key))
        itemErrors.push(`${where}.${key}: unknown field; expected one of ${FIELDS.join(", ")}`);
    }
    const verb = call.verb;
    if (typeof verb !== "string" || !(VERBS as readonly string[]).includes(verb)) {
      itemErrors.push(
        `${where}.verb: expected one of ${VERBS.join(", ")}, found ${JSON.stringify(verb ?? null)}`,
      );
    }
    const resource = call.resource;
    if (typeof resource !== "string" || !/^[a-z0-9.-]+$/.test(resource)) {
      itemErrors.push(
        `${where}.resource: expected a plural lower-case resource such as pods, found ${JSON.stringify(resource ?? null)}`,
      );
    }
    const scope = call.scope ?? "cluster";
    if (typeof scope !== "string" || !(SCOPES as readonly string[]).includes(scope)) {
      itemErrors.push(
        `${where}.scope: expected one of ${SCOPES.join(", ")}, found ${JSON.stringify(scope)}`,
      );
    }
    let everySeconds: number | undefined;
    if (call.every !== undefined) {
      everySeconds = typeof call.every === "string" ? parseDuration(call.every) : undefined;
      if (everySeconds === undefined || everySeconds <= 0) {
        itemErrors.push(
          `${where}.every: expected a positive duration such as 60s or 5m, found ${JSON.stringify(call.every)}`,
        );
      } else if (verb === "watch") {
        itemErrors.push(
          `${where}.every: a watch is held open, not repeated; remove every or use verb: list`,
        );
      }
    } else if (verb === "list" || verb === "get") {
      itemErrors.push(
        `${where}.every: required for ${String(verb)}: how often each instance calls (e.g. 30s)`,
      );
    }
    const resourceVersion = call.resourceVersion ?? (verb === "watch" ? "0" : "");
    if (typeof resourceVersion !== "string") {
      itemErrors.push(
        `${where}.resourceVersion: expected a quoted string ("" or "0"), found ${JSON.stringify(resourceVersion)}`,
      );
    }
    const limit = call.limit ?? 0;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
      itemErrors.push(`${where}.limit: expected an integer ≥ 0, found ${JSON.stringify(limit)}`);
    }
    const encoding = call.encoding ?? "json";
    if (encoding !== "json" && encoding !== "protobuf") {
      itemErrors.push(
        `${where}.encoding: expected json or protobuf, found ${JSON.stringify(encoding)}`,
      );
    }
    const apiGroup = call.apiGroup ?? "";
    if (typeof apiGroup !== "string") itemErrors.push(`${where}.apiGroup: expected a string`);
    if (itemErrors.length > 0) {
      errors.push(...itemErrors);
      return;
    }
    calls.push({
      verb: verb as ApiCall["verb"],
      resource: resource as string,
      apiGroup: apiGroup as string,
      scope: scope as CallScope,
      everySeconds,
      resourceVersion: resourceVersion as string,
      limit: limit as number,
      encoding: encoding as ApiCall["encoding"],
    });
  });
  return errors.length > 0 ? { errors } : { calls };
}

/** Finding ids listed in `kubestorm.dev/ignore` ("KS001,KS004"). */
export function parseIgnoreAnnotation(text: string | undefined): Set<string> {
  if (text === undefined) return new Set();
  return new Set(
    text
      .split(/[\s,]+/)
      .map((id) => id.trim().toUpperCase())
      .filter((id) => id !== ""),
  );
}
