/** docs/agents.md, generated from the knowledge base so that the page cannot drift from it. */
import { KNOWLEDGE_BASE } from "./index.js";
import type { CallSpec, Condition, GrantsSpec } from "./types.js";

function conditionText(condition: Condition | undefined): string {
  if (condition === undefined) return "otherwise";
  const parts: string[] = [];
  if (condition.arg !== undefined) parts.push(`argument matches \`${condition.arg}\``);
  if (condition.env !== undefined)
    parts.push(`env ${condition.env.name} matches \`${condition.env.matches}\``);
  if (condition.nodeEnv !== undefined)
    parts.push(`env ${condition.nodeEnv.join(" or ")} from spec.nodeName`);
  if (condition.nodeFlag !== undefined)
    parts.push(`flag --${condition.nodeFlag.join("/--")} set from spec.nodeName`);
  if (condition.config !== undefined) parts.push(`configuration \`${condition.config}\``);
  if (condition.nodeConfig !== undefined)
    parts.push(`configuration \`${condition.nodeConfig}\` naming a spec.nodeName variable`);
  if (condition.peer !== undefined) parts.push(`a workload \`${condition.peer}\` in the same file`);
  if (condition.versions !== undefined) parts.push(`image version ${condition.versions}`);
  if (condition.not !== undefined) parts.push(`not (${conditionText(condition.not)})`);
  if (condition.any !== undefined)
    parts.push(`any of (${condition.any.map(conditionText).join("; ")})`);
  return parts.join(", ").replace(/\|/g, "\\|");
}

function callText(spec: CallSpec | GrantsSpec): string {
  if ("fromGrants" in spec) {
    const only = spec.clusterOnly === true ? " (cluster-scoped grants)" : "";
    const scoped =
      spec.nodeScoped === undefined
        ? ""
        : `; ${spec.nodeScoped.join(", ")} on its node when ${conditionText(spec.nodeScopedWhen)}`;
    return `informers on its RBAC grants${only}${scoped}`;
  }
  const every = spec.verb === "watch" ? "" : ` every ${spec.every ?? 60}s`;
  return `${spec.verb} ${spec.resource} (${spec.scope})${every}`;
}

export function agentsMarkdown(): string {
  const lines = [
    "# Agents preflight recognises",
    "",
    "Generated from `src/preflight/knowledge/` (the test `test/preflight/knowledge.test.ts` fails",
    "when this page is out of date; `UPDATE_AGENTS_DOC=1` rewrites it). An entry matches on a",
    "container image; its first behaviour whose condition holds decides the calls. Calls with",
    "`(node)` carry the fieldSelector spec.nodeName; `(named)` read one object.",
    "",
    `${KNOWLEDGE_BASE.length} entries.`,
    "",
  ];
  for (const entry of KNOWLEDGE_BASE) {
    lines.push(`## ${entry.name} (\`${entry.id}\`)`, "");
    lines.push(`Images: ${entry.images.map((i) => `\`${i}\``).join(", ")}`, "");
    lines.push("| when | calls per instance | what it does |", "| --- | --- | --- |");
    for (const behaviour of entry.behaviours) {
      const calls =
        behaviour.calls.length === 0 ? "none" : behaviour.calls.map(callText).join("; ");
      lines.push(
        `| ${conditionText(behaviour.when)} | ${calls.replace(/\|/g, "\\|")}${behaviour.fanOutCache === true ? " (fan-out cache)" : ""} | ${behaviour.says.replace(/\|/g, "\\|")} |`,
      );
    }
    lines.push("");
    lines.push(`Source: ${entry.sources.map((s) => `<${s.url}> (${s.release})`).join("; ")}`);
    lines.push(
      "",
      entry.checked === undefined
        ? "Checked: not yet, line by line, against the source; written from the agent's documentation."
        : `Checked: against the ${entry.checked === "source" ? "cited source" : "corpus notes on its manifest (../shared/corpus/ORIGINS.md)"}.`,
    );
    if (entry.nodeScopingFix !== undefined) {
      lines.push(
        "",
        `Node scoping: in ${entry.nodeScopingFix.where}, \`${entry.nodeScopingFix.change}\``,
      );
    }
    if (entry.corpus !== undefined) {
      lines.push("", `Tested on: ${entry.corpus.map((c) => `\`${c}\``).join(", ")}`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
