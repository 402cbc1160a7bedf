import { z } from 'zod';

/** Default abandonment goal in percent when neither the target nor its cluster sets one (vendor default). */
export const defaultOptimizationGoalPercent = 3;

/**
 * An abandonment goal in percent (0–100): the share of accepted proactive interactions that may be abandoned
 * before an agent joins.
 */
export function optimizationGoalField(description: string): z.ZodNumber {
  const message = 'optimizationGoal must be a percentage between 0 and 100';
  return z.number({ message }).min(0, { message }).max(100, { message }).meta({ description });
}
