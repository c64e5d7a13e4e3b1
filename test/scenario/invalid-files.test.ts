import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "../paths.js";
import { runCli } from "../cli/run-cli.js";

// Each fixture states on its first line where the error must be and what it must say:
// "# expect LINE:COLUMN message".
const directory = join(FIXTURES, "scenarios", "invalid");
const fixtures = readdirSync(directory).filter((name) => name.endsWith(".yaml"));

test("there are at least 15 malformed scenario fixtures", () => {
  assert.ok(fixtures.length >= 15, `${fixtures.length} fixtures`);
});

for (const name of fixtures) {
  test(`invalid scenario ${name}: exit 2 with file:line:column and a clear message`, () => {
    const path = join(directory, name);
    const header = /^# expect (\d+):(\d+) (.*)$/m.exec(readFileSync(path, "utf8"));
    assert.ok(header, `${name} lacks its "# expect" line`);
    const [, line, column, message] = header;
    const result = runCli(["run", path]);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, "", "nothing on stdout");
    assert.ok(
      result.stderr.includes(`${path}:${line}:${column}: ${message}`),
      `expected "${path}:${line}:${column}: ${message}" in:\n${result.stderr}`,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?\n/, "no stack trace");
    assert.doesNotMatch(result.stderr, /internal error/);
  });
}

test("several errors in one file are reported together, in file order", () => {
  const path = join(FIXTURES, "scenarios", "several-errors.yaml");
  const result = runCli(["run", path]);
  assert.equal(result.status, 2);
  const headlines = result.stderr.split("\n").filter((l) => l.startsWith("error: "));
  assert.equal(headlines.length, 5, result.stderr);
  assert.match(result.stderr, /5 errors\n$/);
  const lines = headlines.map((l) => Number(/:(\d+):\d+: /.exec(l)?.[1]));
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
  for (const field of [
    "apiVersion",
    "spec.duration",
    "spec.clusters[0].nodes",
    "spec.clusters[0].replicas",
    "spec.clusters[1].apiserver.cpu",
  ]) {
    assert.ok(result.stderr.includes(`: ${field}: `), `${field} missing in:\n${result.stderr}`);
  }
});

test("a missing file is a usage error, not a crash", () => {
  const result = runCli(["run", join(directory, "does-not-exist.yaml")]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /does-not-exist\.yaml: cannot read: no such file/);
});
