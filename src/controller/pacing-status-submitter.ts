import { pacingApiGroup, pacingApiVersion, pacingClusterNames, pacingTargetNames } from '../api/index.js';
import type { StatusObjectRef } from './status-patcher.js';
import type { StatusBody, StatusWriter } from './status-writer.js';

/** A PacingCluster or PacingTarget, named the way the reconcilers name them. */
export interface PacingKindRef {
  /** The kind. */
  readonly kind: 'PacingCluster' | 'PacingTarget';
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
}

/** The /status address of a pacing object. */
export function pacingStatusObjectRef(ref: PacingKindRef): StatusObjectRef {
  const names = ref.kind === 'PacingCluster' ? pacingClusterNames : pacingTargetNames;
  return {
    kind: ref.kind,
    group: pacingApiGroup,
    version: pacingApiVersion,
    plural: names.plural,
    namespace: ref.namespace,
    name: ref.name,
  };
}

/** The pacing object a /status address names (the inverse of {@link pacingStatusObjectRef}). */
export function pacingKindRefOf(ref: StatusObjectRef): PacingKindRef {
  return {
    kind: ref.kind === 'PacingCluster' ? 'PacingCluster' : 'PacingTarget',
    namespace: ref.namespace,
    name: ref.name,
  };
}

/**
 * Adapts a {@link StatusWriter} to the reconcilers' `StatusSubmitter` port (`submit(ref, status, isUrgent, isReoffer)`,
 * `forget(ref)`) for PacingCluster and PacingTarget.
 */
export function createPacingStatusSubmitter(writer: StatusWriter) {
  return {
    /** Offers the complete status of a pacing object; `isUrgent` skips the per-object period. */
    submit(ref: PacingKindRef, status: StatusBody, isUrgent: boolean, isReoffer = false): void {
      writer.update(pacingStatusObjectRef(ref), status, { isUrgent, isReoffer });
    },
    /** Drops pending writes of a deleted object. */
    forget(ref: PacingKindRef): void {
      writer.forget(pacingStatusObjectRef(ref));
    },
  };
}
