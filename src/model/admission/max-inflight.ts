/**
 * The apiserver's limits without API Priority and Fairness: --max-requests-inflight for
 * read-only and --max-mutating-requests-inflight for mutating requests, long-running requests
 * (watches) and system:masters exempt, 429 with Retry-After: 1 when full. No queuing.
 * Port of k8s.io/apiserver/pkg/server/filters/maxinflight.go.
 */
import type { Admission, AdmitDecision } from "../apiserver.js";
import type { ApiRequest } from "../request.js";
import { SYSTEM_PRIVILEGED_GROUP } from "../../k8s/index.js";

/** maxinflight.go answers 429 with this Retry-After (seconds). */
export const MAX_INFLIGHT_RETRY_AFTER_SECONDS = 1;

export class MaxInflightAdmission implements Admission {
  readonly queueWaitLimitSeconds = undefined;
  private readOnly = 0;
  private mutating = 0;
  private readonly counted = new WeakSet<ApiRequest>();

  constructor(
    private readonly maxReadOnly: number,
    private readonly maxMutating: number,
  ) {}

  admit(request: ApiRequest): AdmitDecision {
    const template = request.template;
    if (template.verb === "watch" || request.user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) {
      return "execute";
    }
    if (template.mutating) {
      if (this.maxMutating > 0 && this.mutating >= this.maxMutating) return "concurrency-limit";
      this.mutating++;
    } else {
      if (this.maxReadOnly > 0 && this.readOnly >= this.maxReadOnly) return "concurrency-limit";
      this.readOnly++;
    }
    this.counted.add(request);
    return "execute";
  }

  release(request: ApiRequest): ApiRequest[] {
    if (this.counted.delete(request)) {
      if (request.template.mutating) this.mutating--;
      else this.readOnly--;
    }
    return [];
  }

  expire(): boolean {
    return false;
  }

  retryAfterSeconds(): number {
    return MAX_INFLIGHT_RETRY_AFTER_SECONDS;
  }

  reset(): void {
    this.readOnly = 0;
    this.mutating = 0;
  }
}
