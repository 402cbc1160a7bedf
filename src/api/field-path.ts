/** Formats a zod issue path as a Kubernetes field path: `['spec', 'agentGroups', 1, 'name']` → `spec.agentGroups[1].name`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text.length === 0 ? String(key) : `.${String(key)}`;
  }
  return text;
}
