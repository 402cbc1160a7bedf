import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ScenarioError } from './errors.js';

/** A distribution of seconds (or of any positive quantity). */
export const distributionSchema = z.discriminatedUnion('dist', [
  z.object({ dist: z.literal('constant'), value: z.number().min(0) }),
  z.object({ dist: z.literal('exponential'), mean: z.number().positive() }),
  z.object({ dist: z.literal('lognormal'), mean: z.number().positive(), cv: z.number().positive() }),
  z.object({ dist: z.literal('uniform'), min: z.number().min(0), max: z.number().min(0) }),
  z.object({ dist: z.literal('weibull'), mean: z.number().positive(), shape: z.number().positive() }),
]);

/** A distribution (see {@link distributionSchema}). */
export type Distribution = z.infer<typeof distributionSchema>;

const zero: Distribution = { dist: 'constant', value: 0 };

/** A pool of identical agents. */
export const agentPoolSchema = z.object({
  pool: z.string().min(1),
  count: z.int().min(0),
  /** Slots per media; several media make blended agents (each media's slots are independent). */
  capacity: z.record(z.string(), z.int().min(0)),
  groups: z.array(z.string()).default([]),
  skills: z.record(z.string(), z.number()).default({}),
  handleTime: z.record(z.string(), distributionSchema),
  /** Handle time × (1 + β·(concurrent − 1)), concurrent counted when the interaction starts. */
  concurrencySlowdown: z.number().min(0).default(0),
  wrapUp: distributionSchema.default(zero),
});

/** A pool of agents. */
export type AgentPool = z.infer<typeof agentPoolSchema>;

/** One agent group of a target in a scenario. */
export const scenarioAgentGroupSchema = z.union([
  z.object({ group: z.string().min(1) }),
  z.object({ skillExpression: z.string().min(1) }),
]);

/** A paced target and the visitors it invites. */
export const scenarioTargetSchema = z.object({
  name: z.string().min(1),
  /** Virtual queue name; defaults to `name` without a trailing ` - <media>`. */
  virtualQueue: z.string().min(1).optional(),
  media: z.string().min(1),
  goalPercent: z.number().min(0).max(100).default(3),
  agentGroups: z.array(scenarioAgentGroupSchema).min(1),
  /** Eligible visitors: null = unlimited; otherwise Poisson arrivals that stay eligible `windowSeconds`. */
  leads: z
    .object({
      ratePerSecond: z.number().min(0).nullable().default(null),
      windowSeconds: z.number().positive().default(60),
    })
    .default({ ratePerSecond: null, windowSeconds: 60 }),
  acceptProbability: z.number().min(0).max(1),
  acceptDelay: distributionSchema,
  declineDelay: distributionSchema,
  expirySeconds: z.number().positive(),
  routingDelay: distributionSchema.default(zero),
  patience: distributionSchema,
  /** Non-paced traffic to the same agents (its own queue, same media, not counted in abandonment). */
  reactive: z
    .object({ ratePerSecond: z.number().min(0).default(0), patience: distributionSchema.optional() })
    .default({ ratePerSecond: 0 }),
  maxInvitesPerInterval: z.int().min(0).optional(),
  paused: z.boolean().default(false),
});

/** A target of a scenario. */
export type ScenarioTarget = z.infer<typeof scenarioTargetSchema>;

/** A change at a time (seconds from the start of the scored time), by dotted path; or a statistics gap. */
export const scenarioEventSchema = z
  .object({
    at: z.number(),
    pool: z.string().optional(),
    target: z.string().optional(),
    set: z.record(z.string(), z.unknown()).optional(),
    statsGapSeconds: z.number().positive().optional(),
  })
  .refine(
    (e) =>
      e.statsGapSeconds !== undefined ||
      (e.set !== undefined && (e.pool !== undefined) !== (e.target !== undefined)),
    {
      message: 'an event needs either statsGapSeconds, or set with exactly one of pool or target',
    },
  );

/** A scenario event. */
export type ScenarioEvent = z.infer<typeof scenarioEventSchema>;

/** A whole scenario file (the format of PACING.md; extend compatibly, never break). */
export const scenarioSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  durationSeconds: z.number().positive(),
  warmupSeconds: z.number().min(0).default(0),
  cycleSeconds: z.number().positive().default(2),
  statsLagSeconds: z.number().min(0).default(0),
  /** Statistics older than this make the guard chain send nothing; default max(10 s, 3 cycles). */
  staleAfterSeconds: z.number().positive().optional(),
  agents: z.array(agentPoolSchema).min(1),
  targets: z.array(scenarioTargetSchema).min(1),
  events: z.array(scenarioEventSchema).default([]),
});

/** A parsed scenario. */
export type Scenario = z.infer<typeof scenarioSchema>;

/** Parses and validates a scenario object; throws ScenarioError naming the field at fault. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ScenarioError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      cause: result.error,
    });
  }
  const scenario = result.data;
  for (const event of scenario.events) {
    if (event.pool !== undefined && !scenario.agents.some((p) => p.pool === event.pool)) {
      throw new ScenarioError(`${source}: event at ${event.at}: unknown pool "${event.pool}"`);
    }
    if (event.target !== undefined && !scenario.targets.some((t) => t.name === event.target)) {
      throw new ScenarioError(`${source}: event at ${event.at}: unknown target "${event.target}"`);
    }
  }
  return scenario;
}

/** Reads and parses a YAML scenario file. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(`cannot read scenario file ${path}`, { cause: error });
  }
  return parseScenario(parseYaml(text), path);
}

/** Virtual queue name of a scenario target. */
export function virtualQueueName(target: ScenarioTarget): string {
  if (target.virtualQueue !== undefined) return target.virtualQueue;
  const suffix = ` - ${target.media}`;
  return target.name.endsWith(suffix) ? target.name.slice(0, -suffix.length) : target.name;
}

/** Target id `${virtualQueue}:${media}` of a scenario target. */
export function scenarioTargetId(target: ScenarioTarget): string {
  return `${virtualQueueName(target)}:${target.media}`;
}
