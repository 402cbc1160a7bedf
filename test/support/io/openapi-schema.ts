import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** An OpenAPI 3.1 document, as far as the contract tests read it. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}

/** Reads an OpenAPI YAML file. */
export function readOpenApi(path: URL): OpenApiDocument {
  return parse(readFileSync(path, 'utf8')) as OpenApiDocument;
}

/** Rewrites `#/components/schemas/X` references to `#/$defs/X`, everywhere in a schema tree. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/components/schemas/', '#/$defs/')
        : rewriteRefs(value),
    ]),
  );
}

/**
 * A zod validator built from one of the document's component schemas (OpenAPI 3.1 schemas are JSON Schema 2020-12,
 * so zod's fromJSONSchema reads them once the component references point at `$defs`).
 */
export function openApiValidator(doc: OpenApiDocument, component: string): z.ZodType {
  return z.fromJSONSchema({
    $defs: rewriteRefs(doc.components.schemas) as Record<string, never>,
    $ref: `#/$defs/${component}`,
  });
}

/** The value of a named example of an operation's request body or 200 answer. */
export function openApiExample(
  doc: OpenApiDocument,
  path: string,
  method: string,
  where: 'request' | 'response',
  name: string,
  mediaType = 'application/json',
): unknown {
  const operation = doc.paths[path]?.[method] as {
    requestBody?: { content: Record<string, { examples: Record<string, { value: unknown }> }> };
    responses: Record<string, { content: Record<string, { examples: Record<string, { value: unknown }> }> }>;
  };
  const content = where === 'request' ? operation.requestBody?.content : operation.responses['200']?.content;
  const example = content?.[mediaType]?.examples[name]?.value;
  if (example === undefined) throw new Error(`no ${where} ${mediaType} example ${name} on ${method} ${path}`);
  return example;
}

/**
 * Variants of a valid document, each with one change: a property removed, a scalar given the wrong type, or an
 * unknown property added. Named by the JSON path they touch.
 */
export function mutantsOf(value: unknown, path = '$'): [string, unknown][] {
  const out: [string, unknown][] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      for (const [p, m] of mutantsOf(item, `${path}[${i}]`)) {
        const copy = [...value];
        copy[i] = m;
        out.push([p, copy]);
      }
    });
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    out.push([`${path}+unknownProperty`, { ...record, unknownProperty: true }]);
    for (const key of Object.keys(record)) {
      const { [key]: _removed, ...rest } = record;
      out.push([`${path}.${key}-removed`, rest]);
      for (const [p, m] of mutantsOf(record[key], `${path}.${key}`)) out.push([p, { ...record, [key]: m }]);
    }
  } else if (typeof value === 'number') {
    out.push([`${path}:string`, String(value)]);
  } else if (typeof value === 'string') {
    out.push([`${path}:number`, 7]);
  }
  return out;
}
