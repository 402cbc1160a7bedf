import { z } from 'zod';

/** A JSON-schema node as it appears in a CRD (JSONSchemaProps): plain JSON. */
export type JsonSchemaNode = { [key: string]: unknown };

/** Keys zod may emit that a CRD schema cannot hold (JSON Schema 2020-12 leftovers). */
const droppedKeys = ['$schema', 'propertyNames', '$defs', 'definitions', 'id', '$id'];

/**
 * Converts a zod schema into a CRD-ready OpenAPI v3 node. zod's `openapi-3.0` input-mode output is close;
 * this fixes what the API server refuses or what only adds noise:
 * - `additionalProperties: false` beside `properties` (structural schemas close objects by pruning instead);
 * - `const` (not in OpenAPI 3.0) becomes a one-value `enum`;
 * - `$schema`, `propertyNames`, `$defs` are dropped;
 * - zod's JS safe-integer bounds on integers are dropped (the field is int64 anyway);
 * - the long ISO pattern next to `format: date-time` is dropped (the format already validates).
 */
export function toCrdJsonSchema(schema: z.ZodType): JsonSchemaNode {
  const raw = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw' });
  return normalizeNode(raw as JsonSchemaNode);
}

function normalizeNode(node: JsonSchemaNode): JsonSchemaNode {
  const out: JsonSchemaNode = {};
  // description first: it reads better in the committed YAML and kubectl explain does not care.
  if (typeof node.description === 'string') out.description = node.description;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' || droppedKeys.includes(key)) continue;
    if (key === 'additionalProperties' && value === false && node.properties !== undefined) continue;
    if (key === 'const') {
      out.enum = [value];
      continue;
    }
    if (key === 'pattern' && node.format === 'date-time') continue;
    if ((key === 'maximum' || key === 'minimum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER)
      continue;
    out[key] = normalizeValue(key, value);
  }
  return out;
}

function normalizeValue(key: string, value: unknown): unknown {
  if (key === 'properties' && isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, child]) => [name, normalizeNode(child as JsonSchemaNode)]),
    );
  }
  if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isObject(value)) {
    return normalizeNode(value);
  }
  if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) {
    return value.map((child) => normalizeNode(child as JsonSchemaNode));
  }
  return value;
}

function isObject(value: unknown): value is JsonSchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
