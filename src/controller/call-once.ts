/**
 * `fn` wrapped so that only its first call runs: the release of a hold or the end of a cycle gate's entry, which
 * a caller may call again on an error path and which must count once.
 */
export function callOnce(fn: () => void): () => void {
  let hasRun = false;
  return () => {
    if (hasRun) return;
    hasRun = true;
    fn();
  };
}
