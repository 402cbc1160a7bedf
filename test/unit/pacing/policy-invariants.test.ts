import fc from 'fast-check';
import { decideAll, policyNames, type Observation } from '../../../src/pacing/index.js';
import { anObservation } from './observation-fixture.js';

/** Any observation the builder could produce, including the awkward ones (fractional shares, resets, staleness). */
const observationArbitrary: fc.Arbitrary<Observation> = fc
  .record({
    freeSlots: fc.double({ min: 0, max: 200, noNaN: true }),
    busySlots: fc.double({ min: 0, max: 200, noNaN: true }),
    extraStaffed: fc.double({ min: 0, max: 50, noNaN: true }),
    waiting: fc.nat(50),
    pending: fc.nat(400),
    isPaused: fc.boolean(),
    isStale: fc.boolean(),
    cap: fc.option(fc.nat(30), { nil: undefined }),
    goalRatio: fc.double({ min: 0, max: 0.2, noNaN: true }),
    sent: fc.nat(50),
    inviteAccepted: fc.nat(20),
    declined: fc.nat(30),
    expired: fc.nat(10),
    abandoned: fc.nat(5),
    queueAccepted: fc.nat(20),
    answered: fc.nat(20),
    handleSeconds: fc.double({ min: 0, max: 20_000, noNaN: true }),
    statsSeconds: fc.double({ min: 0, max: 30, noNaN: true }),
    intervalMs: fc.integer({ min: 100, max: 30_000 }),
    isUnstaffed: fc.boolean(),
  })
  .map((r) =>
    anObservation({
      freeSlots: r.isUnstaffed ? 0 : r.freeSlots,
      busySlots: r.isUnstaffed ? 0 : r.busySlots,
      staffedSlots: r.isUnstaffed ? 0 : r.freeSlots + r.busySlots + r.extraStaffed,
      waiting: r.waiting,
      pending: r.pending,
      isPaused: r.isPaused,
      isStale: r.isStale,
      statsAgeMs: r.isStale ? 60_000 : 500,
      maxInvitesPerInterval: r.cap,
      goalRatio: r.goalRatio,
      intervalMs: r.intervalMs,
      deltas: {
        sent: r.sent,
        inviteAccepted: r.inviteAccepted,
        declined: r.declined,
        expired: r.expired,
        queueAccepted: r.queueAccepted,
        abandoned: r.abandoned,
        answered: r.answered,
        handleSeconds: r.handleSeconds,
        statsSeconds: r.statsSeconds,
      },
    }),
  );

/** A short history, so that learned state is not only the cold-start state. */
const historyArbitrary = fc.array(observationArbitrary, { minLength: 1, maxLength: 12 });

/** Runs a history through decideAll, carrying the state the way the engine does. */
function run(policy: string, history: readonly Observation[], explain = true) {
  let states: Readonly<Record<string, unknown>> = {};
  const invites: number[] = [];
  const messages: string[] = [];
  history.forEach((obs, i) => {
    const step = { ...obs, nowMs: obs.nowMs + i * obs.intervalMs };
    const result = decideAll(policy, [step], states, { explain });
    invites.push(result.decisions[0]!.invites);
    messages.push(result.decisions[0]!.message);
    states = result.states;
  });
  return { invites, states, messages };
}

describe.each(policyNames)('policy %s', (policy) => {
  it('decides the same without building explanations, and still says something', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const explained = run(policy, history);
        const plain = run(policy, history, false);
        expect(plain.invites).toEqual(explained.invites);
        expect(plain.states).toEqual(explained.states);
        for (const message of plain.messages) expect(message.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('never answers a negative or fractional number of invitations', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        for (const invites of run(policy, history).invites) {
          expect(Number.isInteger(invites)).toBe(true);
          expect(invites).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('sends nothing when paused, when no slot is staffed or when statistics are stale', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const { invites } = run(policy, history);
        history.forEach((obs, i) => {
          if (obs.isPaused || obs.isStale || obs.staffedSlots <= 0) expect(invites[i]).toBe(0);
        });
      }),
    );
  });

  it('never sends more than maxInvitesPerInterval', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const { invites } = run(policy, history);
        history.forEach((obs, i) => {
          if (obs.maxInvitesPerInterval !== undefined) {
            expect(invites[i]).toBeLessThanOrEqual(obs.maxInvitesPerInterval);
          }
        });
      }),
    );
  });

  it('decides the same for the same inputs and state', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        expect(run(policy, history)).toEqual(run(policy, history));
      }),
    );
  });

  it('keeps learned state that survives a JSON round trip and decides the same from it', () => {
    fc.assert(
      fc.property(historyArbitrary, observationArbitrary, (history, next) => {
        const { states } = run(policy, history);
        const restored = JSON.parse(JSON.stringify(states)) as Record<string, unknown>;
        expect(restored).toEqual(states);
        expect(decideAll(policy, [next], restored)).toEqual(decideAll(policy, [next], states));
      }),
    );
  });

  it('reads back exactly the state of a first, empty interval (shrunk counter-example: −0 in the delay prior)', () => {
    const quiet = anObservation({ freeSlots: 0, busySlots: 0, staffedSlots: 0, pending: 0, goalRatio: 0 });
    const { states } = decideAll(
      policy,
      [{ ...quiet, deltas: { ...quiet.deltas, sent: 0, inviteAccepted: 0 } }],
      {},
    );
    expect(JSON.parse(JSON.stringify(states))).toEqual(states);
  });

  it('keeps a finite state through a subnormal statistics interval (shrunk counter-example: 0 × ∞ gain)', () => {
    // One accepted interaction over 5e-324 s of statistics made the accepted rate infinite; with a 0 % goal the
    // adaptive gains became NaN, the state held logCalibration: NaN, JSON wrote null and the target cold-started.
    const tiny = anObservation({
      intervalMs: 100,
      goalRatio: 0,
      freeSlots: 0,
      busySlots: 0,
      staffedSlots: 5e-324,
      pending: 0,
    });
    const first = {
      ...tiny,
      deltas: { ...tiny.deltas, sent: 0, inviteAccepted: 0, queueAccepted: 1, statsSeconds: 5e-324 },
    };
    const { states } = decideAll(policy, [first], {});
    const restored = JSON.parse(JSON.stringify(states)) as Record<string, unknown>;
    expect(restored).toEqual(states);
    const next = anObservation({
      intervalMs: 100,
      goalRatio: 0,
      freeSlots: 0,
      busySlots: 0,
      staffedSlots: 0,
    });
    expect(decideAll(policy, [next], restored)).toEqual(decideAll(policy, [next], states));
  });

  it('cold-starts from state it cannot read instead of failing', () => {
    const garbage = {
      'Proactive Chat:chat': { version: 1, estimators: { acceptance: 'no' }, policyState: [1] },
    };
    const result = decideAll(policy, [anObservation()], garbage);
    expect(result.decisions[0]!.invites).toBeGreaterThanOrEqual(0);
    expect(result.states['Proactive Chat:chat']!.policy).toBe(policy);
  });
});

describe('the guard chain', () => {
  it.each([
    ['a paused target', { isPaused: true, isStale: true, staffedSlots: 0 }, 'Paused'],
    ['stale statistics', { isStale: true, staffedSlots: 0 }, 'StatsStale'],
    ['nothing staffed', { staffedSlots: 0, freeSlots: 0, busySlots: 0 }, 'NothingStaffed'],
  ] as const)(
    'names %s as the reason, checking paused, then staleness, then staffing',
    (_name, overrides, reason) => {
      const decision = decideAll('progressive', [anObservation(overrides)], {}).decisions[0]!;
      expect(decision.reason).toBe(reason);
      expect(decision.invites).toBe(0);
    },
  );

  it('reports Capped when the cap cut the invitations', () => {
    const decision = decideAll(
      'progressive',
      [anObservation({ freeSlots: 9, pending: 0, maxInvitesPerInterval: 2 })],
      {},
    ).decisions[0]!;
    expect(decision).toMatchObject({ invites: 2, reason: 'Capped' });
  });

  it('rejects an unknown policy name with a stable code', () => {
    expect(() => decideAll('clairvoyant', [anObservation()], {})).toThrow(
      expect.objectContaining({ code: 'PACING_ERR_UNKNOWN_POLICY' }),
    );
  });
});
