/** Public surface of src/pacing: pure pacing (observations, guards, policies, estimators, queueing math). */
export type {
  AgentGroupInput,
  AgentInput,
  AgentMediaInput,
  EngagementReportInput,
  StatsSnapshotInput,
  TargetInput,
  VirtualQueueInput,
} from './pacing-input.js';
export type { CounterMemory, CounterMemoryEntry, Observation, ObservationDeltas } from './observation.js';
export {
  buildObservations,
  virtualQueueOf,
  type ObservationInput,
  type ObservationResult,
} from './observation-builder.js';
export { resolveTargetAgents, type ResolvedTargetAgents } from './agent-group-resolver.js';
export { AgentIndex } from './agent-index.js';
export { splitSharedCapacity, type TargetSlots } from './shared-capacity-split.js';
export { counterDelta } from './counter-delta.js';
export {
  decideAll,
  type DecideAllResult,
  type DecisionFigures,
  type DecisionReason,
  type PacingDecision,
  type TargetState,
} from './decide-all.js';
export {
  carryFits,
  decideRound,
  RoundWorkspace,
  type DecideRoundResult,
  type DecideRoundScope,
  type RoundCarry,
} from './decide-round.js';
export {
  evaluateGuards,
  guardCap,
  guardNothingStaffed,
  guardPaused,
  guardStaleStatistics,
  preDecisionGuards,
  type Guard,
  type GuardVerdict,
} from './guards.js';
export type { DecideOptions, PacingPolicy, PlainData, PolicyDecision } from './pacing-policy.js';
export {
  defaultPolicyName,
  findPolicy,
  isPolicyName,
  policyNames,
  type PolicyName,
} from './policy-registry.js';
export { adaptivePolicy, adaptiveTuning, type AdaptiveState } from './adaptive-policy.js';
export { progressivePolicy } from './progressive-policy.js';
export { expectedProgressivePolicy } from './expected-progressive-policy.js';
export { fixedRatioPolicy, fixedRatioLevel } from './fixed-ratio-policy.js';
export { dialerAdaptivePolicy, type DialerAdaptiveState } from './dialer-adaptive-policy.js';
export { erlangStaticPolicy, type ErlangStaticState } from './erlang-static-policy.js';
export { erlangA, erlangAArrivalRateForGoal, type ErlangAInput, type ErlangAResult } from './erlang-a.js';
export {
  defaultAcceptanceTuning,
  estimateAcceptance,
  initialAcceptanceState,
  updateAcceptance,
  type AcceptanceEstimate,
  type AcceptanceState,
  type AcceptanceTuning,
} from './acceptance-estimator.js';
export { estimatorNumberFields, type EstimatorStateV1 } from './estimator-state-v1.js';
export {
  initialEstimatorState,
  readEstimates,
  updateEstimators,
  type EstimatorState,
  type Estimates,
} from './target-estimators.js';
export { hashString, nextRandom } from './seeded-random.js';
export { PacingError, PacingPolicyError } from './errors.js';
export {
  matchesSkillExpression,
  parseSkillExpression,
  SkillExpressionError,
  type SkillExpression,
} from './skill-expression.js';
