import type { StatsSelection } from '../api/protocol/index.js';
import {
  matchesSkillExpression,
  parseSkillExpression,
  type SkillExpression,
  type StatsSnapshotInput,
} from '../pacing/index.js';

/** Cuts a snapshot down to what one selection asks for. */
export type SnapshotSelector = (snapshot: StatsSnapshotInput) => StatsSnapshotInput;

/**
 * Compiles a selection into the cut it asks for: agents listed by id, listing a selected group or matching a
 * selected skill expression, and the virtual queues named (every media). Parsed once, before any snapshot is
 * taken. Throws SkillExpressionError for an expression that does not parse.
 */
export function compileSelection(selection: StatsSelection): SnapshotSelector {
  const ids = new Set(selection.agentIds);
  const groups = new Set(selection.agentGroups);
  const expressions: SkillExpression[] = [...new Set(selection.skillExpressions)].map(parseSkillExpression);
  const queues = new Set(selection.virtualQueues);
  return (snapshot) => ({
    snapshotTime: snapshot.snapshotTime,
    agents: snapshot.agents.filter(
      (agent) =>
        ids.has(agent.id) ||
        agent.groups.some((group) => groups.has(group)) ||
        expressions.some((expression) => matchesSkillExpression(expression, agent.skills)),
    ),
    virtualQueues: snapshot.virtualQueues.filter((queue) => queues.has(queue.name)),
  });
}
