import type { z } from 'zod';

/** One `x-kubernetes-validations` entry of a CRD schema. */
export interface CelRule {
  /** CEL expression over `self` (and `oldSelf` for transition rules). */
  readonly rule: string;
  /** Message shown by the API server; names the field at fault. */
  readonly message: string;
  /** Path of the field at fault relative to the node carrying the rule, e.g. `.agents`. */
  readonly fieldPath?: string;
  /** API-server error reason; FieldValueInvalid when absent. */
  readonly reason?:
    'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/** The metadata key under which CEL rules travel from zod to the generated CRD. */
export const celRulesKey = 'x-kubernetes-validations';

/**
 * Adds one rule to a schema in both of its lives: as a zod refinement (runtime validation, same message) and as
 * a CEL rule in the schema's metadata (copied into the CRD by the generator). `holds` must mirror `rule`.
 */
export function withCelRule<T extends z.ZodType>(
  schema: T,
  rule: CelRule,
  holds: (value: z.output<T>) => boolean,
): T {
  const meta = schema.meta() ?? {};
  const existing = (meta[celRulesKey] as CelRule[] | undefined) ?? [];
  const path = rule.fieldPath ? rule.fieldPath.replace(/^\./, '').split('.') : [];
  const refined = schema.refine(holds, { message: rule.message, path });
  return refined.meta({ ...meta, [celRulesKey]: [...existing, rule] });
}
