/**
 * Reads a scenario file: YAML with positions, schema validation, then the checks a schema
 * cannot express; every problem becomes a Diagnostic with file:line:column, and all of them
 * are reported at once.
 */
import { basename } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import {
  isMap,
  isPair,
  isScalar,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
} from "yaml";
import {
  closestName,
  describeValue,
  formatPath,
  InputError,
  type Diagnostic,
} from "./diagnostics.js";
import {
  LIMITS,
  ScenarioSchema,
  SCENARIO_API_VERSION,
  SCENARIO_KIND,
  type RawScenario,
} from "./schema.js";
import { DURATION_PATTERN, QUANTITY_PATTERN } from "./units.js";
import { pendingEventsProblem, scenarioSize } from "./size.js";
import { checkTreeBounds, MAX_SCENARIO_BYTES, readBoundedText } from "./yaml-guards.js";
import { checkedDuration, resolveClusterClass, type ClusterClass } from "./resolve-cluster.js";
import {
  mergeDns,
  resolveAlerts,
  resolveCalibration,
  type CalibrationTarget,
  resolveDns,
  resolveOperators,
  resolvePipeline,
  resolveTraffic,
  resolveWorkloads,
} from "./resolve-operations.js";
import type {
  AlertSettings,
  OperatorSettings,
  PipelineSettings,
  WorkloadSettings,
} from "./operations-settings.js";
import {
  isSkippedLocalTime,
  isValidTimeZone,
  parseWallClock,
  wallClockParts,
  type WallClockStart,
} from "./wall-clock.js";

/** A validated scenario with units resolved: seconds, bytes, cores. */
export interface Scenario {
  name: string;
  description: string | undefined;
  /** The file name it came from, without its directory: results do not depend on how the path was typed. */
  source: string;
  seed: number;
  start: WallClockStart | undefined;
  durationSeconds: number;
  limits: { maxEvents: number | undefined; wallClockSeconds: number | undefined };
  clusters: ClusterClass[];
  /** Fleet-wide DNS settings; a class's own `dns` overrides them (ClusterClass.dns is merged). */
  workloads: WorkloadSettings | undefined;
  pipeline: PipelineSettings | undefined;
  alerts: AlertSettings;
  operators: OperatorSettings;
  traffic: { headroom: number };
  /** Published times the report compares the run with; never read by the model. */
  calibration: CalibrationTarget[];
}

const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  strict: true,
  allowUnionTypes: true,
  discriminator: true,
});
const validateScenario = ajv.compile<RawScenario>(ScenarioSchema);

export function loadScenarioFile(path: string): Scenario {
  const read = readBoundedText(path);
  if (!read.ok) {
    throw new InputError([
      { file: path, line: 0, column: 0, path: "", message: `cannot read: ${read.reason}` },
    ]);
  }
  return parseScenario(read.text, path);
}

/** Parses and validates scenario text; throws InputError listing every problem found. */
export function parseScenario(text: string, file: string): Scenario {
  const lineCounter = new LineCounter();
  const problems: Diagnostic[] = [];
  const at = (offset: number | undefined, path: string, message: string) => {
    const pos = offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
    problems.push({ file, line: pos.line, column: pos.col, path, message });
  };
  const fail = () =>
    new InputError(
      problems.sort((a, b) => a.line - b.line || a.column - b.column),
      text,
    );
  const emptyMessage = `the file is empty; expected a Scenario document starting with apiVersion: ${SCENARIO_API_VERSION} and kind: ${SCENARIO_KIND}`;

  if (text.length > MAX_SCENARIO_BYTES) {
    problems.push({
      file,
      line: 0,
      column: 0,
      path: "",
      message: `larger than ${MAX_SCENARIO_BYTES / 2 ** 20} MiB, the largest scenario read`,
    });
    throw fail();
  }
  if (text.trim() === "") {
    problems.push({ file, line: 1, column: 1, path: "", message: emptyMessage });
    throw fail();
  }
  const documents = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    // `<<: *anchor` lets a scenario reuse an agent or a class with changes.
    merge: true,
  });
  if (documents.length === 0) {
    problems.push({ file, line: 1, column: 1, path: "", message: emptyMessage });
    throw fail();
  }
  for (const document of documents) {
    for (const error of document.errors)
      at(error.pos[0], "", `invalid YAML: ${yamlMessage(error.message)}`);
    // An unknown tag (!foo) would otherwise be dropped silently and its value read as text.
    for (const warning of document.warnings)
      at(warning.pos[0], "", `invalid YAML: ${yamlMessage(warning.message)}`);
  }
  if (documents.length > 1) {
    at(
      documents[1].range[0],
      "",
      `expected one Scenario document per file, found ${documents.length}`,
    );
  }
  if (problems.length > 0) throw fail();

  const document = documents[0];
  const bounds = checkTreeBounds(document);
  if (bounds !== undefined) {
    at(bounds.offset, bounds.path, bounds.message);
    throw fail();
  }
  let value: unknown;
  try {
    // checkTreeBounds has bounded the expansion; the library's own count refuses legitimate
    // files with more than 100 alias uses.
    value = document.toJS({ maxAliasCount: -1 });
  } catch (error) {
    at(0, "", `invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
    throw fail();
  }
  if (value === null || value === undefined) {
    problems.push({ file, line: 1, column: 1, path: "", message: emptyMessage });
    throw fail();
  }

  const locate = (segments: readonly (string | number)[]) => nodeOffset(document, segments);
  const nonFinite = new Set<string>();
  checkFiniteNumbers(value, [], (segments, found) => {
    nonFinite.add(formatPath(segments));
    at(
      locate(segments),
      formatPath(segments),
      `expected a finite number, found ${describeValue(found)}`,
    );
  });
  if (!validateScenario(value)) {
    for (const problem of describeSchemaErrors(validateScenario.errors ?? [], value)) {
      const path = formatPath(problem.segments);
      if (!nonFinite.has(path)) at(problem.offsetOf(document), path, problem.message);
    }
  }
  if (problems.length > 0) throw fail();

  const scenario = resolveScenario(value as RawScenario, basename(file), (segments, message) =>
    at(locate(segments), formatPath(segments), message),
  );
  if (problems.length > 0) throw fail();
  return scenario;
}

function yamlMessage(message: string): string {
  // The yaml library appends " at line L, column C" in some messages; the position is ours.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").trim();
}

/** Offset of the value at a path, or of the nearest ancestor that exists. */
function nodeOffset(
  document: Document,
  segments: readonly (string | number)[],
): number | undefined {
  for (let length = segments.length; length >= 0; length--) {
    const node = document.getIn(segments.slice(0, length), true) as Node | null | undefined;
    if (node !== null && node !== undefined && node.range) return node.range[0];
  }
  return undefined;
}

/** Offset of a key in the map at `segments` (for unknown fields), else of the map itself. */
function keyOffset(
  document: Document,
  segments: readonly (string | number)[],
  key: string,
): number | undefined {
  const map = segments.length === 0 ? document.contents : document.getIn(segments, true);
  if (isMap(map)) {
    for (const pair of map.items) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === key && pair.key.range) {
        return pair.key.range[0];
      }
    }
  }
  return nodeOffset(document, segments);
}

function checkFiniteNumbers(
  value: unknown,
  segments: (string | number)[],
  report: (segments: (string | number)[], found: number) => void,
): void {
  if (typeof value === "number" && !Number.isFinite(value)) report(segments, value);
  else if (Array.isArray(value))
    value.forEach((item, i) => checkFiniteNumbers(item, [...segments, i], report));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value))
      checkFiniteNumbers(item, [...segments, key], report);
  }
}

interface SchemaProblem {
  segments: (string | number)[];
  message: string;
  offsetOf: (document: Document) => number | undefined;
}

/** Turns Ajv's errors into one message per place, in the words of the file's author. */
function describeSchemaErrors(errors: ErrorObject[], root: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const segments = pathSegments(error.instancePath, root);
    const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
    let problem: SchemaProblem;
    if (error.keyword === "additionalProperties") {
      const name = String(error.params.additionalProperty);
      const known = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
      const suggestion = closestName(name, known);
      problem = {
        segments: [...segments, name],
        message:
          `unknown field ${JSON.stringify(name)}; ` +
          (suggestion !== undefined
            ? `did you mean ${JSON.stringify(suggestion)}?`
            : `expected one of: ${known.join(", ")}`),
        offsetOf: (document) => keyOffset(document, segments, name),
      };
    } else if (error.keyword === "required") {
      const name = String(error.params.missingProperty);
      problem = {
        segments: [...segments, name],
        message: `missing required field ${JSON.stringify(name)}`,
        offsetOf: (document) => nodeOffset(document, segments),
      };
    } else {
      problem = {
        segments,
        message: `expected ${expectation(schema)}, found ${describeValue(error.data)}${hint(schema, error.data)}`,
        offsetOf: (document) => nodeOffset(document, segments),
      };
    }
    const key = `${formatPath(problem.segments)}|${error.keyword === "additionalProperties" || error.keyword === "required" ? error.keyword : ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/** Ajv's JSON pointer to path segments, with array indices as numbers. */
function pathSegments(pointer: string, root: unknown): (string | number)[] {
  if (pointer === "") return [];
  const segments: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const segment = Array.isArray(node) ? Number(key) : key;
    segments.push(segment);
    node =
      node !== null && typeof node === "object"
        ? (node as Record<string, unknown>)[key]
        : undefined;
  }
  return segments;
}

/** What a schema wants, in words: "an integer from 1 to 100000". */
function expectation(schema: Record<string, unknown>): string {
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum))
    return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  if (schema.pattern === DURATION_PATTERN) return "a duration such as 90s, 20m, 4h or 1h30m";
  if (schema.pattern === QUANTITY_PATTERN) return "a quantity such as 64Gi, 500m or 8";
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const words = types.map((type) => {
    switch (type) {
      case "integer":
        return "an integer";
      case "number":
        return "a number";
      case "string":
        return typeof schema.pattern === "string" && schema.pattern.startsWith("^[a-z0-9]")
          ? "a lowercase name of letters, digits and '-'"
          : "a string";
      case "object":
        return "a map";
      case "array":
        return "a list";
      case "boolean":
        return "true or false";
      default:
        return String(type);
    }
  });
  let text = words.join(" or ");
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  if (min !== undefined && max !== undefined) text += ` from ${min} to ${max}`;
  else if (min !== undefined) text += ` >= ${min}`;
  else if (max !== undefined) text += ` <= ${max}`;
  if (typeof schema.maxLength === "number") text += ` of at most ${schema.maxLength} characters`;
  if (typeof schema.maxItems === "number") text += ` of at most ${schema.maxItems} items`;
  return text;
}

function hint(schema: Record<string, unknown>, found: unknown): string {
  if (typeof found === "number" && schema.pattern === DURATION_PATTERN) {
    return ` (a duration needs a unit, e.g. ${found}s)`;
  }
  if (typeof found === "number" && (schema.type === "string" || Array.isArray(schema.enum))) {
    return ` (YAML reads unquoted ${found} as a number; quote it if you meant text)`;
  }
  return "";
}

type Report = (segments: (string | number)[], message: string) => void;

/** Defaults, units and the checks a schema cannot express (time zones, ranges of durations). */
function resolveScenario(raw: RawScenario, source: string, report: Report): Scenario {
  const spec = raw.spec;
  const durationSeconds = checkedDuration(
    spec.duration,
    ["spec", "duration"],
    1,
    LIMITS.maxDurationSeconds,
    report,
  );

  const timeZone = spec.timeZone ?? "UTC";
  let start: WallClockStart | undefined;
  if (!isValidTimeZone(timeZone)) {
    report(
      ["spec", "timeZone"],
      `expected an IANA time zone such as America/Los_Angeles or UTC, found ${describeValue(timeZone)}`,
    );
  } else if (spec.start !== undefined) {
    const epochMs = parseWallClock(spec.start, timeZone);
    if (epochMs === undefined) {
      report(
        ["spec", "start"],
        `expected a date and time such as 2024-12-11T14:00 or 2024-12-11T14:00:00-08:00 (offsets from -14:00 to +14:00), found ${describeValue(spec.start)}`,
      );
    } else if (isSkippedLocalTime(spec.start, epochMs, timeZone)) {
      report(
        ["spec", "start"],
        `${JSON.stringify(spec.start)} does not exist in ${timeZone}: the clocks skip it (a daylight-saving change); give a time outside the gap or an offset such as -08:00`,
      );
    } else {
      start = { epochMs, timeZone };
    }
  }

  const wallClockSeconds =
    spec.limits?.wallClock === undefined
      ? undefined
      : checkedDuration(
          spec.limits.wallClock,
          ["spec", "limits", "wallClock"],
          0.001,
          LIMITS.maxDurationSeconds,
          report,
        );

  const names = new Map<string, number>();
  const clusters = (spec.clusters ?? []).map((raw, index) => {
    const path = ["spec", "clusters", index];
    const previous = names.get(raw.name);
    if (previous !== undefined) {
      report(
        [...path, "name"],
        `duplicate cluster class name ${JSON.stringify(raw.name)} (also spec.clusters[${previous}])`,
      );
    }
    names.set(raw.name, index);
    return resolveClusterClass(raw, path, report);
  });
  const fleetDns = resolveDns(spec.dns, ["spec", "dns"], report);
  clusters.forEach((cluster, index) => {
    cluster.dns = mergeDns(
      fleetDns,
      resolveDns(spec.clusters?.[index].dns, ["spec", "clusters", index, "dns"], report),
    );
  });

  const pipeline = resolvePipeline(spec.pipeline, clusters, report);
  const sizeProblem = pendingEventsProblem(
    scenarioSize(clusters, pipeline, durationSeconds, false),
  );
  if (sizeProblem !== undefined) report(["spec", "clusters"], sizeProblem);

  return {
    name: raw.metadata.name,
    description: raw.metadata.description,
    source,
    seed: spec.seed ?? 1,
    start,
    durationSeconds,
    limits: { maxEvents: spec.limits?.maxEvents, wallClockSeconds },
    clusters,
    workloads: resolveWorkloads(spec.workloads, report),
    pipeline,
    alerts: resolveAlerts(spec.alerts, report),
    operators: resolveOperators(spec.operators, report),
    traffic: resolveTraffic(spec.traffic),
    calibration: resolveCalibration(spec.calibration, start && startClock(start), report),
  };
}

/** The wall-clock hour and minute of the scenario's start, in its time zone. */
function startClock(start: WallClockStart): { hour: number; minute: number } {
  const { hour, minute } = wallClockParts(start.epochMs, start.timeZone);
  return { hour, minute };
}
