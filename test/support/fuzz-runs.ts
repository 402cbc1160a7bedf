// The one place that says how many cases each fuzz property runs. `make test` keeps the default small so the unit
// project stays quick; `make bench-fuzz` sets PACING_FUZZ_RUNS=10000. Read once here, passed to every property.

/** Cases per property when PACING_FUZZ_RUNS is unset (what `make test` runs). */
export const defaultFuzzRuns = 200;

/** Most cases of a property that talks HTTP on loopback: each case is a real request, so a few hundred suffice. */
export const maxClientFuzzRuns = 300;

/** Reads a positive integer run count from the environment value; the default when unset or unreadable. */
export function fuzzRunsFrom(value: string | undefined): number {
  const runs = Number(value);
  return value !== undefined && Number.isSafeInteger(runs) && runs > 0 ? runs : defaultFuzzRuns;
}

/** Cases per pure-parser property: PACING_FUZZ_RUNS, or {@link defaultFuzzRuns}. */
export const fuzzRuns = fuzzRunsFrom(process.env.PACING_FUZZ_RUNS);

/** Cases per loopback-client property: a quarter of {@link fuzzRuns}, between 50 and {@link maxClientFuzzRuns}. */
export const clientFuzzRuns = Math.min(maxClientFuzzRuns, Math.max(50, Math.round(fuzzRuns / 4)));

/**
 * Jest timeout of one fuzz property, ms: generous and growing with the run count, because 10,000 cases of a
 * schema parse take seconds on a loaded machine. A timeout is a hang, not a speed verdict.
 */
export function fuzzTimeoutMs(runs: number): number {
  return 60_000 + runs * 50;
}
