import type { Grant } from './operator-api-calls.js';

/** The parts of a rendered Kubernetes object that RBAC analysis reads. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly rules?: readonly RbacRule[];
  readonly roleRef?: { readonly kind?: string; readonly name?: string };
  readonly subjects?: readonly {
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
  }[];
}

interface RbacRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/**
 * Lists every permission that rendered (Cluster)RoleBindings give one ServiceAccount, one grant per
 * (group, resource, verb, namespace). Wildcards and non-resource URLs come out literally (`*`,
 * `nonResourceURL`), so they can never match an allow-list entry by accident. A binding to a role the
 * chart did not render is reported as an error, because its rules cannot be checked.
 */
export function grantsOf(objects: readonly KubeObject[], serviceAccount: string, namespace: string): Grant[] {
  const roles = new Map<string, readonly RbacRule[]>();
  for (const o of objects) {
    if (o.kind === 'ClusterRole') roles.set(`ClusterRole/${o.metadata?.name}`, o.rules ?? []);
    if (o.kind === 'Role') roles.set(`Role/${o.metadata?.namespace}/${o.metadata?.name}`, o.rules ?? []);
  }
  const grants: Grant[] = [];
  for (const binding of objects) {
    if (binding.kind !== 'ClusterRoleBinding' && binding.kind !== 'RoleBinding') continue;
    const bindsUs = (binding.subjects ?? []).some(
      (s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === namespace,
    );
    if (!bindsUs) continue;
    const bindingNamespace = binding.kind === 'RoleBinding' ? binding.metadata?.namespace : undefined;
    const roleKey =
      binding.roleRef?.kind === 'ClusterRole'
        ? `ClusterRole/${binding.roleRef.name}`
        : `Role/${bindingNamespace}/${binding.roleRef?.name}`;
    const rules = roles.get(roleKey);
    if (!rules)
      throw new Error(`${binding.kind} ${binding.metadata?.name} refers to ${roleKey}, not rendered`);
    for (const rule of rules) {
      for (const url of rule.nonResourceURLs ?? []) {
        for (const verb of rule.verbs ?? []) {
          grants.push({ group: 'nonResourceURL', resource: url, verb, namespace: bindingNamespace });
        }
      }
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs ?? [])
            grants.push({ group, resource, verb, namespace: bindingNamespace });
        }
      }
    }
  }
  return grants;
}
