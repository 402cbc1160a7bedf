import { z } from 'zod';

/** Learned policy state of one cluster: plain JSON per target id, owned and interpreted by the policy. */
export type LearnedState = Readonly<Record<string, unknown>>;

/** The persisted form of a cluster's learned state (one ConfigMap key in production). */
export const persistedPacingStateSchema = z.object({
  /** Format version; bump on an incompatible change so an old leader's state is ignored, not misread. */
  version: z.literal(1),
  /** `namespace/name` of the PacingCluster the state belongs to. */
  clusterKey: z.string(),
  /** Policy that learned it; a different policy cold-starts instead of reading foreign state. */
  policy: z.string(),
  /** Wall-clock ms when it was saved. */
  savedAtMs: z.number(),
  /** Last cycle id published by the saver; a new leader never publishes an id at or below it. */
  lastCycleId: z.number(),
  /** State per target id. */
  targets: z.record(z.string(), z.unknown()),
  /** Sharded operators keep one state per shard (only that shard's targets); absent when unsharded. */
  shard: z.number().int().min(0).optional(),
});

/** The persisted form of a cluster's learned state. */
export type PersistedPacingState = z.infer<typeof persistedPacingStateSchema>;

/** Port to where learned state lives between leaders (a ConfigMap per PacingCluster in production). */
export interface LearnedStateStore {
  /**
   * Reads the saved state (of one shard when `shard` is given); undefined when none was saved yet. Rejects on I/O
   * or shape errors.
   */
  load(clusterKey: string, signal: AbortSignal, shard?: number): Promise<PersistedPacingState | undefined>;
  /** Writes the state (of `state.shard` when set), replacing what was there. */
  save(state: PersistedPacingState, signal: AbortSignal): Promise<void>;
}
