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

/**
 * Free, busy and staffed slots of every agent for one media, at 3·i, 3·i + 1 and 3·i + 2 (one array, so that a
 * target's agents are read from one place), and how many active and paused targets share each agent.
 */
interface MediaSlots {
  readonly slots: Float64Array;
  readonly activeShares: Int32Array;
  readonly pausedShares: Int32Array;
}

function readMediaSlots(snapshot: StatsSnapshotInput, media: string): MediaSlots {
  const n = snapshot.agents.length;
  const slots = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const state = snapshot.agents[i]!.media[media];
    if (!state) continue;
    const load = Math.max(0, state.load);
    const capacity = Math.max(0, state.capacity);
    if (state.state === 'ready') slots[3 * i] = Math.max(0, capacity - load);
    slots[3 * i + 1] = load;
    slots[3 * i + 2] = state.state === 'not-ready' ? load : Math.max(capacity, load);
  }
  return { slots, activeShares: new Int32Array(n), pausedShares: new Int32Array(n) };
}

/**
 * Turns the slots of every agent that an active target serves into its share for one such target (slots ÷ active
 * targets), in place. An agent's share is the same for every active target that includes it: divided once per agent
 * rather than once per (target, agent) pair — the same quotient, so the sums are unchanged. Agents no active target
 * serves keep their whole slots, which only paused targets read.
 */
function divideAmongActiveTargets(media: MediaSlots): void {
  const { slots, activeShares } = media;
  for (let i = 0; i < activeShares.length; i++) {
    const active = activeShares[i]!;
    if (active === 0) continue;
    slots[3 * i] = slots[3 * i]! / active;
    slots[3 * i + 1] = slots[3 * i + 1]! / active;
    slots[3 * i + 2] = slots[3 * i + 2]! / active;
  }
}

/** Free, busy and staffed slots of every target after the split, one entry per target. */
export interface TargetSlotColumns {
  /** Free slots per target. */
  readonly free: Float64Array;
  /** Busy slots per target. */
  readonly busy: Float64Array;
  /** Staffed slots per target. */
  readonly staffed: Float64Array;
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
  const columns = splitSharedCapacityColumns(snapshot, targets, resolved);
  const out: TargetSlots[] = [];
  for (let t = 0; t < targets.length; t++) {
    out.push({ free: columns.free[t]!, busy: columns.busy[t]!, staffed: columns.staffed[t]! });
  }
  return out;
}

/**
 * {@link splitSharedCapacity} into typed columns: the same figures, without an object per target (the
 * observation builder's form for 10,000 targets).
 */
export function splitSharedCapacityColumns(
  snapshot: StatsSnapshotInput,
  targets: readonly TargetInput[],
  resolved: Pick<ResolvedTargetAgents, 'offsets' | 'members'>,
): TargetSlotColumns {
  const { offsets, members } = resolved;
  const byMedia = new Map<string, MediaSlots>();
  const slotsOf: MediaSlots[] = new Array<MediaSlots>(targets.length);
  for (let t = 0; t < targets.length; t++) {
    const target = targets[t]!;
    let media = byMedia.get(target.media);
    if (!media) {
      media = readMediaSlots(snapshot, target.media);
      byMedia.set(target.media, media);
    }
    slotsOf[t] = media;
    const shares = target.paused ? media.pausedShares : media.activeShares;
    const end = offsets[t + 1]!;
    for (let k = offsets[t]!; k < end; k++) shares[members[k]!]! += 1;
  }
  for (const media of byMedia.values()) divideAmongActiveTargets(media);
  const columns: TargetSlotColumns = {
    free: new Float64Array(targets.length),
    busy: new Float64Array(targets.length),
    staffed: new Float64Array(targets.length),
  };
  for (let t = 0; t < targets.length; t++) {
    const { slots, activeShares, pausedShares } = slotsOf[t]!;
    let free = 0;
    let busy = 0;
    let staffed = 0;
    const end = offsets[t + 1]!;
    if (targets[t]!.paused) {
      // A paused target takes a share only of agents no active target serves (then all get 0 invitations).
      for (let k = offsets[t]!; k < end; k++) {
        const index = members[k]!;
        if (activeShares[index]! > 0) continue;
        const divisor = pausedShares[index]!;
        free += slots[3 * index]! / divisor;
        busy += slots[3 * index + 1]! / divisor;
        staffed += slots[3 * index + 2]! / divisor;
      }
    } else {
      for (let k = offsets[t]!; k < end; k++) {
        const at = members[k]! * 3;
        free += slots[at]!;
        busy += slots[at + 1]!;
        staffed += slots[at + 2]!;
      }
    }
    columns.free[t] = free;
    columns.busy[t] = busy;
    columns.staffed[t] = staffed;
  }
  return columns;
}
