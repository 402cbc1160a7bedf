/**
 * The HTTP status carried by a Kubernetes client error, or undefined for network failures. client-node's
 * generated APIs throw `ApiException` with `code`; its watch throws an `Error` with `statusCode`.
 */
export function apiErrorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const record = err as { code?: unknown; statusCode?: unknown };
  if (typeof record.code === 'number') return record.code;
  if (typeof record.statusCode === 'number') return record.statusCode;
  return undefined;
}
