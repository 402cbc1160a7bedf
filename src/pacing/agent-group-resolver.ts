import type { StatsSnapshotInput, TargetInput } from './pacing-input.js';
import { matchesSkillExpression, parseSkillExpression } from './skill-expression.js';

/** The agents of every target, as indexes into `snapshot.agents`, plus what could not be resolved. */
export interface ResolvedTargetAgents {
  /** Distinct agent indexes per target, in the order of the targets given. */
  readonly agentsByTarget: readonly Int32Array[];
  /** Problems per target (an unparsable skill expression, say); empty when none. */
  readonly problemsByTarget: readonly (readonly string[])[];
}

/**
 * Resolves every target's agent groups against a snapshot: a group with `agents` is that list, one with a
 * `skillExpression` is every agent matching it, one with neither is every agent listing the group name. An agent
 * in several groups of one target counts once. Work is shared across targets: agents are indexed by group name
 * and id once, and each distinct skill expression is parsed and evaluated once per snapshot.
 */
export function resolveTargetAgents(
  snapshot: StatsSnapshotInput,
  targets: readonly TargetInput[],
): ResolvedTargetAgents {
  const agents = snapshot.agents;
  const byGroup = new Map<string, number[]>();
  const byId = new Map<string, number>();
  for (let i = 0; i < agents.length; i++) {
    const agent = agents[i]!;
    byId.set(agent.id, i);
    for (const group of agent.groups) {
      const members = byGroup.get(group);
      if (members) members.push(i);
      else byGroup.set(group, [i]);
    }
  }
  const byExpression = new Map<string, number[] | string>();
  const matchExpression = (text: string): number[] | string => {
    const cached = byExpression.get(text);
    if (cached !== undefined) return cached;
    let result: number[] | string;
    try {
      const expr = parseSkillExpression(text);
      result = [];
      for (let i = 0; i < agents.length; i++) {
        if (matchesSkillExpression(expr, agents[i]!.skills)) result.push(i);
      }
    } catch (error) {
      result = error instanceof Error ? error.message : String(error);
    }
    byExpression.set(text, result);
    return result;
  };
  // A stamp per agent de-duplicates members across a target's groups without allocating a set per target.
  const stamp = new Int32Array(agents.length).fill(-1);
  const agentsByTarget: Int32Array[] = [];
  const problemsByTarget: string[][] = [];
  const scratch: number[] = [];
  targets.forEach((target, t) => {
    scratch.length = 0;
    const problems: string[] = [];
    const add = (index: number): void => {
      if (stamp[index] !== t) {
        stamp[index] = t;
        scratch.push(index);
      }
    };
    for (const group of target.agentGroups) {
      if (group.agents !== undefined) {
        for (const id of group.agents) {
          const index = byId.get(id);
          if (index !== undefined) add(index);
        }
      } else if (group.skillExpression !== undefined) {
        const matched = matchExpression(group.skillExpression);
        if (typeof matched === 'string') problems.push(`agent group ${group.name}: ${matched}`);
        else for (const index of matched) add(index);
      } else {
        for (const index of byGroup.get(group.name) ?? []) add(index);
      }
    }
    agentsByTarget.push(Int32Array.from(scratch));
    problemsByTarget.push(problems);
  });
  return { agentsByTarget, problemsByTarget };
}
