import { celRulesKey } from './cel-rule.js';
import type { JsonSchemaNode } from './crd-json-schema.js';

const lookaround = /\(\?<?[=!]|\\[1-9]/;
const junctions = ['anyOf', 'oneOf', 'allOf', 'not'];
const forbiddenKeys = ['$ref', '$schema', 'const', 'propertyNames', '$defs', 'definitions', 'uniqueItems'];

/**
 * Lists every way a CRD schema node breaks the rules of structural schemas or of our conventions, as
 * `path: problem`. Empty means fine. Checked here so a bad schema fails in a unit test, not at `kubectl apply`:
 * - every node has a `type` (unless it preserves unknown fields or is int-or-string);
 * - no anyOf/oneOf/allOf/not (we express alternatives as flat objects plus CEL rules);
 * - `properties` and `additionalProperties` never together, `additionalProperties: false` never;
 * - no `uniqueItems`, `$ref`, `const`, `propertyNames`;
 * - patterns compile as RE2 (no lookaround, no backreferences);
 * - every field has a description (kubectl explain), except the root `metadata`, which must be a bare object;
 * - below a CEL rule every string, list and map has a length bound (the API server estimates rule cost).
 */
export function findStructuralProblems(node: JsonSchemaNode, path = ''): string[] {
  const problems: string[] = [];
  lintNode(node, path || '.', problems, false, true);
  return problems;
}

function lintNode(
  node: JsonSchemaNode,
  path: string,
  problems: string[],
  isUnderCel: boolean,
  isField: boolean,
): void {
  const isFreeForm =
    node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-int-or-string'] === true;
  if (typeof node.type !== 'string' && !isFreeForm) problems.push(`${path}: has no type`);
  for (const key of junctions)
    if (key in node) problems.push(`${path}: uses ${key}, which is not structural here`);
  for (const key of forbiddenKeys)
    if (key in node) problems.push(`${path}: uses ${key}, which CRD schemas refuse`);
  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    problems.push(`${path}: has both properties and additionalProperties`);
  }
  if (node.additionalProperties === false) problems.push(`${path}: has additionalProperties: false`);
  if (typeof node.pattern === 'string' && lookaround.test(node.pattern)) {
    problems.push(`${path}: pattern uses lookaround or a backreference, which RE2 cannot compile`);
  }
  if (path === '.metadata') {
    if (Object.keys(node).some((key) => key !== 'type')) problems.push(`${path}: may only say type: object`);
  } else if (isField && typeof node.description !== 'string') {
    problems.push(`${path}: has no description`);
  }
  const hasRules = Array.isArray(node[celRulesKey]) && (node[celRulesKey] as unknown[]).length > 0;
  const underCel = isUnderCel || hasRules;
  if (underCel) {
    if (
      node.type === 'string' &&
      node.maxLength === undefined &&
      node.enum === undefined &&
      node.format === undefined
    ) {
      problems.push(`${path}: string under a CEL rule has no maxLength`);
    }
    if (node.type === 'array' && node.maxItems === undefined)
      problems.push(`${path}: list under a CEL rule has no maxItems`);
    if (
      node.type === 'object' &&
      node.additionalProperties !== undefined &&
      node.maxProperties === undefined
    ) {
      problems.push(`${path}: map under a CEL rule has no maxProperties`);
    }
  }
  if (isRecord(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) {
      lintNode(child as JsonSchemaNode, `${path === '.' ? '' : path}.${name}`, problems, underCel, true);
    }
  }
  if (isRecord(node.items)) lintNode(node.items, `${path}[]`, problems, underCel, false);
  if (isRecord(node.additionalProperties))
    lintNode(node.additionalProperties, `${path}{}`, problems, underCel, false);
}

function isRecord(value: unknown): value is JsonSchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
