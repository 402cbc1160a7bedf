import { conditionListSchema, objectMetaSchema, type Condition } from '../api/index.js';

/** The fields a reconciler needs even from an object whose spec is invalid: identity, generation, conditions. */
export interface RawObjectFields {
  /** metadata.generation, 0 when absent. */
  readonly generation: number;
  /** metadata.uid, when present. */
  readonly uid: string | undefined;
  /** metadata.creationTimestamp in ms since the epoch; NaN when absent or unreadable. */
  readonly createdAtMs: number;
  /** status.conditions when they parse, else undefined. */
  readonly conditions: Condition[] | undefined;
}

/** Reads identity, generation and conditions from an object as the API server returned it. Never throws. */
export function readRawObjectFields(object: unknown): RawObjectFields {
  const record = typeof object === 'object' && object !== null ? (object as Record<string, unknown>) : {};
  const meta = objectMetaSchema.safeParse(record['metadata']);
  const status = record['status'];
  const rawConditions =
    typeof status === 'object' && status !== null
      ? (status as Record<string, unknown>)['conditions']
      : undefined;
  const conditions = conditionListSchema.safeParse(rawConditions);
  return {
    generation: meta.success ? (meta.data.generation ?? 0) : 0,
    uid: meta.success ? meta.data.uid : undefined,
    createdAtMs: createdAtMsOf(meta.success ? meta.data.creationTimestamp : undefined),
    conditions: conditions.success ? conditions.data : undefined,
  };
}

/** metadata.creationTimestamp in ms since the epoch; NaN when it is not a readable time. */
export function createdAtMsOf(creationTimestamp: unknown): number {
  return typeof creationTimestamp === 'string' ? Date.parse(creationTimestamp) : Number.NaN;
}
