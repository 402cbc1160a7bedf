import type { AgentInput, StatsSnapshotInput, TargetInput } from './pacing-input.js';
import { SkillBitsetEvaluator } from './skill-bitset-evaluator.js';
import { parseSkillExpression } from './skill-expression.js';

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
}

/** Agents by group name, as compressed rows over the group names the targets use (agent indexes ascending). */
interface GroupRows {
  readonly indexByName: Map<string, number>;
  readonly offsets: Int32Array;
  readonly members: Int32Array;
}

/**
 * Indexes the agents by the group names that the targets' name-only groups use. Two passes over the agents
 * (count, then fill) into typed arrays: no array per group, and agent groups no target names are skipped.
 */
function indexGroups(agents: readonly AgentInput[], targets: readonly TargetInput[]): GroupRows {
  const indexByName = new Map<string, number>();
  for (const target of targets) {
    for (const group of target.agentGroups) {
      if (group.agents === undefined && group.skillExpression === undefined && !indexByName.has(group.name)) {
        indexByName.set(group.name, indexByName.size);
      }
    }
  }
  const offsets = new Int32Array(indexByName.size + 1);
  if (indexByName.size === 0) return { indexByName, offsets, members: new Int32Array(0) };
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
  return { indexByName, offsets, members };
}

/**
 * Resolves every target's agent groups against a snapshot: a group with `agents` is that list, one with a
 * `skillExpression` is every agent matching it, one with neither is every agent listing the group name. An agent
 * in several groups of one target counts once. Work is shared across targets: agents are indexed by group name
 * and id once, and each distinct skill expression is parsed and evaluated once per snapshot, over all agents at
 * once (see {@link SkillBitsetEvaluator}). Members come in group order, then ascending agent index (list order
 * for an `agents` list).
 */
export function resolveTargetAgents(
  snapshot: StatsSnapshotInput,
  targets: readonly TargetInput[],
): ResolvedTargetAgents {
  const agents = snapshot.agents;
  const groupRows = indexGroups(agents, targets);
  let byId: Map<string, number> | undefined;
  // Each distinct expression's matching agents as a bitset (or the parse error's message), once per snapshot.
  const byExpression = new Map<string, Uint32Array | string>();
  let evaluator: SkillBitsetEvaluator | undefined;
  // A stamp per agent de-duplicates members across a target's groups without allocating a set per target.
  const stamp = new Int32Array(agents.length).fill(-1);
  const offsets = new Int32Array(targets.length + 1);
  let members: Int32Array = new Int32Array(Math.max(16, agents.length));
  let size = 0;
  const problemsByTarget: (readonly string[])[] = new Array<readonly string[]>(targets.length);
  const noProblems: readonly string[] = [];
  // Before each group's loop the member array grows, once, to hold the most members that group can add.
  for (let t = 0; t < targets.length; t++) {
    const target = targets[t]!;
    offsets[t] = size;
    let problems: string[] | undefined;
    for (const group of target.agentGroups) {
      let from: Int32Array | undefined;
      let start = 0;
      let end = 0;
      let bits: Uint32Array | undefined;
      if (group.agents !== undefined) {
        if (!byId) {
          byId = new Map();
          for (let i = 0; i < agents.length; i++) byId.set(agents[i]!.id, i);
        }
        if (size + group.agents.length > members.length) members = grow(members, size + group.agents.length);
        for (const id of group.agents) {
          const index = byId.get(id);
          if (index !== undefined && stamp[index] !== t) {
            stamp[index] = t;
            members[size++] = index;
          }
        }
        continue;
      } else if (group.skillExpression !== undefined) {
        let matched = byExpression.get(group.skillExpression);
        if (matched === undefined) {
          try {
            const expr = parseSkillExpression(group.skillExpression);
            evaluator ??= new SkillBitsetEvaluator(agents);
            matched = evaluator.matchingBits(expr);
          } catch (error) {
            matched = error instanceof Error ? error.message : String(error);
          }
          byExpression.set(group.skillExpression, matched);
        }
        if (typeof matched === 'string') {
          (problems ??= []).push(`agent group ${group.name}: ${matched}`);
          continue;
        }
        bits = matched;
      } else {
        const g = groupRows.indexByName.get(group.name);
        if (g === undefined) continue;
        from = groupRows.members;
        start = groupRows.offsets[g]!;
        end = groupRows.offsets[g + 1]!;
      }
      if (bits !== undefined) {
        if (size + agents.length > members.length) members = grow(members, size + agents.length);
        for (let w = 0; w < bits.length; w++) {
          let word = bits[w]!;
          while (word !== 0) {
            const index = w * 32 + (31 - Math.clz32(word & -word));
            word &= word - 1;
            if (stamp[index] !== t) {
              stamp[index] = t;
              members[size++] = index;
            }
          }
        }
      } else if (from !== undefined) {
        if (size + (end - start) > members.length) members = grow(members, size + (end - start));
        for (let k = start; k < end; k++) {
          const index = from[k]!;
          if (stamp[index] !== t) {
            stamp[index] = t;
            members[size++] = index;
          }
        }
      }
    }
    problemsByTarget[t] = problems ?? noProblems;
  }
  offsets[targets.length] = size;
  return { offsets, members: members.subarray(0, size), problemsByTarget };
}

/** A copy of `array` with room for at least `needed` entries (doubling, so growth stays amortised). */
function grow(array: Int32Array, needed: number): Int32Array {
  const grown = new Int32Array(Math.max(needed, array.length * 2));
  grown.set(array);
  return grown;
}
