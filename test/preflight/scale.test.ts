/**
 * Large inputs: 20 MB of manifests, unique or duplicated, are analysed in time linear in their
 * size. The figure is printed (t.diagnostic); docs/preflight.md records it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { analyseManifests, readManifests } from "../../src/preflight/index.js";
import { clusterRbacYaml, workloadYaml } from "./helpers.js";

const TARGET_BYTES = 20 * 2 ** 20;

/** One agent's manifests (ClusterRole, binding, DaemonSet), made unique by `i`. */
function agentSet(i: number): string {
  const name = `agent-${i}`;
  const filler = `# ${"padding so that one set is about 2 KB ".repeat(20)}\n`;
  return `${clusterRbacYaml(name, ["pods", "nodes", "services"])}---\n${workloadYaml({ name })}${filler}`;
}

function build(unique: boolean): string {
  const parts: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < TARGET_BYTES; i++) {
    const part = agentSet(unique ? i : 0);
    parts.push(part);
    bytes += part.length + 4;
  }
  return parts.join("---\n");
}

for (const unique of [false, true]) {
  test(`20 MB of ${unique ? "unique" : "duplicated"} manifests are analysed`, (t) => {
    const text = build(unique);
    const started = process.hrtime.bigint();
    const result = analyseManifests(readManifests(["-"], () => text));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    t.diagnostic(
      `${(text.length / 2 ** 20).toFixed(1)} MiB, ${result.documents} documents, ${result.workloads.length} workloads: ${seconds.toFixed(1)} s`,
    );
    assert.ok(result.workloads.length >= 1);
    if (!unique) assert.equal(result.workloads.length, 1);
    assert.deepEqual(result.diagnostics, []);
  });
}
