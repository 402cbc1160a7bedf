import { z } from 'zod';
import {
  everyOf,
  fastChecked,
  hasProtoKey,
  isCount,
  isFiniteNumber,
  isNonEmptyString,
  isPlainObject,
} from './fast-checked-schema.js';

/** Readiness of one agent for one media, as the statistics source sees it. */
export const AgentMediaStateNameSchema = z
  .enum(['ready', 'busy', 'not-ready'])
  .describe(
    'ready: may take one more interaction of this media when capacity allows; busy or not-ready: may not',
  );

/** One agent's state for one media: readiness plus how many interactions it may hold (capacity) and holds (load). */
export const AgentMediaStateSchema = z.object({
  state: AgentMediaStateNameSchema,
  capacity: z.int().min(0).describe('maximum simultaneous interactions of this media'),
  load: z.int().min(0).describe('interactions of this media the agent handles now'),
});

/** One agent in a snapshot: identity, group membership, skill levels and per-media state (keyed by media name). */
export const SnapshotAgentSchema = z.object({
  id: z.string().min(1).describe('agent identifier, unique in the snapshot'),
  groups: z.array(z.string().min(1)).describe('names of the agent groups the agent belongs to'),
  skills: z.record(z.string(), z.number()).describe('skill name to level; a missing skill counts as level 0'),
  media: z.record(z.string(), AgentMediaStateSchema).describe('media name (chat, voice, ...) to state'),
});

/**
 * One virtual queue of one media. The *Total fields are cumulative since the source started (a decrease means the
 * source restarted), so a missed polling cycle loses no count: the next delta covers both intervals.
 */
export const SnapshotVirtualQueueSchema = z.object({
  name: z.string().min(1).describe('virtual queue name'),
  media: z.string().min(1).describe('the one media type this queue handles'),
  waiting: z.int().min(0).describe('proactive interactions waiting for an agent now'),
  waitingAgesSeconds: z
    .array(z.number().min(0))
    .optional()
    .describe('optional: age in seconds of each waiting interaction'),
  acceptedTotal: z
    .int()
    .min(0)
    .describe('cumulative proactive interactions accepted by visitors (entered the queue)'),
  abandonedTotal: z
    .int()
    .min(0)
    .describe('cumulative proactive interactions abandoned before an agent joined'),
  answeredTotal: z.int().min(0).describe('cumulative proactive interactions an agent joined'),
  handleSecondsTotal: z
    .number()
    .min(0)
    .describe('cumulative handle time, in seconds, of finished interactions'),
});

const MEDIA_STATES: ReadonlySet<unknown> = new Set(AgentMediaStateNameSchema.options);

/** The fast equivalent of an agent's `skills` record: a plain object of finite levels (both snapshot forms). */
export function isSkillLevels(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const name in value) if (!isFiniteNumber(value[name])) return false;
  return true;
}

/** The fast equivalent of {@link SnapshotAgentSchema} (see {@link fastChecked}); never more permissive. */
function isSnapshotAgent(value: unknown): boolean {
  if (!isPlainObject(value) || !isNonEmptyString(value.id) || !Array.isArray(value.groups)) return false;
  for (const group of value.groups) if (!isNonEmptyString(group)) return false;
  const { skills, media } = value;
  if (!isSkillLevels(skills) || !isPlainObject(media)) return false;
  for (const name in media) {
    const state = media[name];
    if (
      !isPlainObject(state) ||
      !MEDIA_STATES.has(state.state) ||
      !isCount(state.capacity) ||
      !isCount(state.load)
    ) {
      return false;
    }
  }
  return true;
}

/** The fast equivalent of {@link SnapshotVirtualQueueSchema}; never more permissive. */
function isSnapshotVirtualQueue(value: unknown): boolean {
  if (!isPlainObject(value) || !isNonEmptyString(value.name) || !isNonEmptyString(value.media)) return false;
  if (!isCount(value.waiting) || !isCount(value.acceptedTotal) || !isCount(value.abandonedTotal))
    return false;
  if (
    !isCount(value.answeredTotal) ||
    !isFiniteNumber(value.handleSecondsTotal) ||
    value.handleSecondsTotal < 0
  ) {
    return false;
  }
  const ages = value.waitingAgesSeconds;
  if (ages === undefined) return true;
  if (!Array.isArray(ages)) return false;
  for (const age of ages) if (!isFiniteNumber(age) || age < 0) return false;
  return true;
}

/**
 * Refuses an own `__proto__` key in an agent's `skills` or `media`. zod's record parsing skips that key without
 * checking its value (to keep it from replacing the prototype of its copy), and because the fast-checked lists pass
 * the original objects through, such a value would reach pacing unvalidated: a skill level "x", a media state of
 * anything. JSON.parse makes `__proto__` an ordinary own key, so a statistics source can send one.
 */
function refuseProtoKeys(agents: unknown, ctx: z.RefinementCtx): void {
  if (!Array.isArray(agents)) return;
  agents.forEach((agent: unknown, index) => {
    if (!isPlainObject(agent)) return;
    for (const field of ['skills', 'media'] as const) {
      const record = agent[field];
      if (hasProtoKey(record)) {
        ctx.addIssue({
          code: 'custom',
          message: `the key "__proto__" is not allowed in ${field}`,
          path: [index, field, '__proto__'],
          input: record,
        });
      }
    }
  });
}

/**
 * The statistics source's answer to `GET {url}/v1/snapshot`. The agent and queue lists are checked by fast loops
 * that fall back to the full schemas above to report issues ({@link fastChecked}): 50,000 agents validate in a few
 * ms instead of ~100 ms of zod object copies. Unknown properties are therefore kept, not stripped.
 */
export const StatsSnapshotSchema = z.object({
  snapshotTime: z.iso
    .datetime({ offset: true })
    .describe('when the data was true (RFC 3339); staleness is measured from it'),
  agents: fastChecked(z.array(SnapshotAgentSchema), everyOf(isSnapshotAgent)).superRefine(refuseProtoKeys),
  virtualQueues: fastChecked(z.array(SnapshotVirtualQueueSchema), everyOf(isSnapshotVirtualQueue)),
});

/** A validated statistics snapshot (see {@link StatsSnapshotSchema}). */
export type StatsSnapshot = z.infer<typeof StatsSnapshotSchema>;
/** One agent of a {@link StatsSnapshot}. */
export type SnapshotAgent = z.infer<typeof SnapshotAgentSchema>;
/** One virtual queue of a {@link StatsSnapshot}. */
export type SnapshotVirtualQueue = z.infer<typeof SnapshotVirtualQueueSchema>;
/** One agent's state for one media. */
export type AgentMediaState = z.infer<typeof AgentMediaStateSchema>;

/** The target id used on every wire and in metrics: `${virtualQueue}:${media}`. */
export function targetIdOf(virtualQueue: string, media: string): string {
  return `${virtualQueue}:${media}`;
}
