import { pacingApiGroupVersion } from '../api/index.js';
import type { EventRecorder } from './event-recorder.js';
import type { PacingKindRef } from './pacing-status-submitter.js';

/**
 * Adapts an {@link EventRecorder} to the reconcilers' `EventEmitterPort`
 * (`emit(ref, type, reason, action, note)`) for PacingCluster and PacingTarget objects.
 */
export function createPacingEventEmitter(recorder: EventRecorder) {
  return {
    /** Records one Event regarding a pacing object; never throws. */
    emit(
      ref: PacingKindRef & { readonly uid?: string | undefined },
      type: 'Normal' | 'Warning',
      reason: string,
      action: string,
      note: string,
    ): void {
      recorder.record({
        regarding: {
          apiVersion: pacingApiGroupVersion,
          kind: ref.kind,
          namespace: ref.namespace,
          name: ref.name,
          ...(ref.uid ? { uid: ref.uid } : {}),
        },
        type,
        reason,
        action,
        note,
      });
    },
  };
}
