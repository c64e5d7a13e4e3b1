/**
 * Copies read once. Applying the same manifest twice makes one object in a cluster, so a
 * document identical to an earlier one (same API group, kind, namespace, name and content) is
 * dropped. Without it, n copies of a RoleBinding would give every workload n copies of each
 * grant. Documents with the same identity but different content are kept and counted: they
 * are alternatives (two variants of one install), and which one is meant is not known.
 */
import type { ManifestDocument } from "./types.js";

export interface Deduplicated {
  documents: ManifestDocument[];
  /** Documents dropped because an earlier one was the same. */
  duplicates: number;
  /** Identities ("Kind ns/name") held by documents with different content. */
  conflicts: string[];
}

function identity(document: ManifestDocument): string {
  const slash = document.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : document.apiVersion.slice(0, slash);
  return `${group}|${document.kind}|${document.namespace ?? ""}|${document.name}`;
}

export function dedupeDocuments(documents: readonly ManifestDocument[]): Deduplicated {
  const seen = new Map<string, Set<string>>();
  const kept: ManifestDocument[] = [];
  const conflicts = new Set<string>();
  for (const document of documents) {
    const id = identity(document);
    const content = JSON.stringify(document.body);
    const contents = seen.get(id) ?? new Set<string>();
    if (contents.has(content)) continue;
    if (contents.size > 0) {
      conflicts.add(
        `${document.kind} ${document.namespace ?? ""}${document.namespace === undefined ? "" : "/"}${document.name}`,
      );
    }
    contents.add(content);
    seen.set(id, contents);
    kept.push(document);
  }
  return { documents: kept, duplicates: documents.length - kept.length, conflicts: [...conflicts] };
}
