import { writeFileSync } from 'node:fs';

// Prints the closing line that CI reads for the whole run: "N passed, N failed" (", N skipped" when any).
// Jest prints its own summary after reporters run, so the line is also written to
// $PACING_TEST_SUMMARY_FILE for .ci/run to print last.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    const line = `${results.numPassedTests} passed, ${failed} failed${tail}`;
    process.stdout.write(`\n${line}\n`);
    if (process.env.PACING_TEST_SUMMARY_FILE)
      writeFileSync(process.env.PACING_TEST_SUMMARY_FILE, `${line}\n`);
  }
}
