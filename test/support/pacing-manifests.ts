// Manifest builders and the table of bad manifests shared by the zod unit tests and the API-server integration
// tests, so that runtime validation and the CRD are checked against the very same fixtures.

/** A plain JSON object (a manifest or part of one). */
export type Manifest = Record<string, unknown>;

const apiVersion = 'pacing.agentpacing.dev/v1alpha1';

/** A minimal valid PacingCluster spec (loopback URLs, so http is allowed). */
export function aClusterSpec(): Manifest {
  return {
    statsSource: { url: 'http://127.0.0.1:18080' },
    engagement: {
      baseAuthURL: 'http://127.0.0.1:18082/oauth/token',
      baseServiceURL: 'http://127.0.0.1:18081',
      targetEndpoint: '/v1/pacing',
      credentialsSecretRef: { name: 'engagement-credentials' },
    },
  };
}

/** A minimal valid PacingTarget spec with one fixed group. */
export function aTargetSpec(): Manifest {
  return {
    clusterRef: { name: 'tenant' },
    virtualQueue: { name: 'Proactive Chat', media: 'chat' },
    agentGroups: [{ name: 'Chat Agents', agents: ['a-1', 'a-2'] }],
  };
}

/** Wraps a spec as a whole PacingCluster object. */
export function aPacingCluster(spec: Manifest, name = 'tenant', namespace = 'default'): Manifest {
  return { apiVersion, kind: 'PacingCluster', metadata: { name, namespace }, spec };
}

/** Wraps a spec as a whole PacingTarget object. */
export function aPacingTarget(spec: Manifest, name = 'proactive-chat', namespace = 'default'): Manifest {
  return { apiVersion, kind: 'PacingTarget', metadata: { name, namespace }, spec };
}

/** Returns a deep copy of `spec` with the value at a dotted path (array indexes as numbers) replaced or removed. */
export function withField(spec: Manifest, path: string, value: unknown): Manifest {
  const copy = structuredClone(spec);
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    node = node[key] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) {
    const { [last]: _removed, ...rest } = node;
    return replaceAt(copy, keys.slice(0, -1), rest);
  }
  node[last] = value;
  return copy;
}

/** Puts `value` at `keys` inside `root` (mutating the copy made by withField); the root itself when keys is empty. */
function replaceAt(root: Manifest, keys: readonly string[], value: Manifest): Manifest {
  if (keys.length === 0) return value;
  let node: Record<string, unknown> = root;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return root;
}

/** A manifest the API server and the zod schema must both refuse, and the field a message must name. */
export interface BadManifest {
  /** Sentence saying what is wrong. */
  readonly name: string;
  readonly kind: 'PacingCluster' | 'PacingTarget';
  readonly spec: Manifest;
  /** Field path the rejection must name, as the API server writes it, e.g. `spec.agentGroups[0]`. */
  readonly field: string;
}

const cluster = (name: string, path: string, value: unknown, field = `spec.${path}`): BadManifest => ({
  name,
  kind: 'PacingCluster',
  spec: withField(aClusterSpec(), path, value),
  field,
});

const target = (name: string, path: string, value: unknown, field = `spec.${path}`): BadManifest => ({
  name,
  kind: 'PacingTarget',
  spec: withField(aTargetSpec(), path, value),
  field,
});

const manyGroups = Array.from({ length: 51 }, (_, i) => ({ name: `g${i}`, agents: ['a'] }));

/** Every way a spec can be wrong that the CRD itself must catch (skill-expression syntax is the operator's job). */
export const badManifests: readonly BadManifest[] = [
  cluster('a refresh period below one second', 'refreshPeriod', '500ms'),
  cluster('a refresh period above five minutes', 'refreshPeriod', '10m'),
  cluster('a refresh period in words', 'refreshPeriod', '5 seconds'),
  cluster('a refresh period that is a number', 'refreshPeriod', 5),
  cluster('an optimization goal above 100', 'optimizationGoal', 101),
  cluster('a negative optimization goal', 'optimizationGoal', -1),
  cluster('an unknown policy', 'policy', 'aggressive'),
  cluster('no statistics source', 'statsSource', undefined),
  cluster('a statistics URL that is no URL', 'statsSource.url', 'not a url'),
  cluster('a statistics URL with an ftp scheme', 'statsSource.url', 'ftp://stats.example.com/'),
  cluster('a statistics timeout above one minute', 'statsSource.timeout', '2m'),
  cluster('a stale-after below one second', 'statsSource.staleAfter', '10ms'),
  cluster(
    'a CA secret name with capitals',
    'statsSource.caSecretRef',
    { name: 'Stats_CA' },
    'spec.statsSource.caSecretRef.name',
  ),
  cluster(
    'a plain-http token URL on a remote host',
    'engagement.baseAuthURL',
    'http://login.example.com/oauth/token',
  ),
  cluster(
    'a plain-http service URL on a private address',
    'engagement.baseServiceURL',
    'http://10.0.0.1/api',
  ),
  cluster('a target endpoint without a leading slash', 'engagement.targetEndpoint', 'v1/pacing'),
  cluster('no credentials secret', 'engagement.credentialsSecretRef', undefined),
  cluster('a credentials secret name with an underscore', 'engagement.credentialsSecretRef.name', 'bad_name'),
  cluster('an engagement timeout below 100ms', 'engagement.timeout', '50ms'),
  cluster(
    'a forward proxy URL without a scheme',
    'engagement.forwardProxy',
    { url: 'proxy:3128' },
    'spec.engagement.forwardProxy.url',
  ),
  cluster('a heap usage ratio above 1', 'alarms', { heapUsageRatio: 1.5 }, 'spec.alarms.heapUsageRatio'),
  cluster('a GC latency of 0 ms', 'alarms', { gcLatencyMs: 0 }, 'spec.alarms.gcLatencyMs'),
  cluster(
    'a GC frequency that is not an integer',
    'alarms',
    { gcFrequencyPerMinute: 2.5 },
    'spec.alarms.gcFrequencyPerMinute',
  ),
  cluster('an alarm detect-after above one hour', 'alarms', { detectAfter: '2h' }, 'spec.alarms.detectAfter'),
  cluster('a status update period of zero', 'statusUpdatePeriod', '0s'),
  target('no agent groups', 'agentGroups', []),
  target('51 agent groups', 'agentGroups', manyGroups),
  target(
    'a group with both agents and a skill expression',
    'agentGroups',
    [{ name: 'g', agents: ['a'], skillExpression: 'Spanish > 5' }],
    'spec.agentGroups[0]',
  ),
  target(
    'a group with neither agents nor a skill expression',
    'agentGroups',
    [{ name: 'g' }],
    'spec.agentGroups[0]',
  ),
  target('two groups with one name', 'agentGroups', [
    { name: 'g', agents: ['a'] },
    { name: 'g', skillExpression: 'Sales > 1' },
  ]),
  target('a group without a name', 'agentGroups', [{ agents: ['a'] }], 'spec.agentGroups[0].name'),
  target(
    'a group with an empty agent list',
    'agentGroups',
    [{ name: 'g', agents: [] }],
    'spec.agentGroups[0].agents',
  ),
  target(
    'a group with an empty skill expression',
    'agentGroups',
    [{ name: 'g', skillExpression: '' }],
    'spec.agentGroups[0].skillExpression',
  ),
  target('two media in one target', 'virtualQueue.media', 'chat voice'),
  target('a media type in capitals', 'virtualQueue.media', 'Chat'),
  target('an empty virtual queue name', 'virtualQueue.name', ''),
  target('no cluster reference', 'clusterRef', undefined),
  target('a target goal of 150 percent', 'optimizationGoal', 150),
  target('a negative invitation cap', 'maxInvitesPerInterval', -1),
  target('a fractional invitation cap', 'maxInvitesPerInterval', 2.5),
  target('paused written as a word', 'paused', 'yes'),
];
