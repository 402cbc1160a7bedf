import type { StatsSnapshotInput, TargetInput } from './pacing-input.js';

/** Slots of one target after the split, for its media. */
export interface TargetSlots {
  /** Free slots (capacity − load of ready agents), fractional after the split. */
  readonly free: number;
  /** Busy slots (load). */
  readonly busy: number;
  /** Staffed slots: capacity of agents not `not-ready`, plus the load a `not-ready` agent still carries. */
  readonly staffed: number;
}

/**
 * Splits every agent's slots among the targets it serves so that no slot is promised twice.
 *
 * The rule: for each media, an agent's free, busy and staffed slots are divided in equal shares among the
 * targets of that media that include the agent and are not paused (a paused target takes no share, so its
 * agents' capacity goes to the others; when every such target is paused they share equally and all get 0
 * invitations anyway). Shares are fractional, so the free slots of all targets add up to exactly the free
 * slots of their agents. Equal shares are deterministic and need no history; demand-weighted shares would let
 * a busy target starve a quiet one of the capacity its own visitors need.
 */
export function splitSharedCapacity(
  snapshot: StatsSnapshotInput,
  targets: readonly TargetInput[],
  agentsByTarget: readonly Int32Array[],
): TargetSlots[] {
  const agentCount = snapshot.agents.length;
  const sharesByMedia = new Map<string, { active: Int32Array; all: Int32Array }>();
  targets.forEach((target, t) => {
    let shares = sharesByMedia.get(target.media);
    if (!shares) {
      shares = { active: new Int32Array(agentCount), all: new Int32Array(agentCount) };
      sharesByMedia.set(target.media, shares);
    }
    for (const index of agentsByTarget[t]!) {
      shares.all[index]! += 1;
      if (!target.paused) shares.active[index]! += 1;
    }
  });
  return targets.map((target, t) => {
    const shares = sharesByMedia.get(target.media)!;
    let free = 0;
    let busy = 0;
    let staffed = 0;
    for (const index of agentsByTarget[t]!) {
      const media = snapshot.agents[index]!.media[target.media];
      if (!media) continue;
      const active = shares.active[index]!;
      const divisor = target.paused ? (active > 0 ? 0 : shares.all[index]!) : active;
      if (divisor === 0) continue;
      const load = Math.max(0, media.load);
      const capacity = Math.max(0, media.capacity);
      if (media.state === 'ready') free += Math.max(0, capacity - load) / divisor;
      busy += load / divisor;
      staffed += (media.state === 'not-ready' ? load : Math.max(capacity, load)) / divisor;
    }
    return { free, busy, staffed };
  });
}
