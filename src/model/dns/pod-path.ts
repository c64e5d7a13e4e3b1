/**
 * The path of one pod question: what the node's cache answers itself, what goes upstream, and
 * what the resolver's tries make of it. Functions of this tick's outcomes, written into
 * objects the caller owns (the model evaluates them for every name on every tick).
 */
import type { NodeLocalConfig, ResolverSettings } from "./config.js";
import type { FluidCache } from "./fluid-cache.js";
import { TIMEOUT, copyOutcome, newOutcome, type QueryOutcome } from "./outcome.js";

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

/** A new pod-facing outcome (everything times out), to be owned and overwritten. */
export function newPodFacing(): PodFacing {
  return {
    sticky: 0,
    stickyLatency: 0,
    stickyDataAsOf: 0,
    staleServed: 0,
    rest: newOutcome(),
    servfailSticks: false,
  };
}

/** Without a node cache every try goes to the kube-dns Service: `out` asks `service`. */
export function directFacing(out: PodFacing, service: Readonly<QueryOutcome>): PodFacing {
  out.sticky = 0;
  out.stickyLatency = 0;
  out.stickyDataAsOf = 0;
  out.staleServed = 0;
  copyOutcome(out.rest, service);
  out.servfailSticks = false;
  return out;
}

/**
 * A node's cache in front of its upstream (the kube-dns Service or the node's resolvers),
 * written into `out` (whose `rest` may not be `upstream`).
 */
export function nodeCacheFacing(
  out: PodFacing,
  cache: FluidCache,
  layer: NodeLocalConfig,
  upstream: Readonly<QueryOutcome>,
): PodFacing {
  const valid = cache.valid;
  const stale = layer.cache.serveStale === "off" ? 0 : cache.stale;
  const empty = Math.max(0, 1 - valid - stale);
  const hit = layer.answerLatency;
  const upAnswerLatency = upstream.answerLatency + hit;
  const upServfailLatency = upstream.servfailLatency + hit;
  out.servfailSticks = layer.cache.servfailTtl > 0;
  out.stickyDataAsOf = cache.dataAsOf;
  if (layer.cache.serveStale === "verify") {
    // Stale entries answer every time, but only after the upstream try failed.
    const failed = upstream.servfail + upstream.timeout;
    const staleLatency = upstream.answer * upAnswerLatency + failed * upServfailLatency;
    const sticky = valid + stale;
    out.sticky = sticky;
    out.stickyLatency = sticky > 0 ? (valid * hit + stale * staleLatency) / sticky : 0;
    out.staleServed = stale * failed;
    if (empty <= 0) {
      copyOutcome(out.rest, TIMEOUT);
      return out;
    }
  } else {
    out.sticky = valid + stale;
    out.stickyLatency = hit;
    out.staleServed = stale;
  }
  copyOutcome(out.rest, upstream);
  out.rest.answerLatency = upAnswerLatency;
  out.rest.servfailLatency = upServfailLatency;
  return out;
}

/** A new question summary, to be owned and overwritten. */
export function newQuestionStats(): QuestionStats {
  return { answer: 0, finalServfail: 0, tries: 0, latency: 0, dataAsOf: 0 };
}

/**
 * One question over all its tries (`attempts`, retried on SERVFAIL or timeout): independent
 * tries over `rest`, unless the node cached the first SERVFAIL, which then answers the retries.
 */
export function questionStats(
  out: QuestionStats,
  pod: Readonly<PodFacing>,
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
  const answers = h + (1 - h) * answer;
  out.answer = answers;
  out.finalServfail = (1 - h) * finalServfail;
  out.tries = h + (1 - h) * tries;
  out.latency = h * pod.stickyLatency + (1 - h) * latency;
  out.dataAsOf =
    answers > 0 ? (h * pod.stickyDataAsOf + (1 - h) * answer * o.dataAsOf) / answers : 0;
  return out;
}

/**
 * A node cache answers a SERVFAIL itself once the upstream attempt failed (CoreDNS `forward`):
 * `outcome` with its timeouts turned into SERVFAILs after `forwardTimeout`, written into `out`.
 */
export function timeoutsBecomeServfail(
  out: QueryOutcome,
  outcome: Readonly<QueryOutcome>,
  forwardTimeout: number,
): QueryOutcome {
  if (out !== outcome) copyOutcome(out, outcome);
  if (outcome.timeout <= 0) return out;
  const servfails = outcome.servfail + outcome.timeout;
  out.servfailLatency =
    (outcome.servfail * outcome.servfailLatency + outcome.timeout * forwardTimeout) / servfails;
  out.servfail = servfails;
  out.timeout = 0;
  return out;
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
