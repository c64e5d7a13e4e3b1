import { test } from "node:test";
import assert from "node:assert/strict";
import { GLIBC_RESOLVER, podSearchDomains, searchCandidates } from "../../src/model/dns/index.js";

const ZONE = "cluster.local";
const SEARCH = podSearchDomains("payments", ZONE, ["ec2.internal"]);
const walk = (name: string, isService: boolean) =>
  searchCandidates(name, isService, SEARCH, ZONE, GLIBC_RESOLVER);
const answering = (name: string, isService: boolean) =>
  walk(name, isService).findIndex((c) => c.answers);

test("kubelet's search list: namespace, svc, cluster domain, then the node's domains", () => {
  assert.deepEqual(SEARCH, [
    "payments.svc.cluster.local",
    "svc.cluster.local",
    "cluster.local",
    "ec2.internal",
  ]);
});

test("a short Service name resolves on the first search domain", () => {
  const candidates = walk("auth", true);
  assert.equal(answering("auth", true), 0);
  assert.equal(candidates[0]!.fqdn, "auth.payments.svc.cluster.local");
  assert.ok(candidates[0]!.clusterZone);
});

test("service.namespace resolves on the second search domain after one NXDOMAIN", () => {
  const candidates = walk("ledger.billing", true);
  assert.equal(answering("ledger.billing", true), 1);
  assert.equal(candidates[1]!.fqdn, "ledger.billing.svc.cluster.local");
});

test("an external name with fewer than ndots dots walks the whole search list first", () => {
  const candidates = walk("api.example.com", false);
  assert.equal(candidates.length, SEARCH.length + 1);
  assert.equal(answering("api.example.com", false), SEARCH.length);
  assert.deepEqual(
    candidates.map((c) => c.clusterZone),
    [true, true, true, false, false],
  );
  // With A and AAAA that is up to 10 questions for one lookup.
  assert.equal(candidates.length * GLIBC_RESOLVER.questionsPerName, 10);
});

test("a name with ndots dots, or a trailing dot, is tried as is first", () => {
  assert.equal(answering("a.b.c.d.example.com", false), 0);
  const absolute = walk("api.example.com.", false);
  assert.equal(absolute.length, 1);
  assert.ok(absolute[0]!.answers);
  // A fully qualified Service name without the trailing dot still walks the search list.
  assert.equal(answering("auth.payments.svc.cluster.local", true), SEARCH.length);
});
