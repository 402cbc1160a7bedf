import type { PublicationRecord } from '../../../src/sim/reference-engagement-server.js';
import {
  accountingOf,
  accountingProblems,
  findDoublePublications,
  longestOwnershipGaps,
  type SavedStateView,
} from '../../chaos/support/chaos-invariants.js';
import type { GroundTruth, QueueTruth } from '../../chaos/support/chaos-world.js';

const record = (
  cycleId: number,
  publisher: string,
  receivedAtMs: number,
  targetIds = ['A:chat', 'B:voice'],
): PublicationRecord => ({
  clusterId: 'ns/demo',
  cycleId,
  publisher,
  part: 0,
  parts: 1,
  targets: targetIds.length,
  targetIds,
  refusedTargetIds: [],
  receivedAtMs,
});

const truthOf = (served: Record<number, Record<string, QueueTruth>>): GroundTruth => ({
  at: (ms, id) => served[ms]?.[id],
  latest: () => undefined,
});

const stateWith = (
  statsTimeMs: number,
  read: [number, number],
  counted: [number, number],
): SavedStateView => ({
  savedAtMs: statsTimeMs,
  lastCycleId: 1,
  targets: {
    'A:chat': {
      pacing: { estimators: { acceptedTotal: counted[0], abandonedTotal: counted[1] } },
      counters: { statsTimeMs, stats: [read[0], read[1], 0, 0] },
    },
  },
});

describe('chaos invariants', () => {
  it('finds a cycle published for the same target by two instances, and only that one', () => {
    const doubles = findDoublePublications([
      record(1000, 'a', 1),
      record(2000, 'a', 2),
      record(2000, 'b', 3, ['B:voice']),
      record(3000, 'b', 4),
    ]);

    expect(doubles).toEqual([{ cycleId: 2000, targetId: 'B:voice', publishers: ['a', 'b'] }]);
  });

  it('measures the longest stretch without a publication per target, window edges included', () => {
    const gaps = longestOwnershipGaps(
      [record(1, 'a', 1_000), record(2, 'b', 7_000, ['A:chat']), record(3, 'b', 8_000)],
      ['A:chat', 'B:voice'],
      0,
      9_000,
    );

    expect(gaps).toEqual([
      { targetId: 'A:chat', gapMs: 6_000, fromMs: 1_000, toMs: 7_000 },
      { targetId: 'B:voice', gapMs: 7_000, fromMs: 1_000, toMs: 8_000 },
    ]);
  });

  it.each([
    ['counts carried over (read − counted equals the baseline)', [50, 4], [40, 3], []],
    [
      'a stretch of acceptances lost at a handover',
      [50, 4],
      [35, 3],
      ['A:chat: accepted read 50 − counted 35 ≠ baseline 10'],
    ],
    ['abandonments counted twice', [50, 4], [40, 5], ['A:chat: abandoned read 4 − counted 5 ≠ baseline 1']],
  ] as const)('accounting: %s', (_name, read, counted, problems) => {
    const truth = truthOf({ 5_000: { 'A:chat': { accepted: 50, abandoned: 4 } } });
    const baseline = new Map([['A:chat', { accepted: 10, abandoned: 1 }]]);

    expect(
      accountingProblems(accountingOf(stateWith(5_000, [...read], [...counted])), baseline, truth),
    ).toEqual(problems);
  });

  it('accounting: flags counters the statistics source never served', () => {
    const truth = truthOf({ 5_000: { 'A:chat': { accepted: 49, abandoned: 4 } } });
    const baseline = new Map([['A:chat', { accepted: 10, abandoned: 1 }]]);

    expect(accountingProblems(accountingOf(stateWith(5_000, [50, 4], [40, 3])), baseline, truth)).toEqual([
      'A:chat: read 50/4 but the source served 49/4 at 5000',
    ]);
  });
});
