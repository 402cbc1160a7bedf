import type { ResolvedTargetAgents } from './agent-group-resolver.js';
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

/** Free, busy and staffed slots of every agent for one media, and how many targets share each agent. */
interface MediaSlots {
  readonly free: Float64Array;
  readonly busy: Float64Array;
  readonly staffed: Float64Array;
  readonly activeShares: Int32Array;
  readonly allShares: Int32Array;
}

function readMediaSlots(snapshot: StatsSnapshotInput, media: string): MediaSlots {
  const n = snapshot.agents.length;
  const slots: MediaSlots = {
    free: new Float64Array(n),
    busy: new Float64Array(n),
    staffed: new Float64Array(n),
    activeShares: new Int32Array(n),
    allShares: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const state = snapshot.agents[i]!.media[media];
    if (!state) continue;
    const load = Math.max(0, state.load);
    const capacity = Math.max(0, state.capacity);
    if (state.state === 'ready') slots.free[i] = Math.max(0, capacity - load);
    slots.busy[i] = load;
    slots.staffed[i] = state.state === 'not-ready' ? load : Math.max(capacity, load);
  }
  return slots;
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
  resolved: Pick<ResolvedTargetAgents, 'offsets' | 'members'>,
): TargetSlots[] {
  const { offsets, members } = resolved;
  const byMedia = new Map<string, MediaSlots>();
  targets.forEach((target, t) => {
    let slots = byMedia.get(target.media);
    if (!slots) {
      slots = readMediaSlots(snapshot, target.media);
      byMedia.set(target.media, slots);
    }
    for (let k = offsets[t]!; k < offsets[t + 1]!; k++) {
      const index = members[k]!;
      slots.allShares[index]! += 1;
      if (!target.paused) slots.activeShares[index]! += 1;
    }
  });
  return targets.map((target, t) => {
    const slots = byMedia.get(target.media)!;
    let free = 0;
    let busy = 0;
    let staffed = 0;
    for (let k = offsets[t]!; k < offsets[t + 1]!; k++) {
      const index = members[k]!;
      const active = slots.activeShares[index]!;
      const divisor = target.paused ? (active > 0 ? 0 : slots.allShares[index]!) : active;
      if (divisor === 0) continue;
      free += slots.free[index]! / divisor;
      busy += slots.busy[index]! / divisor;
      staffed += slots.staffed[index]! / divisor;
    }
    return { free, busy, staffed };
  });
}
