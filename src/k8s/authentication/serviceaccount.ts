/**
 * Service-account user names (k8s.io/apiserver/pkg/authentication/serviceaccount/util.go).
 * A service account authenticates as "system:serviceaccount:<namespace>:<name>" and belongs to
 * the groups "system:serviceaccounts" and "system:serviceaccounts:<namespace>".
 */
import { ALL_AUTHENTICATED, type UserInfo } from "./user.js";

export const SERVICE_ACCOUNT_USERNAME_PREFIX = "system:serviceaccount:";
export const SERVICE_ACCOUNT_USERNAME_SEPARATOR = ":";
export const SERVICE_ACCOUNT_GROUP_PREFIX = "system:serviceaccounts:";
export const ALL_SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts";

export function makeServiceAccountUsername(namespace: string, name: string): string {
  return SERVICE_ACCOUNT_USERNAME_PREFIX + namespace + SERVICE_ACCOUNT_USERNAME_SEPARATOR + name;
}

export function makeServiceAccountGroupName(namespace: string): string {
  return SERVICE_ACCOUNT_GROUP_PREFIX + namespace;
}

/** The user a token of this service account authenticates as, with its default groups. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: makeServiceAccountUsername(namespace, name),
    groups: [ALL_SERVICE_ACCOUNTS_GROUP, makeServiceAccountGroupName(namespace), ALL_AUTHENTICATED],
  };
}

/**
 * Whether `username` is the service account `namespace`/`name`. Compared piecewise like upstream
 * (prefix, namespace, separator, rest), so a namespace containing ":" behaves the same way.
 */
export function matchesServiceAccountUsername(
  namespace: string,
  name: string,
  username: string,
): boolean {
  const rest = afterServiceAccountNamespace(namespace, username);
  return rest !== undefined && rest === name;
}

/** Whether `username` is any service account of `namespace`. */
export function matchesServiceAccountNamespace(namespace: string, username: string): boolean {
  return afterServiceAccountNamespace(namespace, username) !== undefined;
}

function afterServiceAccountNamespace(namespace: string, username: string): string | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) return undefined;
  const afterPrefix = username.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length);
  if (!afterPrefix.startsWith(namespace)) return undefined;
  const afterNamespace = afterPrefix.slice(namespace.length);
  if (!afterNamespace.startsWith(SERVICE_ACCOUNT_USERNAME_SEPARATOR)) return undefined;
  return afterNamespace.slice(SERVICE_ACCOUNT_USERNAME_SEPARATOR.length);
}
