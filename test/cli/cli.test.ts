import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "../paths.js";
import { runCli } from "./run-cli.js";

const fleet = join(FIXTURES, "scenarios", "valid", "fleet.yaml");

test("the same scenario and seed give byte-identical JSON; another seed gives other output", () => {
  const first = runCli(["run", fleet, "-o", "json"]);
  const second = runCli(["run", fleet, "-o", "json"]);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, second.stdout);
  const other = runCli(["run", fleet, "-o", "json", "--seed", "43"]);
  assert.notEqual(other.stdout, first.stdout);
  const result = JSON.parse(first.stdout) as {
    seed: number;
    simulatedSeconds: number;
    start: string;
  };
  assert.equal(result.seed, 42);
  assert.equal(result.simulatedSeconds, 1200);
  assert.equal(result.start, "2024-12-11T22:00:00.000Z");
  assert.equal((JSON.parse(other.stdout) as { seed: number }).seed, 43);
});

test("replay runs the built-in incident by default and prints a table", () => {
  const result = runCli(["replay"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /scenario\s+openai-2024-12-11/);
  assert.match(result.stdout, /14:00 to 20:00 America\/Los_Angeles/);
  assert.equal(result.stderr, "", "quiet on stderr when it is not a terminal");
});

test("an unknown replay name exits 2 and lists the known scenarios", () => {
  const result = runCli(["replay", "no-such-incident"]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /known: .*openai-2024-12-11/);
});

test("--out writes results.json whole, equal to the JSON on stdout", () => {
  const directory = mkdtempSync(join(tmpdir(), "kubestorm-out-"));
  try {
    const out = join(directory, "nested", "report");
    const result = runCli(["run", fleet, "-o", "json", "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(join(out, "results.json"), "utf8"), result.stdout);
    assert.deepEqual(
      readdirSync(out).sort(),
      ["metrics.prom", "report.html", "results.json"],
      "no temporary files left behind",
    );
    const metrics = readFileSync(join(out, "metrics.prom"), "utf8");
    assert.match(metrics, /^# TYPE apiserver_request_duration_seconds histogram$/m);
    assert.match(
      metrics,
      /^apiserver_request_duration_seconds_bucket\{cluster="large",.*instance="apiserver-0",.*le="\+Inf"\} \d+$/m,
    );
    assert.match(result.stderr, /wrote .*results\.json/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("usage errors exit 2 with a hint; --help and --version exit 0", () => {
  const badFormat = runCli(["run", fleet, "-o", "yaml"]);
  assert.equal(badFormat.status, 2);
  assert.match(badFormat.stderr, /Allowed choices are table, json/);
  const badSeed = runCli(["run", fleet, "--seed", "-1"]);
  assert.equal(badSeed.status, 2);
  assert.match(badSeed.stderr, /--seed.*expected an integer/);
  assert.equal(runCli(["no-such-command"]).status, 2);
  assert.equal(runCli(["run"]).status, 2);
  const help = runCli(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Examples:/);
  assert.match(help.stdout, /Exit codes:/);
  const version = runCli(["--version"]);
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test("scenarios lists the built-ins; schema prints JSON Schema", () => {
  const list = runCli(["scenarios", "-o", "json"]);
  assert.equal(list.status, 0);
  const names = (JSON.parse(list.stdout) as { name: string }[]).map((s) => s.name);
  assert.ok(names.includes("openai-2024-12-11"));
  const schema = runCli(["schema"]);
  assert.equal(schema.status, 0);
  const parsed = JSON.parse(schema.stdout) as {
    $schema: string;
    properties: Record<string, unknown>;
  };
  assert.match(parsed.$schema, /json-schema\.org/);
  assert.deepEqual(Object.keys(parsed.properties), ["apiVersion", "kind", "metadata", "spec"]);
});

test("compare runs mitigation variants on worker threads and writes the report page", () => {
  const directory = mkdtempSync(join(tmpdir(), "kubestorm-compare-"));
  try {
    const scenario = join(FIXTURES, "scenarios", "data-plane", "mini-fleet.yaml");
    const result = runCli([
      "compare",
      scenario,
      "--compare",
      "node-scoped-cache,break-glass",
      "--threads",
      "2",
      "--seed",
      "3",
      "--out",
      directory,
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Published versus simulated/);
    assert.match(result.stdout, /Mitigations compared/);
    assert.match(result.stdout, /^\s+node-scoped-cache\s/m);
    const json = JSON.parse(readFileSync(join(directory, "results.json"), "utf8")) as {
      comparison: { rows: { id: string; values: Record<string, number | null> }[] };
    };
    const rows = Object.fromEntries(json.comparison.rows.map((row) => [row.id, row.values]));
    assert.ok(rows["as-happened"].lost! > 0, "the as-happened run loses control planes");
    assert.equal(rows["node-scoped-cache"].lost, 0, "the node-scoped variant loses none");
    const html = readFileSync(join(directory, "report.html"), "utf8");
    assert.match(html, /<svg/);
    assert.match(html, /node-scoped|Agent lists its own node/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("an unknown mitigation is a usage error", () => {
  const scenario = join(FIXTURES, "scenarios", "data-plane", "mini-fleet.yaml");
  const result = runCli(["compare", scenario, "--compare", "no-such-thing"]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown mitigation "no-such-thing"; known: .*apf-bounded-level/);
});
