/**
 * What one DNS question gets from a layer (a CoreDNS replica, the kube-dns Service, a node's
 * cache), as probabilities, for the fluid model. The model computes these for every name on
 * every tick, so the hot functions write into outcomes the caller owns instead of allocating.
 */
import type { ServeStaleMode } from "./config.js";
import type { FluidCache } from "./fluid-cache.js";

export interface QueryOutcome {
  /** An answer (positive, or NXDOMAIN/NODATA for a name that does not exist). */
  answer: number;
  servfail: number;
  /** No reply: the client waits for its timeout. */
  timeout: number;
  /** Mean seconds to an answer, and to a SERVFAIL. */
  answerLatency: number;
  servfailLatency: number;
  /** Mean time as of which an answer was current at its source (the CoreDNS store). */
  dataAsOf: number;
  /** Fraction of questions answered from an expired entry (serve_stale). */
  staleServed: number;
  /** Fraction of questions answered from a valid cache entry. */
  hit: number;
}

export const TIMEOUT: Readonly<QueryOutcome> = Object.freeze({
  answer: 0,
  servfail: 0,
  timeout: 1,
  answerLatency: 0,
  servfailLatency: 0,
  dataAsOf: 0,
  staleServed: 0,
  hit: 0,
});

/** A new outcome (a timeout), to be owned and overwritten by its holder. */
export function newOutcome(): QueryOutcome {
  return { ...TIMEOUT };
}

export function copyOutcome(out: QueryOutcome, from: Readonly<QueryOutcome>): QueryOutcome {
  out.answer = from.answer;
  out.servfail = from.servfail;
  out.timeout = from.timeout;
  out.answerLatency = from.answerLatency;
  out.servfailLatency = from.servfailLatency;
  out.dataAsOf = from.dataAsOf;
  out.staleServed = from.staleServed;
  out.hit = from.hit;
  return out;
}

/** Every question answered after `latency`, with data current as of `dataAsOf`. */
export function setAnswered(out: QueryOutcome, latency: number, dataAsOf: number): QueryOutcome {
  copyOutcome(out, TIMEOUT);
  out.timeout = 0;
  out.answer = 1;
  out.answerLatency = latency;
  out.dataAsOf = dataAsOf;
  return out;
}

/** Every question answered SERVFAIL after `latency`. */
export function setServfail(out: QueryOutcome, latency: number): QueryOutcome {
  copyOutcome(out, TIMEOUT);
  out.timeout = 0;
  out.servfail = 1;
  out.servfailLatency = latency;
  return out;
}

export function answered(latency: number, dataAsOf: number): QueryOutcome {
  return setAnswered(newOutcome(), latency, dataAsOf);
}

export function servfail(latency: number): QueryOutcome {
  return setServfail(newOutcome(), latency);
}

/**
 * A weighted mixture of outcomes built part by part (weights need not sum to one; they are
 * normalised; parts of weight ≤ 0 are ignored). One instance is reused for every mixture.
 */
export class OutcomeMixer {
  private total = 0;
  private answer = 0;
  private servfail = 0;
  private timeout = 0;
  private staleServed = 0;
  private hit = 0;
  private answerLatency = 0;
  private dataAsOf = 0;
  private answerWeight = 0;
  private servfailLatency = 0;
  private servfailWeight = 0;

  reset(): this {
    this.total = 0;
    this.answer = 0;
    this.servfail = 0;
    this.timeout = 0;
    this.staleServed = 0;
    this.hit = 0;
    this.answerLatency = 0;
    this.dataAsOf = 0;
    this.answerWeight = 0;
    this.servfailLatency = 0;
    this.servfailWeight = 0;
    return this;
  }

  add(weight: number, o: Readonly<QueryOutcome>): this {
    return this.addParts(
      weight,
      o.answer,
      o.servfail,
      o.timeout,
      o.answerLatency,
      o.servfailLatency,
      o.dataAsOf,
      o.staleServed,
      o.hit,
    );
  }

  /** `add` of an outcome given field by field (no object needed). */
  addParts(
    weight: number,
    answer: number,
    servfail: number,
    timeout: number,
    answerLatency: number,
    servfailLatency: number,
    dataAsOf: number,
    staleServed: number,
    hit: number,
  ): this {
    if (!(weight > 0)) return this;
    this.total += weight;
    this.answer += weight * answer;
    this.servfail += weight * servfail;
    this.timeout += weight * timeout;
    this.staleServed += weight * staleServed;
    this.hit += weight * hit;
    const a = weight * answer;
    this.answerLatency += a * answerLatency;
    this.dataAsOf += a * dataAsOf;
    this.answerWeight += a;
    const s = weight * servfail;
    this.servfailLatency += s * servfailLatency;
    this.servfailWeight += s;
    return this;
  }

  /** Writes the mixture into `out` (a timeout if every weight was ≤ 0). */
  finish(out: QueryOutcome): QueryOutcome {
    const total = this.total;
    if (total <= 0) return copyOutcome(out, TIMEOUT);
    const aw = this.answerWeight;
    const sw = this.servfailWeight;
    out.answer = this.answer / total;
    out.servfail = this.servfail / total;
    out.timeout = this.timeout / total;
    out.staleServed = this.staleServed / total;
    out.hit = this.hit / total;
    out.answerLatency = aw > 0 ? this.answerLatency / aw : 0;
    out.dataAsOf = aw > 0 ? this.dataAsOf / aw : 0;
    out.servfailLatency = sw > 0 ? this.servfailLatency / sw : 0;
    return out;
  }
}

/** The weighted mixture of outcomes (weights need not sum to one; they are normalised). */
export function mix(parts: ReadonlyArray<{ weight: number; outcome: QueryOutcome }>): QueryOutcome {
  const mixer = new OutcomeMixer();
  for (const { weight, outcome } of parts) mixer.add(weight, outcome);
  return mixer.finish(newOutcome());
}

/**
 * A question through a cache layer in front of `upstream`, written into `out` (which may not be
 * `upstream`): a valid entry answers at once; an expired entry kept by serve_stale answers at
 * once (`immediate`) or only after upstream failed (`verify`); otherwise the question gets
 * upstream's outcome, plus the hit latency.
 */
export function throughCacheInto(
  out: QueryOutcome,
  mixer: OutcomeMixer,
  cache: FluidCache,
  serveStale: ServeStaleMode,
  hitLatency: number,
  upstream: Readonly<QueryOutcome>,
): QueryOutcome {
  const valid = cache.valid;
  const stale = serveStale === "off" ? 0 : cache.stale;
  const cachedAsOf = cache.dataAsOf;
  const upAnswerLatency = upstream.answerLatency + hitLatency;
  const upServfailLatency = upstream.servfailLatency + hitLatency;
  mixer.reset();
  mixer.addParts(valid, 1, 0, 0, hitLatency, 0, cachedAsOf, 0, 1);
  mixer.addParts(
    1 - valid - stale,
    upstream.answer,
    upstream.servfail,
    upstream.timeout,
    upAnswerLatency,
    upServfailLatency,
    upstream.dataAsOf,
    0,
    0,
  );
  if (stale > 0 && serveStale === "immediate") {
    mixer.addParts(stale, 1, 0, 0, hitLatency, 0, cachedAsOf, 1, 0);
  } else if (stale > 0) {
    // verify: upstream first; its failures are answered stale after the failure's delay
    // (a layer that can time out turns timeouts into SERVFAILs with a delay before this).
    const failed = upstream.servfail + upstream.timeout;
    const failLatency =
      failed > 0
        ? (upstream.servfail * upstream.servfailLatency +
            upstream.timeout * upstream.servfailLatency) /
          failed
        : 0;
    const answers = upstream.answer + failed;
    mixer.addParts(
      stale,
      answers,
      0,
      0,
      answers > 0
        ? (upstream.answer * upAnswerLatency + failed * (failLatency + hitLatency)) / answers
        : hitLatency,
      upServfailLatency,
      answers > 0
        ? (upstream.answer * upstream.dataAsOf + failed * cachedAsOf) / answers
        : cachedAsOf,
      failed,
      0,
    );
  }
  return mixer.finish(out);
}

/** `throughCacheInto` returning a new outcome. */
export function throughCache(
  cache: FluidCache,
  serveStale: ServeStaleMode,
  hitLatency: number,
  upstream: Readonly<QueryOutcome>,
): QueryOutcome {
  return throughCacheInto(
    newOutcome(),
    new OutcomeMixer(),
    cache,
    serveStale,
    hitLatency,
    upstream,
  );
}
