import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseScenario } from "../../src/scenario/index.js";
import { MAX_SEED } from "../../src/sim/index.js";
import { FIXTURES } from "../paths.js";
import { runCli } from "./run-cli.js";

test("swarm runs drawn scenarios with the checker on and sums up", () => {
  const result = runCli(["swarm", "--from", "7", "--seeds", "2", "--threads", "2"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^seed 7: ok/m);
  assert.match(result.stdout, /^seed 8: ok/m);
  assert.match(result.stdout, /^2 passed, 0 failed \(seeds 7 to 8\)$/m);
});

test("swarm --print writes the scenario file of a seed, valid as it is", () => {
  const result = runCli(["swarm", "--print", "7"]);
  assert.equal(result.status, 0, result.stderr);
  const scenario = parseScenario(result.stdout, "swarm-7.yaml");
  assert.equal(scenario.name, "swarm-7");
});

test("run --check completes a run with the state checker on; bad swarm flags are usage errors", () => {
  const file = join(FIXTURES, "scenarios", "control-plane", "small.yaml");
  const checked = runCli(["run", file, "--check", "-o", "json"]);
  assert.equal(checked.status, 0, checked.stderr);
  assert.equal(JSON.parse(checked.stdout).outcome.stopReason, "until");
  const bad = runCli(["swarm", "--seeds", "0"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--seeds/);
  const beyond = runCli(["swarm", "--from", String(MAX_SEED), "--seeds", "2"]);
  assert.equal(beyond.status, 2);
  assert.match(beyond.stderr, /seeds go up to/);
});
