import { z } from 'zod';
import { withCelRule } from './cel-rule.js';
import { InvalidDurationError } from './errors.js';

/**
 * The duration syntax of the API: one or more `<integer><unit>` parts with units `ms`, `s`, `m`, `h`, like
 * `250ms`, `5s`, `1m30s`. A strict subset of Go's time.ParseDuration, so the API server's CEL `duration()`
 * reads every accepted string the same way we do.
 */
export const durationPattern = '^([0-9]+(ms|s|m|h))+$';

const durationRegExp = new RegExp(durationPattern);
const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Longest duration string accepted; keeps CEL cost estimates small and every value a safe integer of ms. */
export const maxDurationLength = 32;

/**
 * Parses an API duration (`250ms`, `5s`, `1m30s`) into milliseconds.
 * Throws InvalidDurationError for anything else, including sums beyond Number.MAX_SAFE_INTEGER.
 */
export function parseDurationMs(text: string): number {
  if (text.length > maxDurationLength || !durationRegExp.test(text)) {
    throw new InvalidDurationError(
      `invalid duration ${JSON.stringify(text)}: expected digits followed by ms, s, m or h, like "250ms", "5s" or "1m30s"`,
    );
  }
  let totalMs = 0;
  // A fresh /g literal per call: a shared global RegExp would carry lastIndex state between callers.
  for (const match of text.matchAll(/([0-9]+)(ms|s|m|h)/g)) {
    totalMs += Number(match[1]) * unitMs[match[2]!]!;
  }
  if (!Number.isSafeInteger(totalMs)) {
    throw new InvalidDurationError(`invalid duration ${JSON.stringify(text)}: too long`);
  }
  return totalMs;
}

/** Bounds and documentation of one duration field. */
export interface DurationFieldOptions {
  /** Field name used in messages, e.g. `refreshPeriod` or `statsSource.timeout`. */
  readonly field: string;
  /** Smallest accepted duration, in API syntax (`1s`). */
  readonly min: string;
  /** Largest accepted duration, in API syntax (`5m`). */
  readonly max: string;
  /** The field's `kubectl explain` text; the accepted range is appended. */
  readonly description: string;
}

/**
 * A duration string field bounded to [min, max]. The bound is checked twice from one definition: by zod at
 * runtime and by a CEL rule in the generated CRD, both with a message naming the field.
 */
export function durationField(options: DurationFieldOptions): z.ZodString {
  const minMs = parseDurationMs(options.min);
  const maxMs = parseDurationMs(options.max);
  const message = `${options.field} must be a duration between ${options.min} and ${options.max}, written like "250ms", "5s" or "1m30s"`;
  const base = z
    .string()
    .max(maxDurationLength, { message })
    .regex(durationRegExp, { message })
    .meta({
      description: `${options.description} A duration such as "5s", between ${options.min} and ${options.max}.`,
    });
  return withCelRule(
    base,
    {
      // The pattern reports malformed strings; guarding here keeps duration() from failing at run time.
      rule: `!self.matches('${durationPattern}') || (duration(self) >= duration('${options.min}') && duration(self) <= duration('${options.max}'))`,
      message,
    },
    (value) => {
      if (!durationRegExp.test(value)) return true;
      // A well-formed duration past the safe range is out of bounds too; parsing it throws, and a throw inside a
      // refinement escapes safeParse, so validatePacingCluster would throw instead of naming the field.
      if (value.length > maxDurationLength) return true;
      let ms: number;
      try {
        ms = parseDurationMs(value);
      } catch (error) {
        if (error instanceof InvalidDurationError) return false;
        throw error;
      }
      return ms >= minMs && ms <= maxMs;
    },
  );
}
