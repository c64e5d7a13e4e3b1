/**
 * The CLI under hostile conditions: outputs that cannot be written, --out paths that cannot
 * be used, inputs that used to crash or hang. Each ends with a clear message and exit 1 or 2,
 * never a stack trace, and leaves the artefacts whole or absent.
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
import { assertNoCrash, runCli, runCliInShell } from "./run-cli.js";

const SMALL = `apiVersion: kubestorm.dev/v1alpha1
kind: Scenario
metadata:
  name: base
spec:
  duration: 2m
  clusters:
    - name: small
      nodes: 50
`;

function withDirectory(body: (directory: string) => void): void {
  const directory = mkdtempSync(join(tmpdir(), "kubestorm-cli-"));
  try {
    body(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function scenarioIn(directory: string, text = SMALL, name = "base.yaml"): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

test(
  "a result that cannot be written to stdout (disk full) exits 1 with a message",
  {
    skip: existsSync("/dev/full") ? false : "no /dev/full here",
  },
  () => {
    withDirectory((directory) => {
      const full = openSync("/dev/full", "w");
      try {
        const result = runCli(["run", scenarioIn(directory), "-o", "json"], undefined, {
          stdoutFd: full,
        });
        assertNoCrash(result, "stdout full");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /cannot write the result to standard output: no space left/);
      } finally {
        closeSync(full);
      }
    });
  },
);

test(
  "a closed stdout is refused before the run (exit 1) unless --out receives the result",
  {
    skip: process.platform === "linux" ? false : "detected through /proc",
  },
  () => {
    withDirectory((directory) => {
      scenarioIn(directory);
      const closed = runCliInShell('eval "$KUBESTORM run base.yaml" >&-', directory);
      assertNoCrash(closed, "stdout closed");
      assert.equal(closed.status, 1);
      assert.match(closed.stderr, /standard output is closed/);
      const withOut = runCliInShell('eval "$KUBESTORM run base.yaml --out out" >&-', directory);
      assert.equal(withOut.status, 0, `--out still receives the result: ${withOut.stderr}`);
      assert.match(withOut.stderr, /the result goes to --out only/);
      assert.ok(existsSync(join(directory, "out", "results.json")));
      const devNull = runCliInShell('eval "$KUBESTORM run base.yaml" >/dev/null', directory);
      assert.equal(devNull.status, 0, `>/dev/null is a choice, not an error: ${devNull.stderr}`);
    });
  },
);

test("compare of a scenario with two services of one name exits 2 at the name, no crash", () => {
  withDirectory((directory) => {
    const file = scenarioIn(
      directory,
      `${SMALL}  workloads:
    services:
      - { name: api, replicasPerNode: 1 }
      - { name: api, replicasPerNode: 1 }
    products:
      - { name: chat, entryServices: [api], requestsPerSecondPerNode: 1 }
`,
    );
    const result = runCli(["compare", file, "--threads", "2"]);
    assertNoCrash(result, "duplicate service");
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /base\.yaml:13:\d+: spec\.workloads\.services\[1\]\.name: duplicate service name "api"/,
    );
  });
});

test("--out that cannot be used is refused before the run, with exit 2", () => {
  withDirectory((directory) => {
    const file = scenarioIn(directory);
    const aFile = join(directory, "a-file");
    writeFileSync(aFile, "keep me");
    const htmlDirectory = join(directory, "with-dir");
    mkdirSync(join(htmlDirectory, "report.html"), { recursive: true });
    const foreign = join(directory, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "notes.txt"), "mine");
    const cases: [string, RegExp][] = [
      [aFile, /exists and is not a directory/],
      [join(aFile, "under"), /a path component is a file/],
      [htmlDirectory, /holds other entries \(report\.html\)/],
      [foreign, /holds other entries \(notes\.txt\)/],
    ];
    if (process.platform === "linux") cases.push(["/proc/kubestorm-out", /cannot write in \/proc/]);
    for (const [out, message] of cases) {
      const result = runCli(["run", file, "--out", out]);
      assertNoCrash(result, `--out ${out}`);
      assert.equal(result.status, 2, `--out ${out}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, "", `--out ${out}: refused before the run printed anything`);
    }
    assert.equal(readFileSync(aFile, "utf8"), "keep me");
    assert.deepEqual(readdirSync(foreign), ["notes.txt"]);
    assert.deepEqual(readdirSync(join(htmlDirectory, "report.html")), []);
    assert.deepEqual(
      readdirSync(directory).filter((name) => name.includes("kubestorm")),
      [],
      "no staging directory left behind",
    );
  });
});

test("--out replaces an earlier run's set whole, and creates missing parents", () => {
  withDirectory((directory) => {
    const file = scenarioIn(directory);
    const out = join(directory, "a", "b", "report");
    const first = runCli(["run", file, "-o", "json", "--out", out]);
    assert.equal(first.status, 0, first.stderr);
    const second = runCli(["run", file, "-o", "json", "--seed", "9", "--out", out]);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(readdirSync(out).sort(), ["metrics.prom", "report.html", "results.json"]);
    assert.equal(readFileSync(join(out, "results.json"), "utf8"), second.stdout);
    assert.deepEqual(readdirSync(join(directory, "a", "b")), ["report"]);
  });
});

test("the JSON does not depend on how the scenario path was typed", () => {
  withDirectory((directory) => {
    scenarioIn(directory);
    const outputs = ["base.yaml", "./base.yaml", join(directory, "base.yaml")].map((path) => {
      const result = runCli(["run", path, "-o", "json"], undefined, { cwd: directory });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout;
    });
    assert.equal(outputs[1], outputs[0]);
    assert.equal(outputs[2], outputs[0]);
  });
});

test("a scenario that would run for hours is refused before it starts; --budget raises the limit", () => {
  withDirectory((directory) => {
    const huge = scenarioIn(
      directory,
      `apiVersion: kubestorm.dev/v1alpha1
kind: Scenario
metadata:
  name: huge
spec:
  duration: 30d
  clusters:
    - name: giant
      count: 10000
      nodes: 100000
      etcd: { quota: 64Gi }
`,
    );
    const result = runCli(["run", huge]);
    assertNoCrash(result, "huge");
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /the run would take about .* more than the default budget of 15m; .*--budget/,
    );
    const full = runCli(["run", huge, "--full", "--budget", "30d"]);
    assert.equal(full.status, 2);
    assert.match(full.stderr, /10,000 simulated clusters/);
    const small = scenarioIn(directory, SMALL, "small.yaml");
    const tight = runCli(["run", small, "--budget", "5s", "--full"]);
    assert.equal(tight.status, 0, `a small run fits a 5 s budget: ${tight.stderr}`);
    assert.equal(runCli(["run", small, "--budget", "soon"]).status, 2);
  });
});

test("more client chains than the kernel holds is a validation error, not an internal one", () => {
  withDirectory((directory) => {
    let text = `${SMALL.replace(/ {2}clusters:[\s\S]*$/, "")}  clusters:\n`;
    for (let i = 0; i < 9; i++) {
      text += `    - name: c${i}
      nodes: 100000
      podsPerNode: 1
      agents:
        - name: a
          serviceAccount: { namespace: a, name: a }
          calls: [${Array(10).fill("{ verb: get, resource: pods, scope: node, every: 1h }").join(", ")}]
`;
    }
    const result = runCli(["run", scenarioIn(directory, text)]);
    assertNoCrash(result, "pending events");
    assert.equal(result.status, 2);
    assert.match(result.stderr, /spec\.clusters: the scenario keeps 9,000,900 client chains/);
  });
});

test("usage that used to pass silently is refused: a bare command, an empty --compare, hex numbers", () => {
  withDirectory((directory) => {
    const file = scenarioIn(directory);
    const bare = runCli([]);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /Usage: kubestorm/);
    const comma = runCli(["run", file, "--compare", ","]);
    assert.equal(comma.status, 2);
    assert.match(comma.stderr, /expected one or more of/);
    const hex = runCli(["preflight", file, "--pods-per-node", "0x10"]);
    assert.equal(hex.status, 2);
    assert.match(hex.stderr, /--pods-per-node/);
  });
});

test("an endless input file is refused without being read whole", () => {
  const result = runCli(["run", "/dev/zero"]);
  assertNoCrash(result, "/dev/zero");
  assert.equal(result.status, 2);
  assert.match(result.stderr, /\/dev\/zero: cannot read: larger than \d+ MiB/);
});
