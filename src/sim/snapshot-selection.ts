import type { StatsSelection } from '../api/protocol/index.js';
import {
  matchesSkillExpression,
  parseSkillExpression,
  type SkillExpression,
  type StatsSnapshotInput,
} from '../pacing/index.js';

/**
 * The part of a snapshot a selection asks for: agents listed by id, listing a selected group or matching a
 * selected skill expression, and the virtual queues named (every media). Throws SkillExpressionError for an
 * expression that does not parse.
 */
export function selectFromSnapshot(
  snapshot: StatsSnapshotInput,
  selection: StatsSelection,
): StatsSnapshotInput {
  const ids = new Set(selection.agentIds);
  const groups = new Set(selection.agentGroups);
  const expressions: SkillExpression[] = [...new Set(selection.skillExpressions)].map(parseSkillExpression);
  const queues = new Set(selection.virtualQueues);
  return {
    snapshotTime: snapshot.snapshotTime,
    agents: snapshot.agents.filter(
      (agent) =>
        ids.has(agent.id) ||
        agent.groups.some((group) => groups.has(group)) ||
        expressions.some((expression) => matchesSkillExpression(expression, agent.skills)),
    ),
    virtualQueues: snapshot.virtualQueues.filter((queue) => queues.has(queue.name)),
  };
}
