import type { StatsSnapshotInput, TargetInput } from './pacing-input.js';
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

/**
 * Resolves every target's agent groups against a snapshot: a group with `agents` is that list, one with a
 * `skillExpression` is every agent matching it, one with neither is every agent listing the group name. An agent
 * in several groups of one target counts once. Work is shared across targets: agents are indexed by group name
 * and id once, and each distinct skill expression is parsed and evaluated once per snapshot, over all agents at
 * once (see {@link SkillBitsetEvaluator}).
 */
export function resolveTargetAgents(
  snapshot: StatsSnapshotInput,
  targets: readonly TargetInput[],
): ResolvedTargetAgents {
  const agents = snapshot.agents;
  const byGroup = new Map<string, number[]>();
  let byId: Map<string, number> | undefined;
  for (let i = 0; i < agents.length; i++) {
    for (const group of agents[i]!.groups) {
      const members = byGroup.get(group);
      if (members) members.push(i);
      else byGroup.set(group, [i]);
    }
  }
  const byExpression = new Map<string, number[] | string>();
  let evaluator: SkillBitsetEvaluator | undefined;
  const matchExpression = (text: string): number[] | string => {
    const cached = byExpression.get(text);
    if (cached !== undefined) return cached;
    let result: number[] | string;
    try {
      const expr = parseSkillExpression(text);
      evaluator ??= new SkillBitsetEvaluator(agents);
      result = evaluator.matchingAgents(expr);
    } catch (error) {
      result = error instanceof Error ? error.message : String(error);
    }
    byExpression.set(text, result);
    return result;
  };
  // A stamp per agent de-duplicates members across a target's groups without allocating a set per target.
  const stamp = new Int32Array(agents.length).fill(-1);
  const offsets = new Int32Array(targets.length + 1);
  let members = new Int32Array(Math.max(16, agents.length));
  let size = 0;
  const problemsByTarget: string[][] = [];
  const add = (index: number, t: number): void => {
    if (stamp[index] === t) return;
    stamp[index] = t;
    if (size === members.length) {
      const grown = new Int32Array(members.length * 2);
      grown.set(members);
      members = grown;
    }
    members[size++] = index;
  };
  targets.forEach((target, t) => {
    offsets[t] = size;
    const problems: string[] = [];
    for (const group of target.agentGroups) {
      if (group.agents !== undefined) {
        if (!byId) {
          byId = new Map();
          for (let i = 0; i < agents.length; i++) byId.set(agents[i]!.id, i);
        }
        for (const id of group.agents) {
          const index = byId.get(id);
          if (index !== undefined) add(index, t);
        }
      } else if (group.skillExpression !== undefined) {
        const matched = matchExpression(group.skillExpression);
        if (typeof matched === 'string') problems.push(`agent group ${group.name}: ${matched}`);
        else for (const index of matched) add(index, t);
      } else {
        const list = byGroup.get(group.name);
        if (list) for (const index of list) add(index, t);
      }
    }
    problemsByTarget.push(problems);
  });
  offsets[targets.length] = size;
  return { offsets, members: members.subarray(0, size), problemsByTarget };
}
