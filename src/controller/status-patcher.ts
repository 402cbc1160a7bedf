import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';

/** Names one custom object whose /status is written. */
export interface StatusObjectRef {
  /** Kind, for metrics (`kind` label) and logs, e.g. `PacingTarget`. */
  kind: string;
  /** API group, e.g. `pacing.agentpacing.dev`. */
  group: string;
  /** API version, e.g. `v1alpha1`. */
  version: string;
  /** Resource plural, e.g. `pacingtargets`. */
  plural: string;
  /** Namespace of the object. */
  namespace: string;
  /** Name of the object. */
  name: string;
}

/** Sends one merge patch to an object's /status subresource; a seam for unit tests. */
export interface StatusPatcher {
  /** Merge-patches `{ status: statusPatch }`; rejects with an error carrying the HTTP status on failure. */
  patchStatus(ref: StatusObjectRef, statusPatch: Record<string, unknown>): Promise<void>;
}

/**
 * A {@link StatusPatcher} over client-node. The generated method defaults to JSON Patch
 * (`application/json-patch+json`), which would reject our object body; we force a JSON merge patch.
 */
export function createStatusPatcher(customObjects: CustomObjectsApi): StatusPatcher {
  return {
    async patchStatus(ref, statusPatch) {
      await customObjects.patchNamespacedCustomObjectStatus(
        {
          group: ref.group,
          version: ref.version,
          plural: ref.plural,
          namespace: ref.namespace,
          name: ref.name,
          body: { status: statusPatch },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
  };
}
