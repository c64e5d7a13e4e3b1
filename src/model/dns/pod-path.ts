/**
 * The path of one pod question: what the node's cache answers itself, what goes upstream, and
 * what the resolver's tries make of it. Pure functions over this tick's outcomes.
 */
import type { NodeLocalConfig, ResolverSettings } from "./config.js";
import type { FluidCache } from "./fluid-cache.js";
import { TIMEOUT, type QueryOutcome } from "./outcome.js";

/**
 * What a pod's question gets from the first DNS server it talks to. A node cache's state is
 * the node's own: a retry from the same pod meets the same entry, so what the node answers
 * from its cache (`sticky`) is not redrawn per try; only the rest goes upstream. Without a
 * node cache each try is a new UDP flow that kube-proxy sends to a replica at random.
 */
export interface PodFacing {
  /** Fraction of questions the node's cache answers (valid, or stale by serve_stale). */
  sticky: number;
  stickyLatency: number;
  stickyDataAsOf: number;
  /** Fraction of questions answered from an expired entry. */
  staleServed: number;
  /** Outcome of one try for the other questions. */
  rest: QueryOutcome;
  /** A failed try leaves a cached SERVFAIL on the node: the retries fail at once. */
  servfailSticks: boolean;
}

/** A question's fate over all its tries. */
export interface QuestionStats {
  answer: number;
  finalServfail: number;
  /** Tries sent, per question. */
  tries: number;
  latency: number;
  dataAsOf: number;
}

/** A node's cache in front of its upstream (the kube-dns Service or the node's resolvers). */
export function nodeCacheFacing(
  cache: FluidCache,
  layer: NodeLocalConfig,
  upstream: QueryOutcome,
): PodFacing {
  const valid = cache.valid;
  const stale = layer.cache.serveStale === "off" ? 0 : cache.stale;
  const empty = Math.max(0, 1 - valid - stale);
  const hit = layer.answerLatency;
  const viaUpstream: QueryOutcome = {
    ...upstream,
    answerLatency: upstream.answerLatency + hit,
    servfailLatency: upstream.servfailLatency + hit,
  };
  const servfailSticks = layer.cache.servfailTtl > 0;
  if (layer.cache.serveStale === "verify") {
    // Stale entries answer every time, but only after the upstream try failed.
    const failed = upstream.servfail + upstream.timeout;
    const staleLatency =
      upstream.answer * viaUpstream.answerLatency + failed * viaUpstream.servfailLatency;
    const sticky = valid + stale;
    return {
      sticky,
      stickyLatency: sticky > 0 ? (valid * hit + stale * staleLatency) / sticky : 0,
      stickyDataAsOf: cache.dataAsOf,
      staleServed: stale * failed,
      rest: empty > 0 ? viaUpstream : TIMEOUT,
      servfailSticks,
    };
  }
  return {
    sticky: valid + stale,
    stickyLatency: hit,
    stickyDataAsOf: cache.dataAsOf,
    staleServed: stale,
    rest: viaUpstream,
    servfailSticks,
  };
}

/**
 * One question over all its tries (`attempts`, retried on SERVFAIL or timeout): independent
 * tries over `rest`, unless the node cached the first SERVFAIL, which then answers the retries.
 */
export function questionStats(
  pod: PodFacing,
  settings: ResolverSettings,
  hitLatency: number,
): QuestionStats {
  const o = pod.rest;
  const failing = o.servfail + o.timeout;
  const perTry =
    o.answer * o.answerLatency +
    o.servfail * o.servfailLatency +
    o.timeout * settings.timeoutSeconds;
  let answer: number;
  let finalServfail: number;
  let tries: number;
  let latency: number;
  if (pod.servfailSticks) {
    const retries = Math.max(0, settings.attempts - 1) * failing;
    answer = o.answer;
    finalServfail = failing;
    tries = 1 + retries;
    latency = perTry + retries * hitLatency;
  } else {
    tries = 0;
    for (let i = 0; i < settings.attempts; i++) tries += Math.pow(failing, i);
    const finalFailure = Math.pow(failing, settings.attempts);
    answer = o.answer * tries;
    finalServfail = failing > 0 ? (finalFailure * o.servfail) / failing : 0;
    latency = tries * perTry;
  }
  const h = pod.sticky;
  return {
    answer: h + (1 - h) * answer,
    finalServfail: (1 - h) * finalServfail,
    tries: h + (1 - h) * tries,
    latency: h * pod.stickyLatency + (1 - h) * latency,
    dataAsOf:
      h + (1 - h) * answer > 0
        ? (h * pod.stickyDataAsOf + (1 - h) * answer * o.dataAsOf) / (h + (1 - h) * answer)
        : 0,
  };
}

/** A node cache answers a SERVFAIL itself once the upstream attempt failed (CoreDNS `forward`). */
export function timeoutsBecomeServfail(
  outcome: QueryOutcome,
  forwardTimeout: number,
): QueryOutcome {
  if (outcome.timeout <= 0) return outcome;
  const servfails = outcome.servfail + outcome.timeout;
  return {
    ...outcome,
    servfail: servfails,
    timeout: 0,
    servfailLatency:
      (outcome.servfail * outcome.servfailLatency + outcome.timeout * forwardTimeout) / servfails,
  };
}

/**
 * A cache that caches SERVFAIL sends at most one question upstream per `servfailTtl` while
 * upstream fails: the per-cache questions of one tick that may go upstream.
 */
export function throttledByServfailCache(
  perCache: number,
  servfailTtl: number,
  tick: number,
): number {
  if (servfailTtl <= 0) return perCache;
  return Math.min(perCache, Math.max(Math.min(perCache, 1), tick / servfailTtl));
}
