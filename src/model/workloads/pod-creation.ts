/**
 * Admission of pod creations: the integrator backs it with real API requests (or anything
 * else); the workloads model only needs to know how many of a batch were created, and when.
 */

export interface PodCreationAdmission {
  /**
   * Asks the control plane to create (and schedule) `count` pods of `service`. `done(created)`
   * reports how many were created, 0 to `count`, now or later; the rest are retried.
   */
  createPods(service: string, count: number, done: (created: number) => void): void;
}

/** Creations succeed at once while `apiAvailable()` says so, and all fail otherwise. */
export function admitWhileApiAvailable(apiAvailable: () => boolean): PodCreationAdmission {
  return {
    createPods(_service, count, done) {
      done(apiAvailable() ? count : 0);
    },
  };
}
