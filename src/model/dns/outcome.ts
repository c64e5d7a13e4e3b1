/**
 * What one DNS question gets from a layer (a CoreDNS replica, the kube-dns Service, a node's
 * cache), as probabilities, for the fluid model.
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

export const TIMEOUT: QueryOutcome = {
  answer: 0,
  servfail: 0,
  timeout: 1,
  answerLatency: 0,
  servfailLatency: 0,
  dataAsOf: 0,
  staleServed: 0,
  hit: 0,
};

export function answered(latency: number, dataAsOf: number): QueryOutcome {
  return { ...TIMEOUT, timeout: 0, answer: 1, answerLatency: latency, dataAsOf };
}

export function servfail(latency: number): QueryOutcome {
  return { ...TIMEOUT, timeout: 0, servfail: 1, servfailLatency: latency };
}

/** The weighted mixture of outcomes (weights need not sum to one; they are normalised). */
export function mix(parts: ReadonlyArray<{ weight: number; outcome: QueryOutcome }>): QueryOutcome {
  let total = 0;
  const sum = { ...TIMEOUT, timeout: 0 };
  let answerWeight = 0;
  let servfailWeight = 0;
  for (const { weight, outcome } of parts) {
    if (weight <= 0) continue;
    total += weight;
    sum.answer += weight * outcome.answer;
    sum.servfail += weight * outcome.servfail;
    sum.timeout += weight * outcome.timeout;
    sum.staleServed += weight * outcome.staleServed;
    sum.hit += weight * outcome.hit;
    const a = weight * outcome.answer;
    sum.answerLatency += a * outcome.answerLatency;
    sum.dataAsOf += a * outcome.dataAsOf;
    answerWeight += a;
    const s = weight * outcome.servfail;
    sum.servfailLatency += s * outcome.servfailLatency;
    servfailWeight += s;
  }
  if (total <= 0) return TIMEOUT;
  return {
    answer: sum.answer / total,
    servfail: sum.servfail / total,
    timeout: sum.timeout / total,
    staleServed: sum.staleServed / total,
    hit: sum.hit / total,
    answerLatency: answerWeight > 0 ? sum.answerLatency / answerWeight : 0,
    dataAsOf: answerWeight > 0 ? sum.dataAsOf / answerWeight : 0,
    servfailLatency: servfailWeight > 0 ? sum.servfailLatency / servfailWeight : 0,
  };
}

/**
 * A question through a cache layer in front of `upstream`: a valid entry answers at once; an
 * expired entry kept by serve_stale answers at once (`immediate`) or only after upstream
 * failed (`verify`); otherwise the question gets upstream's outcome, plus the hit latency.
 */
export function throughCache(
  cache: FluidCache,
  serveStale: ServeStaleMode,
  hitLatency: number,
  upstream: QueryOutcome,
): QueryOutcome {
  const valid = cache.valid;
  const stale = serveStale === "off" ? 0 : cache.stale;
  const cached = answered(hitLatency, cache.dataAsOf);
  const viaUpstream = {
    ...upstream,
    answerLatency: upstream.answerLatency + hitLatency,
    servfailLatency: upstream.servfailLatency + hitLatency,
    staleServed: 0,
    hit: 0,
  };
  const parts = [
    { weight: valid, outcome: { ...cached, hit: 1 } },
    { weight: 1 - valid - stale, outcome: viaUpstream },
  ];
  if (stale > 0 && serveStale === "immediate") {
    parts.push({ weight: stale, outcome: { ...cached, staleServed: 1 } });
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
    parts.push({
      weight: stale,
      outcome: {
        ...viaUpstream,
        answer: upstream.answer + failed,
        servfail: 0,
        timeout: 0,
        staleServed: failed,
        answerLatency:
          upstream.answer + failed > 0
            ? (upstream.answer * viaUpstream.answerLatency + failed * (failLatency + hitLatency)) /
              (upstream.answer + failed)
            : hitLatency,
        dataAsOf:
          upstream.answer + failed > 0
            ? (upstream.answer * upstream.dataAsOf + failed * cache.dataAsOf) /
              (upstream.answer + failed)
            : cache.dataAsOf,
      },
    });
  }
  return mix(parts);
}
