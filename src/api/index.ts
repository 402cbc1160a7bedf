// Public surface of src/api: the PacingCluster and PacingTarget schemas (the single source of their types,
// runtime validation and CRDs), conditions, durations and the CRD generator. Wire schemas live in ./protocol.
export * from './api-group.js';
export * from './errors.js';
export * from './duration.js';
export * from './cel-rule.js';
export * from './http-url.js';
export * from './secret-reference.js';
export * from './optimization-goal.js';
export * from './pacing-policy.js';
export * from './stats-source.js';
export * from './engagement-endpoint.js';
export * from './alarm-thresholds.js';
export * from './object-meta.js';
export * from './condition.js';
export * from './set-condition.js';
export * from './pacing-cluster-conditions.js';
export * from './pacing-target-conditions.js';
export * from './pacing-cluster.js';
export * from './agent-group.js';
export * from './pacing-target.js';
export * from './field-path.js';
export * from './spec-problem.js';
export * from './validate-pacing-cluster.js';
export * from './validate-pacing-target.js';
