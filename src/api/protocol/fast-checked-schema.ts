import { z } from 'zod';

/**
 * Wraps a zod schema with a hand-written check that decides the common, valid case in a plain loop; only when the
 * check says no does the full schema run, to report precise issues with paths. zod's record and tuple parsing
 * costs about a microsecond per entry, which for 50,000 agents (two records each) or 10,000 answer tuples was most
 * of the time budget. `isValid` must never accept a value that `schema` refuses, so the result accepts exactly
 * what `schema` accepts (the OpenAPI contract test's one-change variants exercise both). The value passes through
 * unchanged (no stripping copy).
 */
export function fastChecked<T>(schema: z.ZodType<T>, isValid: (value: unknown) => boolean): z.ZodType<T> {
  return z.custom<T>().superRefine((value, ctx) => {
    if (isValid(value)) return;
    refuseAsSchemaDoes(ctx, schema, value);
  });
}

/**
 * Adds to `ctx` every issue `schema` finds in `value`, at the same paths below the current one: how a custom schema
 * that passes its value through unchanged reports what a full schema refuses.
 */
export function refuseAsSchemaDoes(ctx: z.RefinementCtx, schema: z.ZodType, value: unknown): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: [...issue.path], input: value });
  }
}

/** True for a non-null, non-array object (what a JSON object parses to). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an integer ≥ 0 within the safe range (what `z.int().min(0)` accepts). */
export function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** True for a finite number (what `z.number()` accepts). */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** True for a string of at least one character (what `z.string().min(1)` accepts). */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A check that `value` is an array whose every item passes `isItem` (for {@link fastChecked} lists). */
export function everyOf(isItem: (item: unknown) => boolean): (value: unknown) => boolean {
  return (value) => isArrayOf(value, isItem);
}

/**
 * True when `value` is an array whose every item passes `isItem`. An index loop, not for…of: these closures are
 * shared by many columns and often run below the optimising tier, where for…of allocates a result object per
 * item (half a million a cycle for 50,000 agents' columns, a fifth of the cycle's allocation).
 */
export function isArrayOf(value: unknown, isItem: (item: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!isItem(value[i])) return false;
  return true;
}

/** An array checked item by item in a loop (see {@link fastChecked}); `item` reports the issues. */
export function fastArray<T>(item: z.ZodType<T>, isItem: (value: unknown) => boolean): z.ZodType<T[]> {
  return fastChecked(z.array(item), everyOf(isItem));
}

/** True for a JSON object whose own keys include `__proto__` (JSON.parse makes it an ordinary key). */
export function hasProtoKey(value: unknown): boolean {
  return isPlainObject(value) && Object.hasOwn(value, '__proto__');
}
