import type { V1Secret } from '@kubernetes/client-node';
import type { PacingCluster } from '../api/index.js';
import type { WorkerCredentials } from '../engine/index.js';
import type { CachedObjects } from './cached-objects.js';

/** Result of reading the credentials: the values, or a message naming the Secret and key at fault. */
export type CredentialsLookup =
  | { readonly isFound: true; readonly credentials: WorkerCredentials }
  | { readonly isFound: false; readonly message: string };

/**
 * Reads the engagement credentials (`client_id`, `client_secret`) and the optional statistics token and proxy
 * credentials of a PacingCluster from the Secret cache. Values are trimmed (a trailing newline from
 * `kubectl create secret --from-file` is common) and must not be empty.
 */
export function lookUpCredentials(
  cluster: PacingCluster,
  secrets: CachedObjects<V1Secret>,
): CredentialsLookup {
  const namespace = cluster.metadata.namespace ?? 'default';
  const engagement = cluster.spec.engagement.credentialsSecretRef.name;
  const clientId = readKey(secrets, namespace, engagement, 'client_id');
  if (typeof clientId !== 'string') return { isFound: false, message: clientId.problem };
  const clientSecret = readKey(secrets, namespace, engagement, 'client_secret');
  if (typeof clientSecret !== 'string') return { isFound: false, message: clientSecret.problem };
  let statsBearerToken: string | undefined;
  const tokenRef = cluster.spec.statsSource.bearerTokenSecretRef;
  if (tokenRef !== undefined) {
    const token = readKey(secrets, namespace, tokenRef.name, tokenRef.key);
    if (typeof token !== 'string') return { isFound: false, message: token.problem };
    statsBearerToken = token;
  }
  let statsCa: string | undefined;
  const caRef = cluster.spec.statsSource.caSecretRef;
  if (caRef !== undefined) {
    const ca = readKey(secrets, namespace, caRef.name, caRef.key, true);
    if (typeof ca !== 'string') return { isFound: false, message: ca.problem };
    statsCa = ca;
  }
  let proxy: WorkerCredentials['proxy'];
  const proxyRef = cluster.spec.engagement.forwardProxy?.credentialsSecretRef;
  if (proxyRef !== undefined) {
    const username = readKey(secrets, namespace, proxyRef.name, 'username');
    if (typeof username !== 'string') return { isFound: false, message: username.problem };
    const password = readKey(secrets, namespace, proxyRef.name, 'password');
    if (typeof password !== 'string') return { isFound: false, message: password.problem };
    proxy = { username, password };
  }
  return { isFound: true, credentials: { clientId, clientSecret, statsBearerToken, statsCa, proxy } };
}

/** Names of the Secrets a cluster reads, so Secret events can wake the clusters that use them. */
export function secretNamesOf(cluster: PacingCluster): string[] {
  return [
    cluster.spec.engagement.credentialsSecretRef.name,
    cluster.spec.statsSource.bearerTokenSecretRef?.name,
    cluster.spec.statsSource.caSecretRef?.name,
    cluster.spec.engagement.forwardProxy?.credentialsSecretRef?.name,
  ].filter((name): name is string => name !== undefined);
}

function readKey(
  secrets: CachedObjects<V1Secret>,
  namespace: string,
  name: string,
  key: string,
  isMultiLine = false,
): string | { problem: string } {
  const secret = secrets.get(`${namespace}/${name}`);
  if (secret === undefined) return { problem: `Secret ${namespace}/${name} not found` };
  const encoded = secret.data?.[key];
  const plain = secret.stringData?.[key];
  if (encoded === undefined && plain === undefined) {
    return { problem: `Secret ${namespace}/${name} has no key ${key}` };
  }
  const value = (plain ?? Buffer.from(encoded ?? '', 'base64').toString('utf8')).trim();
  if (value.length === 0) return { problem: `Secret ${namespace}/${name} key ${key} is empty` };
  // Control characters mean the value was not what a person typed (e.g. binary garbage): refuse it by name.
  if (!isMultiLine && hasControlCharacter(value)) {
    return { problem: `Secret ${namespace}/${name} key ${key} holds control characters` };
  }
  return value;
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
