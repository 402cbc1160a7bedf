import { z } from 'zod';
import { withCelRule } from './cel-rule.js';

/** Most agents listed in one group; bounds CEL cost and object size. */
export const maxAgentsPerGroup = 1000;

/** Longest skill expression accepted. */
export const maxSkillExpressionLength = 1024;

const nameMessage = 'agentGroups[].name must be 1 to 255 characters';
const exactlyOneMessage = 'agentGroups[]: set exactly one of agents or skillExpression';

/** A group of agents serving a PacingTarget: a fixed list of agent ids or a skill expression, never both. */
export const agentGroupSchema = withCelRule(
  z
    .object({
      name: z
        .string({ message: nameMessage })
        .min(1, { message: nameMessage })
        .max(255, { message: nameMessage })
        .meta({ description: 'Group name as the statistics source and the engagement platform know it.' }),
      agents: z
        .array(
          z
            .string()
            .min(1, { message: 'agentGroups[].agents[] must be 1 to 255 characters' })
            .max(255, { message: 'agentGroups[].agents[] must be 1 to 255 characters' }),
        )
        .min(1, { message: 'agentGroups[].agents must list at least one agent id' })
        .max(maxAgentsPerGroup, {
          message: `agentGroups[].agents must list at most ${maxAgentsPerGroup} agent ids`,
        })
        .optional()
        .meta({
          description: 'Ids of the agents of a fixed group. Exactly one of agents and skillExpression.',
        }),
      skillExpression: z
        .string()
        .min(1, { message: 'agentGroups[].skillExpression must not be empty' })
        .max(maxSkillExpressionLength, {
          message: `agentGroups[].skillExpression must be at most ${maxSkillExpressionLength} characters`,
        })
        .optional()
        .meta({
          description:
            'Skill expression of a virtual group, e.g. `Spanish > 5 & Sales >= 3`: comparisons `Skill OP level` (OP one of = != >= <= > <), & (and), | (or), ! or ~ (not), parentheses; mixing & and | needs parentheses; "quoted names" may hold spaces, and the Stat Server form Skill("Name") is accepted; a missing skill is level 0. Exactly one of agents and skillExpression.',
        }),
    })
    .meta({ description: 'One agent group: a fixed agent list or a skill expression.' }),
  { rule: 'has(self.agents) != has(self.skillExpression)', message: exactlyOneMessage },
  (group) => (group.agents !== undefined) !== (group.skillExpression !== undefined),
);

/** One agent group of a PacingTarget. */
export type AgentGroup = z.infer<typeof agentGroupSchema>;
