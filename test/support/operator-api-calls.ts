/**
 * Every Kubernetes API call the operator makes, as RBAC sees it. This list is the single allow-list the chart's
 * RBAC is tested against (test/integration/helm-chart.test.ts): the rendered roles may grant nothing beyond it,
 * and the installed ServiceAccount must be able to do all of it. When the operator starts calling something new
 * (a new informer, a new write), add it here and to charts/agent-pacing-operator/templates/ in the same change.
 */

/** Where a permission must hold: everywhere, only in the release namespace, or only in the watched namespaces. */
export type ApiCallScope = 'cluster' | 'release-namespace' | 'watched-namespaces';

/** One resource the operator touches, the verbs it uses on it, where, and why. */
export interface OperatorApiCall {
  /** API group; '' is the core group. */
  readonly group: string;
  /** Plural resource name, with `/subresource` where the call targets one. */
  readonly resource: string;
  /** The verbs the operator uses, nothing more. */
  readonly verbs: readonly string[];
  /** `watched-namespaces` means cluster-wide when the chart's watchNamespaces list is empty. */
  readonly scope: ApiCallScope;
  /** Which part of the operator makes the call. */
  readonly why: string;
}

/** The allow-list, kept in step with src/controller, src/engine and the chart templates. */
export const operatorApiCalls: readonly OperatorApiCall[] = [
  {
    group: 'pacing.agentpacing.dev',
    resource: 'pacingclusters',
    verbs: ['get', 'list', 'watch'],
    scope: 'cluster',
    why: 'informer on PacingClusters',
  },
  {
    group: 'pacing.agentpacing.dev',
    resource: 'pacingtargets',
    verbs: ['get', 'list', 'watch'],
    scope: 'cluster',
    why: 'informer on PacingTargets',
  },
  {
    group: 'pacing.agentpacing.dev',
    resource: 'pacingclusters/status',
    verbs: ['get', 'patch'],
    scope: 'cluster',
    why: 'status writer (merge patch on /status)',
  },
  {
    group: 'pacing.agentpacing.dev',
    resource: 'pacingtargets/status',
    verbs: ['get', 'patch'],
    scope: 'cluster',
    why: 'status writer (merge patch on /status)',
  },
  {
    group: 'events.k8s.io',
    resource: 'events',
    verbs: ['create', 'patch'],
    scope: 'cluster',
    why: 'event recorder: create, then patch the series on repeats',
  },
  {
    group: '',
    resource: 'secrets',
    verbs: ['get', 'list', 'watch'],
    scope: 'watched-namespaces',
    why: 'engagement OAuth2 client credentials referenced by PacingClusters',
  },
  {
    group: 'coordination.k8s.io',
    resource: 'leases',
    verbs: ['get', 'list', 'create', 'update'],
    scope: 'release-namespace',
    why: 'leader election (acquire, renew, release); sharding lists the membership Leases to count replicas',
  },
  {
    group: '',
    resource: 'configmaps',
    verbs: ['get', 'create', 'update', 'patch'],
    scope: 'release-namespace',
    why: 'learned policy state, read back after a failover',
  },
];

/** Every verb RBAC knows for ordinary resources; what the allow-list does not name must be denied. */
export const allRbacVerbs: readonly string[] = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
];

/** One permission at one place: `namespace` is undefined for a cluster-wide grant. */
export interface Grant {
  readonly group: string;
  readonly resource: string;
  readonly verb: string;
  readonly namespace?: string | undefined;
}

/** Expands the allow-list into single grants for one installation of the chart. */
export function expectedGrants(releaseNamespace: string, watchNamespaces: readonly string[]): Grant[] {
  return operatorApiCalls.flatMap((call) => {
    const namespaces: (string | undefined)[] =
      call.scope === 'cluster'
        ? [undefined]
        : call.scope === 'release-namespace'
          ? [releaseNamespace]
          : watchNamespaces.length > 0
            ? [...new Set(watchNamespaces)]
            : [undefined];
    return namespaces.flatMap((namespace) =>
      call.verbs.map((verb) => ({ group: call.group, resource: call.resource, verb, namespace })),
    );
  });
}

/** A stable text key of a grant, for set comparisons and readable test failures. */
export function grantKey(grant: Grant): string {
  const group = grant.group === '' ? 'core' : grant.group;
  return `${grant.namespace ?? '*cluster*'} ${group} ${grant.resource} ${grant.verb}`;
}
