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
 * Every agent's share of its free, busy and staffed slots for one active target (slots ÷ active targets), at
 * 3·i, 3·i + 1 and 3·i + 2: one array, so a target's agents are read from one place. 0 for an agent no active
 * target serves (no active target reads it).
 */
function activeShareSlots(slots: MediaSlots): Float64Array {
  const n = slots.activeShares.length;
  const shares = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const active = slots.activeShares[i]!;
    if (active === 0) continue;
    shares[3 * i] = slots.free[i]! / active;
    shares[3 * i + 1] = slots.busy[i]! / active;
    shares[3 * i + 2] = slots.staffed[i]! / active;
  }
  return shares;
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
    let slots = byMedia.get(target.media);
    if (!slots) {
      slots = readMediaSlots(snapshot, target.media);
      byMedia.set(target.media, slots);
    }
    slotsOf[t] = slots;
    const { allShares, activeShares } = slots;
    const end = offsets[t + 1]!;
    if (target.paused) {
      for (let k = offsets[t]!; k < end; k++) allShares[members[k]!]! += 1;
    } else {
      for (let k = offsets[t]!; k < end; k++) {
        const index = members[k]!;
        allShares[index]! += 1;
        activeShares[index]! += 1;
      }
    }
  }
  const columns: TargetSlotColumns = {
    free: new Float64Array(targets.length),
    busy: new Float64Array(targets.length),
    staffed: new Float64Array(targets.length),
  };
  // An agent's equal share of its slots is the same for every active target that includes it: divided once per
  // agent here rather than once per (target, agent) pair — the same quotient, so the sums below are unchanged.
  const sharesByMedia = new Map<MediaSlots, Float64Array>();
  for (const slots of byMedia.values()) sharesByMedia.set(slots, activeShareSlots(slots));
  for (let t = 0; t < targets.length; t++) {
    const slots = slotsOf[t]!;
    let free = 0;
    let busy = 0;
    let staffed = 0;
    const end = offsets[t + 1]!;
    if (targets[t]!.paused) {
      // A paused target takes a share only of agents no active target serves (then all get 0 invitations).
      for (let k = offsets[t]!; k < end; k++) {
        const index = members[k]!;
        const divisor = slots.activeShares[index]! > 0 ? 0 : slots.allShares[index]!;
        if (divisor === 0) continue;
        free += slots.free[index]! / divisor;
        busy += slots.busy[index]! / divisor;
        staffed += slots.staffed[index]! / divisor;
      }
    } else {
      const shares = sharesByMedia.get(slots)!;
      for (let k = offsets[t]!; k < end; k++) {
        const at = members[k]! * 3;
        free += shares[at]!;
        busy += shares[at + 1]!;
        staffed += shares[at + 2]!;
      }
    }
    columns.free[t] = free;
    columns.busy[t] = busy;
    columns.staffed[t] = staffed;
  }
  return columns;
}
