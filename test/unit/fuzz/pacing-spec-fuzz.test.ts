import fc from 'fast-check';
import {
  maxAgentGroupsPerTarget,
  maxAgentsPerGroup,
  pacingClusterSchema,
  pacingTargetSchema,
  validatePacingCluster,
  validatePacingTarget,
  type PacingClusterDurationsMs,
} from '../../../src/api/index.js';
import { parseSkillExpression } from '../../../src/pacing/skill-expression.js';
import { checkFuzzProperty } from '../../support/fuzz-property.js';
import { fuzzRuns, fuzzTimeoutMs } from '../../support/fuzz-runs.js';
import {
  documentNear,
  hasStandardPrototypes,
  isPrototypePolluted,
  nestedArrays,
  pollutingObject,
} from '../../support/json-mutation.js';
import { aClusterSpec, aPacingCluster, aPacingTarget, aTargetSpec } from '../../support/pacing-manifests.js';

// Fuzzing of validatePacingTarget and validatePacingCluster, which read objects from the API server (and, when
// the CRD is older than the operator, whatever it let through). Both must never throw; what they accept must keep
// the documented bounds. Agreement with the CRD's CEL rules is the API integration tests' job, not repeated here.

const family = 'pacing-spec';
const timeout = fuzzTimeoutMs(fuzzRuns);
// Accepted objects must survive the trip through the API server (JSON) unchanged. Compared as JSON text, because
// fuzzed inputs are JS objects whose NaN or undefined in a kept unknown metadata key JSON cannot carry anyway.

/** A target rich enough that mutations reach every field: both group kinds, a goal, a cap, a status. */
const richTarget = aPacingTarget({
  ...aTargetSpec(),
  optimizationGoal: 2.5,
  maxInvitesPerInterval: 40,
  paused: false,
  agentGroups: [
    { name: 'Chat Agents', agents: ['a-1', 'a-2'] },
    { name: 'Spanish', skillExpression: 'Spanish > 5 & ("Sales EMEA" >= 3 | !Manager = 1)' },
  ],
});
const richCluster = aPacingCluster({
  ...aClusterSpec(),
  refreshPeriod: '5s',
  optimizationGoal: 3,
  policy: 'adaptive',
  statusUpdatePeriod: '10s',
  learnedStateSavePeriod: '1m',
  alarms: { heapUsageRatio: 0.8, detectAfter: '30s' },
});

/** Documented bounds of each converted duration, ms (from the schema's durationField declarations). */
const durationBoundsMs: Readonly<Record<keyof PacingClusterDurationsMs, readonly [number, number]>> = {
  refreshPeriodMs: [1_000, 300_000],
  statusUpdatePeriodMs: [1_000, 600_000],
  learnedStateSavePeriodMs: [5_000, 3_600_000],
  statsTimeoutMs: [100, 60_000],
  statsStaleAfterMs: [1_000, 600_000],
  engagementTimeoutMs: [100, 60_000],
  alarmDetectAfterMs: [1_000, 3_600_000],
};

/** Runs a validator and turns a throw into a failing expectation with the input attached. */
function neverThrows<T>(validate: (input: unknown) => T, input: unknown): T {
  try {
    return validate(input);
  } catch (error) {
    throw new Error('a validate* function threw', { cause: error });
  }
}

const groupName = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'g'));
// Groups built from parts so that valid, duplicate, empty and oversized lists all occur.
const agentGroups = fc.array(
  fc.oneof(
    fc.record({ name: groupName, agents: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }) }),
    fc.record({
      name: groupName,
      skillExpression: fc.oneof(fc.string({ maxLength: 12 }), fc.constant('a > 1')),
    }),
    fc.record({ name: groupName, agents: fc.constant(['a']), skillExpression: fc.constant('a > 1') }),
  ),
  { maxLength: maxAgentGroupsPerTarget + 2 },
);

const edgeRows: readonly [string, unknown][] = [
  ['an object with a polluting __proto__ and constructor', pollutingObject()],
  ['a spec that is an array nested 1,000 deep', { ...richTarget, spec: nestedArrays(1_000) }],
  [
    'a refresh period past the safe range',
    aPacingCluster({ ...aClusterSpec(), refreshPeriod: '9007199254741s' }),
  ],
  [
    'a skill expression of 100,000 characters',
    aPacingTarget({ ...aTargetSpec(), agentGroups: [{ name: 'g', skillExpression: 'a'.repeat(100_000) }] }),
  ],
  [
    '51 groups',
    aPacingTarget({
      ...aTargetSpec(),
      agentGroups: Array.from({ length: 51 }, (_, i) => ({ name: `g${i}`, agents: ['a'] })),
    }),
  ],
];

/** A numeric spec field and its documented bounds: where it sits, min, max, whether it must be an integer. */
interface QuantityField {
  readonly kind: 'PacingCluster' | 'PacingTarget';
  readonly path: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly isInteger: boolean;
}

const quantityFields: readonly QuantityField[] = [
  { kind: 'PacingCluster', path: ['optimizationGoal'], min: 0, max: 100, isInteger: false },
  { kind: 'PacingCluster', path: ['alarms', 'heapUsageRatio'], min: 0.1, max: 1, isInteger: false },
  { kind: 'PacingCluster', path: ['alarms', 'gcLatencyMs'], min: 1, max: 60_000, isInteger: true },
  { kind: 'PacingCluster', path: ['alarms', 'gcFrequencyPerMinute'], min: 1, max: 6000, isInteger: true },
  { kind: 'PacingTarget', path: ['optimizationGoal'], min: 0, max: 100, isInteger: false },
  { kind: 'PacingTarget', path: ['maxInvitesPerInterval'], min: 0, max: 1_000_000, isInteger: true },
];

/** The oracle for a quantity: a finite number of the right kind inside [min, max]. */
function isQuantityInBounds(field: QuantityField, value: unknown): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!field.isInteger || Number.isSafeInteger(value)) &&
    value >= field.min &&
    value <= field.max
  );
}

/** The rich object of the field's kind with `value` put at the field's path. */
function withQuantity(field: QuantityField, value: unknown): Record<string, unknown> {
  const object = JSON.parse(JSON.stringify(field.kind === 'PacingCluster' ? richCluster : richTarget));
  let node = object.spec as Record<string, unknown>;
  for (const key of field.path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[field.path.at(-1)!] = value;
  return object;
}

describe('PacingTarget and PacingCluster validation under fuzzing', () => {
  it.each(edgeRows)('never throws and leaves prototypes alone for %s', (_name, input) => {
    expect(neverThrows(validatePacingTarget, input).isValid).toBe(false);
    expect(neverThrows(validatePacingCluster, input).isValid).toBe(false);
    expect(isPrototypePolluted()).toBe(false);
  });

  it(
    'validates targets without throwing, and every accepted target keeps 1–50 uniquely named groups with parsed expressions',
    async () => {
      await checkFuzzProperty(
        family,
        'validatePacingTarget: never throws; accepted bounds',
        fc.property(
          fc.oneof(
            documentNear(richTarget),
            agentGroups.map((groups) => aPacingTarget({ ...aTargetSpec(), agentGroups: groups })),
          ),
          (input) => {
            const result = neverThrows(validatePacingTarget, input);
            expect(isPrototypePolluted()).toBe(false);
            expect(pacingTargetSchema.safeParse(input).success || !result.isValid).toBe(true);
            if (!result.isValid) {
              expect(result.message.startsWith(result.field) || result.field === '').toBe(true);
              return;
            }
            const { spec } = result.target;
            expect(spec.agentGroups.length).toBeGreaterThanOrEqual(1);
            expect(spec.agentGroups.length).toBeLessThanOrEqual(maxAgentGroupsPerTarget);
            expect(new Set(spec.agentGroups.map((g) => g.name)).size).toBe(spec.agentGroups.length);
            expect(result.agentGroups).toHaveLength(spec.agentGroups.length);
            for (const group of result.agentGroups) {
              if (group.kind === 'agents') {
                expect(group.agents.length).toBeGreaterThanOrEqual(1);
                expect(group.agents.length).toBeLessThanOrEqual(maxAgentsPerGroup);
              } else {
                expect(parseSkillExpression(group.skillExpression)).toEqual(group.expression);
              }
            }
            if (spec.maxInvitesPerInterval !== undefined) {
              expect(Number.isSafeInteger(spec.maxInvitesPerInterval)).toBe(true);
              expect(spec.maxInvitesPerInterval).toBeGreaterThanOrEqual(0);
            }
            if (spec.optimizationGoal !== undefined) {
              expect(spec.optimizationGoal >= 0 && spec.optimizationGoal <= 100).toBe(true);
            }
            expect(spec.virtualQueue.media).toMatch(/^[a-z][a-z0-9_-]*$/);
            expect(hasStandardPrototypes(result.target)).toBe(true);
            expect(JSON.stringify(validatePacingTarget(JSON.parse(JSON.stringify(result.target))))).toBe(
              JSON.stringify(result),
            );
          },
        ),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'accepts a quantity in a spec exactly when it is a finite number of the right kind inside its documented range',
    async () => {
      const quantity = fc.oneof(
        fc.double(),
        fc.integer({ min: -10, max: 1_000_010 }),
        fc.double({ min: -1, max: 2 }),
        fc.constantFrom<unknown>(-0, 0.1, 1, 100, 100.0001, 1e21, 2 ** 53, Number.NaN, Infinity, -Infinity),
        fc.constantFrom<unknown>('NaN', 'Infinity', '5', '', null, true, [], {}, [5]),
      );
      await checkFuzzProperty(
        family,
        'quantities accepted exactly inside their bounds',
        fc.property(fc.constantFrom(...quantityFields), quantity, (field, value) => {
          const input = withQuantity(field, value);
          const result =
            field.kind === 'PacingCluster' ? validatePacingCluster(input) : validatePacingTarget(input);
          expect(result.isValid).toBe(isQuantityInBounds(field, value));
          if (!result.isValid) expect(result.field).toBe(`spec.${field.path.join('.')}`);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'validates clusters without throwing, and every accepted cluster has each duration inside its documented range',
    async () => {
      const duration = fc.oneof(
        fc.constantFrom('5s', '1m30s', '0s', '100ms', '1h', '9007199254741s', `${'9'.repeat(31)}h`, '5 s'),
        fc.tuple(fc.nat(100_000), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, u]) => `${n}${u}`),
      );
      const durationEdits = fc.record(
        {
          refreshPeriod: duration,
          statusUpdatePeriod: duration,
          learnedStateSavePeriod: duration,
          statsTimeout: duration,
          staleAfter: duration,
          engagementTimeout: duration,
          detectAfter: duration,
        },
        { requiredKeys: [] },
      );
      const clusterWithDurations = durationEdits.map((d) => {
        const spec = structuredClone(richCluster.spec) as Record<string, Record<string, unknown>>;
        if (d.refreshPeriod) spec.refreshPeriod = d.refreshPeriod as never;
        if (d.statusUpdatePeriod) spec.statusUpdatePeriod = d.statusUpdatePeriod as never;
        if (d.learnedStateSavePeriod) spec.learnedStateSavePeriod = d.learnedStateSavePeriod as never;
        if (d.statsTimeout) spec.statsSource!.timeout = d.statsTimeout;
        if (d.staleAfter) spec.statsSource!.staleAfter = d.staleAfter;
        if (d.engagementTimeout) spec.engagement!.timeout = d.engagementTimeout;
        if (d.detectAfter) spec.alarms!.detectAfter = d.detectAfter;
        return aPacingCluster(spec);
      });
      await checkFuzzProperty(
        family,
        'validatePacingCluster: never throws; durations in range',
        fc.property(fc.oneof(documentNear(richCluster), clusterWithDurations), (input) => {
          const result = neverThrows(validatePacingCluster, input);
          expect(isPrototypePolluted()).toBe(false);
          expect(pacingClusterSchema.safeParse(input).success || !result.isValid).toBe(true);
          if (!result.isValid) return;
          for (const [name, [min, max]] of Object.entries(durationBoundsMs)) {
            const ms = result.durationsMs[name as keyof PacingClusterDurationsMs];
            expect(Number.isSafeInteger(ms) && ms >= min && ms <= max).toBe(true);
          }
          const goal = result.cluster.spec.optimizationGoal;
          expect(goal >= 0 && goal <= 100).toBe(true);
          expect(hasStandardPrototypes(result.cluster)).toBe(true);
          expect(JSON.stringify(validatePacingCluster(JSON.parse(JSON.stringify(result.cluster))))).toBe(
            JSON.stringify(result),
          );
        }),
        fuzzRuns,
      );
    },
    timeout,
  );
});
