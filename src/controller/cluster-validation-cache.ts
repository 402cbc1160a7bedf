import { validatePacingCluster, type PacingClusterValidation } from '../api/index.js';

/**
 * Remembers the validation of each PacingCluster object. Informer caches replace an object on every change (new
 * resourceVersion), so keying by object identity re-validates exactly when the cluster changed; a WeakMap lets
 * replaced objects go. Without it every target reconcile ran the zod schema of its cluster again.
 */
export class ClusterValidationCache {
  readonly #results = new WeakMap<object, PacingClusterValidation>();

  /** The validation of `object`, computed once per object. */
  validate(object: unknown): PacingClusterValidation {
    if (typeof object !== 'object' || object === null) return validatePacingCluster(object);
    let result = this.#results.get(object);
    if (result === undefined) {
      result = validatePacingCluster(object);
      this.#results.set(object, result);
    }
    return result;
  }
}
