/**
 * Property-based tests of the CLI: random valid scenarios, random corruptions of them, and
 * random output conditions. Whatever the input, the command exits 0, 1 or 2, never prints a
 * stack trace or "internal error", and its outputs are whole (valid JSON, the full --out set)
 * or absent. The case count is bounded so that the suite stays well under a minute; set
 * KUBESTORM_PROPERTY_RUNS for a longer search and KUBESTORM_PROPERTY_SEED to replay one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { assertNoCrash, runCli } from "./run-cli.js";

const RUNS = Number(process.env.KUBESTORM_PROPERTY_RUNS ?? 12);
const SEED = Number(process.env.KUBESTORM_PROPERTY_SEED ?? Date.now() % 2 ** 31);
const ARTEFACTS = ["metrics.prom", "report.html", "results.json"];

const clusterClass = fc.record({
  count: fc.integer({ min: 1, max: 3 }),
  nodes: fc.integer({ min: 1, max: 300 }),
  podsPerNode: fc.integer({ min: 1, max: 40 }),
  agent: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
});

const validScenario = fc
  .record({
    durationSeconds: fc.integer({ min: 10, max: 180 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    classes: fc.array(clusterClass, { minLength: 1, maxLength: 2 }),
  })
  .map(({ durationSeconds, seed, classes }) => {
    let text = `apiVersion: kubestorm.dev/v1alpha1
kind: Scenario
metadata:
  name: generated
spec:
  seed: ${seed}
  duration: ${durationSeconds}s
  clusters:
`;
    classes.forEach((c, index) => {
      text += `    - name: class-${index}
      count: ${c.count}
      nodes: ${c.nodes}
      podsPerNode: ${c.podsPerNode}
`;
      if (c.agent !== undefined) {
        text += `      agents:
        - name: agent
          serviceAccount: { namespace: monitoring, name: agent }
          calls:
            - { verb: list, resource: pods, scope: node, every: ${c.agent}m }
`;
      }
    });
    return text;
  });

const JUNK = [
  "-1",
  "abc",
  "!!binary AAAA",
  "*nowhere",
  "{",
  "1e999",
  "",
  "0x10",
  "[1, 2",
  "\t9",
  "&a",
  "~",
];

/** One corruption of a valid file: a junk value, a lost or doubled line, a truncation. */
const corrupted = fc
  .tuple(
    validScenario,
    fc.nat(),
    fc.nat(),
    fc.constantFrom(...JUNK),
    fc.integer({ min: 0, max: 3 }),
  )
  .map(([text, line, offset, junk, kind]) => {
    const lines = text.split("\n");
    const at = line % lines.length;
    if (kind === 0) lines[at] = lines[at].replace(/:\s.*$/, `: ${junk}`);
    else if (kind === 1) lines.splice(at, 1);
    else if (kind === 2) lines.splice(at, 0, lines[at]);
    else return text.slice(0, offset % text.length);
    return lines.join("\n");
  });

type Condition =
  | "pipe-json"
  | "pipe-table"
  | "stdout-full"
  | "out-fresh"
  | "out-previous"
  | "out-file"
  | "out-foreign";

const condition = fc.constantFrom<Condition>(
  "pipe-json",
  "pipe-table",
  ...(existsSync("/dev/full") ? (["stdout-full"] as const) : []),
  "out-fresh",
  "out-previous",
  "out-file",
  "out-foreign",
);

function check(text: string, how: Condition, valid: boolean): void {
  const directory = mkdtempSync(join(tmpdir(), "kubestorm-property-"));
  try {
    const file = join(directory, "scenario.yaml");
    writeFileSync(file, text);
    const out = join(directory, "out");
    const args = ["run", file, "-o", how === "pipe-table" ? "table" : "json"];
    if (how === "out-previous") {
      mkdirSync(out);
      for (const name of ARTEFACTS) writeFileSync(join(out, name), "previous");
    } else if (how === "out-file") writeFileSync(out, "a file");
    else if (how === "out-foreign") {
      mkdirSync(out);
      writeFileSync(join(out, "notes"), "mine");
    }
    if (how.startsWith("out-")) args.push("--out", out);
    const full = how === "stdout-full" ? openSync("/dev/full", "w") : undefined;
    let result;
    try {
      result = runCli(args, undefined, { stdoutFd: full });
    } finally {
      if (full !== undefined) closeSync(full);
    }
    const context = `${how}, ${valid ? "valid" : "corrupted"} input:\n${text}\nstderr: ${result.stderr}`;
    assertNoCrash(result, context);
    const usable = how !== "out-file" && how !== "out-foreign";
    if (valid && usable) assert.notEqual(result.status, 2, context);
    if (!usable) assert.equal(result.status, 2, context);
    if (result.status === 2) assert.match(result.stderr, /scenario\.yaml|--out|error:/, context);
    if (how === "stdout-full" && result.status === 0)
      assert.fail(`a full stdout passed silently: ${context}`);
    if (result.status === 0 && how !== "pipe-table" && how !== "stdout-full") {
      assert.doesNotThrow(() => JSON.parse(result.stdout), context);
    }
    // Artefacts: the whole new set, the untouched earlier state, or nothing.
    if (how === "out-fresh" || how === "out-previous") {
      if (existsSync(out)) {
        assert.deepEqual(readdirSync(out).sort(), ARTEFACTS, context);
        const contents = ARTEFACTS.map((name) => readFileSync(join(out, name), "utf8"));
        const previous = contents.every((content) => content === "previous");
        assert.ok(previous || contents.every((c) => c !== "previous"), `mixed set: ${context}`);
        if (result.status === 0) {
          assert.ok(!previous, context);
          assert.doesNotThrow(() => JSON.parse(contents[2]), context);
        } else assert.ok(how === "out-previous" && previous, context);
      } else assert.notEqual(result.status, 0, context);
    }
    if (how === "out-file") assert.equal(readFileSync(out, "utf8"), "a file", context);
    if (how === "out-foreign") assert.deepEqual(readdirSync(out), ["notes"], context);
    const leftovers = readdirSync(directory).filter((name) => name.includes("kubestorm"));
    assert.deepEqual(leftovers, [], context);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test(`CLI properties over valid scenarios and output conditions (seed ${SEED})`, () => {
  fc.assert(
    fc.property(validScenario, condition, (text, how) => check(text, how, true)),
    { numRuns: Math.ceil(RUNS / 2), seed: SEED },
  );
});

test(`CLI properties over corrupted scenarios and output conditions (seed ${SEED})`, () => {
  fc.assert(
    fc.property(corrupted, condition, (text, how) => check(text, how, false)),
    { numRuns: Math.ceil(RUNS / 2), seed: SEED },
  );
});
