import { z } from 'zod';

const names = (what: string) => z.array(z.string().min(1)).describe(what);

/**
 * The part of the contact center a sharded replica asks the statistics source for (`POST {url}/v1/snapshot/query`):
 * the agents that any of the three agent criteria select, and the virtual queues named. A replica pacing one shard
 * of a large cluster then reads the agents of its own targets instead of every agent of the cluster.
 */
export const StatsSelectionSchema = z.strictObject({
  agentIds: names('agents selected by identifier (the agent lists of agent groups)'),
  agentGroups: names('agents listing any of these group names'),
  skillExpressions: names('agents matching any of these skill expressions (PacingTarget syntax)'),
  virtualQueues: names('virtual queues selected by name, every media of each'),
});

/** A validated statistics selection (see {@link StatsSelectionSchema}). */
export type StatsSelection = z.infer<typeof StatsSelectionSchema>;
