import type { AgentInput, StatsSnapshotInput, TargetInput } from './pacing-input.js';
import { AgentIndex } from './agent-index.js';
import { ExpressionBitsets } from './expression-bitsets.js';

/**
 * The agents of every target as indexes into `snapshot.agents`, in compressed rows: target t's agents are
 * `members[offsets[t] … offsets[t + 1])`. One flat array instead of one per target keeps 10,000 targets cheap.
 */
export interface ResolvedTargetAgents {
  /** Row starts, one per target plus the end. */
  readonly offsets: Int32Array;
  /** Distinct agent indexes of every target, row after row. */
  readonly members: Int32Array;
  /** Problems per target (an unparsable skill expression, say); empty when none. */
  readonly problemsByTarget: readonly (readonly string[])[];
  /**
   * The agent-id index the `agents` lists were resolved with, to pass as the next call's hint (undefined when no
   * target lists agents).
   */
  readonly agentIndex: AgentIndex | undefined;
}

/** Agents by group name, as compressed rows over the group names the targets use (agent indexes ascending). */
interface GroupRows {
  readonly offsets: Int32Array;
  readonly members: Int32Array;
  /**
   * The row of every (target, group) pair, targets in order and each target's groups in order: the group's row for
   * a name-only group, -1 for a group with `agents` or a `skillExpression`. Remembered from the pass that names
   * the rows, so that resolving does not look every target's group name up a second time.
   */
  readonly rowOfGroup: Int32Array;
}

/**
 * Indexes the agents by the group names that the targets' name-only groups use. Two passes over the agents
 * (count, then fill) into typed arrays: no array per group, and agent groups no target names are skipped.
 */
function indexGroups(agents: readonly AgentInput[], targets: readonly TargetInput[]): GroupRows {
  const indexByName = new Map<string, number>();
  let groupCount = 0;
  for (let t = 0; t < targets.length; t++) groupCount += targets[t]!.agentGroups.length;
  const rowOfGroup = new Int32Array(groupCount);
  let at = 0;
  for (let t = 0; t < targets.length; t++) {
    const groups = targets[t]!.agentGroups;
    for (let k = 0; k < groups.length; k++) {
      const group = groups[k]!;
      let row = -1;
      if (group.agents === undefined && group.skillExpression === undefined) {
        const known = indexByName.get(group.name);
        if (known === undefined) {
          row = indexByName.size;
          indexByName.set(group.name, row);
        } else {
          row = known;
        }
      }
      rowOfGroup[at++] = row;
    }
  }
  const offsets = new Int32Array(indexByName.size + 1);
  if (indexByName.size === 0) return { offsets, members: new Int32Array(0), rowOfGroup };
  // The group index of each (agent, group) pair, remembered from the counting pass so the fill pass does not
  // look every name up again; -1 for a group no target uses.
  let pairs = new Int32Array(Math.max(16, agents.length * 2));
  let pairCount = 0;
  for (let i = 0; i < agents.length; i++) {
    const groups = agents[i]!.groups;
    for (let k = 0; k < groups.length; k++) {
      const g = indexByName.get(groups[k]!);
      if (pairCount === pairs.length) {
        const grown = new Int32Array(pairs.length * 2);
        grown.set(pairs);
        pairs = grown;
      }
      pairs[pairCount++] = g ?? -1;
      if (g !== undefined) offsets[g + 1]! += 1;
    }
  }
  for (let g = 0; g < indexByName.size; g++) offsets[g + 1]! += offsets[g]!;
  const members = new Int32Array(offsets[indexByName.size]!);
  const fill = offsets.slice(0, indexByName.size);
  let pair = 0;
  for (let i = 0; i < agents.length; i++) {
    const count = agents[i]!.groups.length;
    for (let k = 0; k < count; k++) {
      const g = pairs[pair++]!;
      if (g >= 0) members[fill[g]!++] = i;
    }
  }
  return { offsets, members, rowOfGroup };
}

/** A resolution of targets whose every group is an `agents` list, and the targets it was made for. */
interface ListResolution {
  readonly targets: readonly TargetInput[];
  readonly resolved: ResolvedTargetAgents;
}

/**
 * The last list-only resolution made with each agent index. It depends on nothing but the agent ids in order, which
 * the index stands for, and the (immutable) target inputs: a next round over the same targets and a snapshot that
 * lists the same agents reuses it whole (about 7 ms of a 10,000-target round in the operator). Groups by name or
 * by skill expression read the snapshot's groups and skills, which change: their resolutions are never kept.
 */
const listResolutions = new WeakMap<AgentIndex, ListResolution>();

/**
 * Resolves every target's agent groups against a snapshot: a group with `agents` is that list, one with a
 * `skillExpression` is every agent matching it, one with neither is every agent listing the group name. An agent
 * in several groups of one target counts once. Work is shared across targets: agents are indexed by group name
 * and id once, and each distinct skill expression is parsed and evaluated once per snapshot, over all agents at
 * once (see {@link SkillBitsetEvaluator}). Members come in group order, then ascending agent index (list order
 * for an `agents` list). When the hint's last resolution was of these very targets, all by `agents` lists, and the
 * snapshot lists the same agents in the same order, that resolution is returned again (callers only read it).
 */
export function resolveTargetAgents(
  snapshot: StatsSnapshotInput,
  targets: readonly TargetInput[],
  agentIndexHint?: AgentIndex,
): ResolvedTargetAgents {
  const agents = snapshot.agents;
  const remembered = agentIndexHint === undefined ? undefined : listResolutions.get(agentIndexHint);
  if (
    remembered !== undefined &&
    isSameTargets(remembered.targets, targets) &&
    AgentIndex.of(agents, agentIndexHint) === agentIndexHint
  ) {
    return remembered.resolved;
  }
  const groupRows = indexGroups(agents, targets);
  const { rowOfGroup } = groupRows;
  const expressions = new ExpressionBitsets(agents);
  // A first pass bounds the members (every group's size, before de-duplication), so that the member array is
  // allocated once: growing it by doubling copied megabytes a round.
  let bound = 0;
  let at = 0;
  let isAnyListed = false;
  let isListsOnly = true;
  for (let t = 0; t < targets.length; t++) {
    const groups = targets[t]!.agentGroups;
    for (let k = 0; k < groups.length; k++, at++) {
      const group = groups[k]!;
      const row = rowOfGroup[at]!;
      if (row >= 0) bound += groupRows.offsets[row + 1]! - groupRows.offsets[row]!;
      else if (group.agents !== undefined) {
        bound += group.agents.length;
        isAnyListed = true;
      } else if (group.skillExpression !== undefined) bound += expressions.count(group.skillExpression);
      if (group.agents === undefined) isListsOnly = false;
    }
  }
  // Agent ids of `agents` lists: through last round's index while the snapshot lists the same agents in the same
  // order (its lists stay resolved), else through an index of this snapshot. The result is the same either way.
  const agentIndex = isAnyListed ? AgentIndex.of(agents, agentIndexHint) : undefined;
  // A stamp per agent de-duplicates members across a target's groups without allocating a set per target.
  const stamp = new Int32Array(agents.length).fill(-1);
  const offsets = new Int32Array(targets.length + 1);
  const members = new Int32Array(bound);
  let size = 0;
  const problemsByTarget: (readonly string[])[] = new Array<readonly string[]>(targets.length);
  const noProblems: readonly string[] = [];
  at = 0;
  for (let t = 0; t < targets.length; t++) {
    const groups = targets[t]!.agentGroups;
    offsets[t] = size;
    let problems: string[] | undefined;
    for (let k = 0; k < groups.length; k++, at++) {
      const group = groups[k]!;
      const row = rowOfGroup[at]!;
      if (row >= 0) {
        const from = groupRows.members;
        const end = groupRows.offsets[row + 1]!;
        for (let m = groupRows.offsets[row]!; m < end; m++) {
          const index = from[m]!;
          if (stamp[index] !== t) {
            stamp[index] = t;
            members[size++] = index;
          }
        }
      } else if (group.agents !== undefined) {
        const listed = agentIndex!.indexesOf(group.agents);
        for (let m = 0; m < listed.length; m++) {
          const index = listed[m]!;
          if (index >= 0 && stamp[index] !== t) {
            stamp[index] = t;
            members[size++] = index;
          }
        }
      } else if (group.skillExpression !== undefined) {
        const matched = expressions.bits(group.skillExpression);
        if (typeof matched === 'string') {
          (problems ??= []).push(`agent group ${group.name}: ${matched}`);
          continue;
        }
        for (let w = 0; w < matched.length; w++) {
          let word = matched[w]!;
          while (word !== 0) {
            const index = w * 32 + (31 - Math.clz32(word & -word));
            word &= word - 1;
            if (stamp[index] !== t) {
              stamp[index] = t;
              members[size++] = index;
            }
          }
        }
      }
    }
    problemsByTarget[t] = problems ?? noProblems;
  }
  offsets[targets.length] = size;
  const resolved: ResolvedTargetAgents = {
    offsets,
    members: members.subarray(0, size),
    problemsByTarget,
    agentIndex,
  };
  // A copy of the target list: the caller's array is its own to reuse.
  if (isListsOnly && agentIndex !== undefined) {
    listResolutions.set(agentIndex, { targets: targets.slice(), resolved });
  }
  return resolved;
}

/** True when both lists hold the same target inputs (by identity) in the same order. */
function isSameTargets(before: readonly TargetInput[], now: readonly TargetInput[]): boolean {
  if (before.length !== now.length) return false;
  for (let t = 0; t < now.length; t++) if (before[t] !== now[t]) return false;
  return true;
}
