/**
 * Kubernetes minor versions whose behaviour this package ports. Behaviour that changed between
 * minors (bootstrap flow schemas, feature-gate defaults, the LIST work estimator) is keyed on one
 * of these.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = [
  "1.29",
  "1.30",
  "1.31",
  "1.32",
  "1.33",
  "1.34",
] as const;

export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];

/** The minor number of a supported version: "1.31" → 31. */
export function minorOf(version: KubernetesVersion): number {
  return Number(version.slice(2));
}

/** True when `version` is at least `atLeast` (both supported versions). */
export function isAtLeast(version: KubernetesVersion, atLeast: KubernetesVersion): boolean {
  return minorOf(version) >= minorOf(atLeast);
}

/**
 * Accepts "1.31", "v1.31", "1.31.4" or "v1.31.4-eks.1" and returns the supported minor version,
 * or throws a RangeError naming the supported ones.
 */
export function parseKubernetesVersion(text: string): KubernetesVersion {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(text.trim());
  const candidate = match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
  const found = SUPPORTED_KUBERNETES_VERSIONS.find((version) => version === candidate);
  if (found === undefined) {
    throw new RangeError(
      `unsupported Kubernetes version "${text}"; supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    );
  }
  return found;
}
