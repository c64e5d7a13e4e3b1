/**
 * The published shape of the package: `npm pack`, installed into an empty project, runs the
 * complete example of docs/library.md through `import … from "kubestorm"`, exposes nothing by
 * deep path, and ships declarations that type-check a component written in TypeScript.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../paths.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function exampleFromDocs(): string {
  const doc = readFileSync(join(REPO_ROOT, "docs/library.md"), "utf8");
  const block = doc.slice(
    doc.indexOf("<!-- example:start -->"),
    doc.indexOf("<!-- example:end -->"),
  );
  const start = block.indexOf("```js");
  const end = block.lastIndexOf("```");
  assert.ok(start >= 0 && end > start, "docs/library.md has the example between its markers");
  return block.slice(start + "```js".length, end);
}

const TYPED_COMPONENT = `
import { CONTROL_PLANE, World, definePort, type Component, type ComponentContext } from "kubestorm";

const COUNTER = definePort<{ value: number }>("example/counter");

class Counter implements Component {
  readonly name = "counter";
  readonly provides = [COUNTER];
  readonly needs = [CONTROL_PLANE];
  attach(context: ComponentContext): void {
    const apiservers = context.get(CONTROL_PLANE).cluster;
    context.provide(COUNTER, { value: apiservers.replicas.length });
  }
}

const world: World = new World({ seed: 1, check: true });
export const counter: Component = new Counter();
export const seed: number = world.seed;
`;

test("the packed package runs the documented custom-component example", () => {
  const work = mkdtempSync(join(tmpdir(), "kubestorm-pack-"));
  try {
    execFileSync(npm, ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
    assert.ok(tarball !== undefined, "npm pack wrote a tarball");
    const app = join(work, "app");
    execFileSync("mkdir", [app]);
    writeFileSync(
      join(app, "package.json"),
      '{ "name": "app", "private": true, "type": "module" }\n',
    );
    execFileSync(
      npm,
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        join(work, tarball),
      ],
      { cwd: app, stdio: ["ignore", "pipe", "pipe"] },
    );

    writeFileSync(join(app, "example.mjs"), exampleFromDocs());
    const output = execFileSync(process.execPath, ["example.mjs"], { cwd: app, encoding: "utf8" });
    assert.match(output, /components: .*nightly-secrets-audit/);
    const lists = /secrets LISTs: (\d+) sent, (\d+) ok/.exec(output);
    assert.ok(lists !== null, output);
    // Every one of the 200 pods listed at least once, and each LIST was answered.
    assert.ok(Number(lists[1]) >= 200, output);
    assert.equal(Number(lists[2]), 200, output);
    assert.match(output, /audit pods that ran: true/);

    // Internals are not importable by path.
    const deep = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import("kubestorm/dist/src/sim/index.js").then(() => console.log("imported"), (e) => console.log(e.code))',
      ],
      { cwd: app, encoding: "utf8" },
    );
    assert.equal(deep.trim(), "ERR_PACKAGE_PATH_NOT_EXPORTED");

    // The declarations type-check a component written in TypeScript.
    writeFileSync(join(app, "component.ts"), TYPED_COMPONENT);
    execFileSync(
      process.execPath,
      [
        join(REPO_ROOT, "node_modules/typescript/bin/tsc"),
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--skipLibCheck",
        "component.ts",
      ],
      { cwd: app, stdio: ["ignore", "pipe", "pipe"] },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
