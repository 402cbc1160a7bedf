import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';

/** Where one property's figures go when PACING_FUZZ_REPORT names a file (JSON lines, appended). */
export interface FuzzFigures {
  /** Parser family, e.g. `skill-expression`. */
  readonly family: string;
  /** The property's sentence. */
  readonly property: string;
  /** Cases fast-check ran (skipped ones excluded). */
  readonly cases: number;
  /** Cases skipped by `fc.pre`. */
  readonly skipped: number;
  /** Wall time of the whole property, ms. */
  readonly wallMs: number;
}

/**
 * Runs a fast-check property with `numRuns` cases, fails the test with fast-check's report (seed, path and the
 * shrunk counter-example) when it does not hold, and appends its figures to the file named by PACING_FUZZ_REPORT
 * so `make bench-fuzz` can print cases and time per family. Works for sync and async properties alike.
 */
export async function checkFuzzProperty<Ts>(
  family: string,
  property: string,
  prop: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  numRuns: number,
): Promise<void> {
  const startMs = performance.now();
  const details = await fc.check(prop, { numRuns });
  const wallMs = performance.now() - startMs;
  const report = process.env.PACING_FUZZ_REPORT;
  if (report) {
    const figures: FuzzFigures = {
      family,
      property,
      cases: details.numRuns,
      skipped: details.numSkips,
      wallMs: Math.round(wallMs),
    };
    appendFileSync(report, `${JSON.stringify(figures)}\n`);
  }
  if (details.failed) {
    // fast-check prints an object with an own "__proto__" key as [object Object]; JSON shows it as it came.
    const asJson = jsonOrReason(details.counterexample);
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${fc.defaultReportMessage(details) ?? 'property failed'}\nCounterexample as JSON: ${asJson}\nFailure: ${cause}`,
    );
  }
}

/** The JSON text of a counter-example, cut to 2,000 characters, or why it has none. */
function jsonOrReason(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? 'undefined').slice(0, 2_000);
  } catch (error) {
    return `(not JSON: ${String(error)})`;
  }
}
