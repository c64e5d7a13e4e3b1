/**
 * The --out set: written through no planted link, published whole, and on a failure part-way
 * the earlier set stays as it was and nothing is left behind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OutputWriteError, prepareArtefacts } from "../../src/report/index.js";

function withDirectory(body: (directory: string) => void): void {
  const directory = mkdtempSync(join(tmpdir(), "kubestorm-artefacts-"));
  try {
    body(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const SET = {
  "report.html": "<html></html>\n",
  "results.json": "{}\n",
  "metrics.prom": "# none\n",
};

test("links planted at the names a writer could use are never written through", () => {
  withDirectory((directory) => {
    const victim = join(directory, "victim");
    writeFileSync(victim, "precious");
    const out = join(directory, "out");
    mkdirSync(out);
    // Every name the previous writer used (report.html.tmp-<pid>), and the final names.
    for (const name of Object.keys(SET)) {
      symlinkSync(victim, join(out, `${name}.tmp-${process.pid}`));
    }
    assert.throws(() => prepareArtefacts(out), /holds other entries/, "a foreign link is refused");
    rmSync(out, { recursive: true });
    mkdirSync(out);
    symlinkSync(victim, join(out, "report.html"));
    assert.throws(() => prepareArtefacts(out), /holds other entries \(report\.html\)/);
    rmSync(out, { recursive: true });
    const stage = prepareArtefacts(out);
    stage.publish(SET);
    assert.equal(readFileSync(victim, "utf8"), "precious");
    for (const name of Object.keys(SET)) assert.ok(lstatSync(join(out, name)).isFile(), name);
  });
});

test("a failure part-way keeps the earlier set whole and leaves no staging directory", () => {
  withDirectory((directory) => {
    const out = join(directory, "out");
    prepareArtefacts(out).publish(SET);
    const stage = prepareArtefacts(out);
    // The second file cannot be created: the write fails after the first one was written.
    assert.throws(
      () => stage.publish({ "report.html": "new", "missing/results.json": "new" }),
      OutputWriteError,
    );
    assert.deepEqual(readdirSync(directory), ["out"]);
    for (const [name, content] of Object.entries(SET)) {
      assert.equal(readFileSync(join(out, name), "utf8"), content, name);
    }
  });
});

test("a discarded stage leaves nothing; the published set is readable by others", () => {
  withDirectory((directory) => {
    const out = join(directory, "fresh");
    prepareArtefacts(out).discard();
    assert.deepEqual(readdirSync(directory), []);
    prepareArtefacts(out).publish(SET);
    assert.equal(lstatSync(out).mode & 0o077, 0o755 & ~process.umask() & 0o077);
  });
});
