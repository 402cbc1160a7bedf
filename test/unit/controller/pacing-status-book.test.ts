import {
  PacingStatusBook,
  type PacingObjectRef,
  type PacingStatusBookOptions,
} from '../../../src/controller/index.js';
import type { CycleOutcome, TargetOutcome } from '../../../src/engine/index.js';

interface Submitted {
  ref: PacingObjectRef;
  status: Record<string, unknown>;
  isUrgent: boolean;
  isReoffer?: boolean | undefined;
}

function setUp(options: { isLeader?: boolean; onTransition?: PacingStatusBookOptions['onTransition'] } = {}) {
  let nowMs = Date.parse('2026-11-25T18:00:00.000Z');
  let isLeader = options.isLeader ?? true;
  const submitted: Submitted[] = [];
  const forgotten: string[] = [];
  const events: { reason: string; type: string; note: string; name: string }[] = [];
  const book = new PacingStatusBook({
    writer: {
      submit: (ref, status, isUrgent, isReoffer) => submitted.push({ ref, status, isUrgent, isReoffer }),
      forget: (ref) => forgotten.push(ref.name),
    },
    events: {
      emit: (ref, type, reason, _action, note) => events.push({ reason, type, note, name: ref.name }),
    },
    nowMs: () => nowMs,
    isLeader: () => isLeader,
    identity: 'replica-a',
    onTransition: options.onTransition,
  });
  const cluster: PacingObjectRef = { kind: 'PacingCluster', namespace: 'tenant', name: 'main' };
  const target: PacingObjectRef = { kind: 'PacingTarget', namespace: 'tenant', name: 'chat' };
  book.observe(cluster, 1, undefined, 10_000);
  book.observe(target, 3, undefined, 10_000);
  return {
    book,
    target,
    submitted,
    forgotten,
    events,
    advance: (ms: number) => {
      nowMs += ms;
    },
    setLeader: (value: boolean) => {
      isLeader = value;
    },
  };
}

function aTargetOutcome(overrides: Partial<TargetOutcome> = {}): TargetOutcome {
  return {
    key: 'tenant/chat',
    id: 'Chat:chat',
    invites: 3,
    reason: 'Paced',
    detailReason: 'Paced',
    message: 'ok',
    optimizationGoalPercent: 3,
    figures: { freeSlots: 4, busySlots: 2, waiting: 1, pending: 2, abandonRatio: 0.0123, occupancy: 0.5 },
    ...overrides,
  };
}

function anOutcome(overrides: Partial<CycleOutcome> = {}, target: Partial<TargetOutcome> = {}): CycleOutcome {
  return {
    clusterKey: 'tenant/main',
    cycleId: 1,
    slotStartMs: 0,
    startedAtMs: Date.parse('2026-11-25T18:00:00.000Z'),
    durationMs: 12,
    isPublished: true,
    stats: { isHealthy: true, reason: 'Fetched', message: 'statistics are fresh', ageMs: 100 },
    engagement: { isHealthy: true, reason: 'Exchanged', message: 'cycle 1 published' },
    targets: [aTargetOutcome(target)],
    ...overrides,
  };
}

/** A PacingTarget as the cache holds it once its holder wrote Pacing=True at `lastTransitionTime`. */
function pacingObject(generation: number, lastTransitionTime: string, figures: Record<string, unknown> = {}) {
  const pacing = {
    type: 'Pacing',
    status: 'True' as const,
    reason: 'Pacing',
    message: 'the last cycle granted invitations',
    lastTransitionTime,
  };
  return { metadata: { namespace: 'tenant', generation }, status: { conditions: [pacing], ...figures } };
}

const lastStatusOf = (submitted: Submitted[], name: string) =>
  submitted.filter((s) => s.ref.name === name).at(-1)?.status;

describe('PacingStatusBook', () => {
  it('writes one complete target status with spec conditions, cycle conditions and figures', () => {
    const { book, submitted } = setUp();
    book.setTargetConditions('tenant/chat', [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: 'the spec is valid' },
      { type: 'Ready', status: 'True', reason: 'ClusterReady', message: 'paced' },
    ]);

    book.cycleCompleted(anOutcome());

    const status = lastStatusOf(submitted, 'chat');
    expect(
      (status?.conditions as { type: string; status: string }[]).map((c) => `${c.type}=${c.status}`),
    ).toEqual(['Accepted=True', 'Ready=True', 'Pacing=True']);
    expect(status).toMatchObject({
      observedGeneration: 3,
      invitesPerInterval: 3,
      freeSlots: 4,
      waiting: 1,
      pendingInvitations: 2,
      observedAbandonmentPercent: 1.23,
      occupancyPercent: 50,
    });
  });

  it('keeps the last known figures that a cycle does not know, and takes each figure from its own target', () => {
    const { book, submitted, advance } = setUp();
    book.observe({ kind: 'PacingTarget', namespace: 'tenant', name: 'voice' }, 1, undefined, 10_000);
    book.setTargetConditions('tenant/voice', [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: 'the spec is valid' },
    ]);
    book.cycleCompleted(
      anOutcome({
        targets: [
          aTargetOutcome(),
          aTargetOutcome({
            key: 'tenant/voice',
            id: 'Voice:voice',
            invites: 1,
            figures: { freeSlots: 7, busySlots: 1, waiting: 0, pending: 0 },
          }),
        ],
      }),
    );
    advance(60_000);
    // No figures at all (statistics stale), then figures without the ratios (not known yet).
    book.cycleCompleted(anOutcome({}, { invites: 0, figures: undefined }));
    const afterStale = lastStatusOf(submitted, 'chat');
    advance(60_000);
    book.cycleCompleted(
      anOutcome({}, { invites: 2, figures: { freeSlots: 5, busySlots: 1, waiting: 0, pending: 1 } }),
    );

    expect(afterStale).toMatchObject({
      invitesPerInterval: 0,
      freeSlots: 4,
      observedAbandonmentPercent: 1.23,
    });
    expect(lastStatusOf(submitted, 'chat')).toMatchObject({
      invitesPerInterval: 2,
      freeSlots: 5,
      pendingInvitations: 1,
      observedAbandonmentPercent: 1.23,
      occupancyPercent: 50,
    });
    // The second target of the first cycle got its own figures, none of the first target's ratios.
    const voice = lastStatusOf(submitted, 'voice');
    expect(voice).toMatchObject({ invitesPerInterval: 1, freeSlots: 7, pendingInvitations: 0 });
    expect(voice).not.toHaveProperty('observedAbandonmentPercent');
    expect(voice).not.toHaveProperty('occupancyPercent');
  });

  it('writes changed figures at most once per status update period, but condition flips at once', () => {
    const { book, submitted, advance } = setUp();
    book.cycleCompleted(anOutcome());
    const writesAfterFirst = submitted.filter((s) => s.ref.name === 'chat').length;

    advance(1000);
    book.cycleCompleted(anOutcome({}, { invites: 5 }));
    advance(1000);
    book.cycleCompleted(
      anOutcome({}, { invites: 0, reason: 'Paused', detailReason: 'Paused', message: 'paused' }),
    );
    advance(10_000);
    book.cycleCompleted(
      anOutcome(
        {},
        {
          invites: 0,
          reason: 'Paused',
          detailReason: 'Paused',
          message: 'paused',
          figures: { freeSlots: 9, busySlots: 0, waiting: 0, pending: 0 },
        },
      ),
    );

    const writes = submitted.filter((s) => s.ref.name === 'chat').slice(writesAfterFirst);
    expect(writes.map((w) => [w.isUrgent, w.status.invitesPerInterval])).toEqual([
      [true, 0],
      [false, 0],
    ]);
  });

  it.each([
    [
      'unreachable statistics',
      { stats: { isHealthy: false, reason: 'Unreachable', message: 'HTTP 503' } },
      'StatsSourceReachable',
      'StatsSourceUnreachable',
    ],
    [
      'stale statistics',
      { stats: { isHealthy: false, reason: 'Stale', message: 'old' } },
      'StatsSourceReachable',
      'StatsStale',
    ],
    [
      'a failed exchange',
      { engagement: { isHealthy: false, reason: 'Unreachable', message: 'HTTP 500' } },
      'EngagementReachable',
      'ExchangeFailed',
    ],
    [
      'refused credentials',
      {
        engagement: {
          isHealthy: false,
          reason: 'Unreachable',
          message: 'token',
          errorCode: 'PACING_ERR_ENGAGEMENT_AUTH',
        },
      },
      'EngagementReachable',
      'AuthenticationFailed',
    ],
  ])('reports %s on the cluster with a Warning Event', (_name, overrides, type, reason) => {
    const { book, submitted, events } = setUp();
    book.cycleCompleted(anOutcome());

    book.cycleCompleted(anOutcome(overrides as Partial<CycleOutcome>));

    const conditions = lastStatusOf(submitted, 'main')?.conditions as {
      type: string;
      status: string;
      reason: string;
    }[];
    expect(conditions.find((c) => c.type === type)).toMatchObject({ status: 'False', reason });
    expect(events).toContainEqual(expect.objectContaining({ name: 'main', type: 'Warning', reason }));
  });

  it('announces a recovery with a Normal Event and keeps quiet about a first healthy sight', () => {
    const { book, events } = setUp();
    book.cycleCompleted(anOutcome());
    expect(events).toEqual([]);

    book.cycleCompleted(
      anOutcome({ engagement: { isHealthy: false, reason: 'Unreachable', message: 'down' } }),
    );
    book.cycleCompleted(anOutcome());

    expect(events.map((e) => `${e.type}/${e.reason}`)).toEqual([
      'Warning/ExchangeFailed',
      'Normal/ExchangeSucceeded',
    ]);
  });

  it('keeps lastTransitionTime while the status stays the same', () => {
    const { book, submitted, advance } = setUp();
    book.setClusterConditions('tenant/main', [
      { type: 'Ready', status: 'True', reason: 'WorkerRunning', message: 'a' },
    ]);
    const first = (lastStatusOf(submitted, 'main')?.conditions as { lastTransitionTime: string }[])[0]
      ?.lastTransitionTime;

    advance(60_000);
    book.setClusterConditions('tenant/main', [
      { type: 'Ready', status: 'True', reason: 'WorkerRunning', message: 'b' },
    ]);

    const second = (
      lastStatusOf(submitted, 'main')?.conditions as { lastTransitionTime: string; message: string }[]
    )[0];
    expect(second?.message).toBe('b');
    expect(second?.lastTransitionTime).toBe(first);
  });

  it('writes nothing and emits nothing on a standby, and writes everything once it leads', () => {
    const { book, target, submitted, events, forgotten, setLeader } = setUp({ isLeader: false });
    book.setClusterConditions('tenant/main', [
      { type: 'Ready', status: 'False', reason: 'CredentialsMissing', message: 'x' },
    ]);
    expect(submitted).toEqual([]);
    expect(events).toEqual([]);
    expect(book.knows('PacingTarget', 'tenant/chat')).toBe(false);

    setLeader(true);
    book.rewriteAll(undefined, undefined, [target]);

    expect(submitted.map((s) => s.ref.name).sort()).toEqual(['chat', 'main']);
    // The writer forgets its own last write first, so a status another leader changed meanwhile is rewritten.
    expect(forgotten.sort()).toEqual(['chat', 'main']);
  });

  it('keeps no copy of a target it may not write, and adopts the conditions its object holds when it gains it', () => {
    const { book, submitted, events, setLeader, advance } = setUp({ isLeader: false });
    const atStart = [
      {
        type: 'Pacing',
        status: 'False',
        reason: 'TargetError',
        message: 'old',
        lastTransitionTime: '2026-11-25T17:00:00Z',
      },
    ] as const;
    book.observe({ kind: 'PacingTarget', namespace: 'tenant', name: 'voice' }, 1, atStart, 10_000);
    book.setTargetConditions('tenant/voice', [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: 'the spec is valid' },
    ]);
    // What the holder wrote since: the cache has it when this instance takes over.
    const now = pacingObject(1, '2026-11-25T17:55:00Z', {
      invitesPerInterval: 2,
      freeSlots: 5,
      occupancyPercent: 'not a number',
    });
    expect(book.conditionOf('PacingTarget', 'tenant/voice', 'Pacing')).toBeUndefined();

    setLeader(true);
    advance(1000);
    const voice = { kind: 'PacingTarget', namespace: 'tenant', name: 'voice' } as const;
    book.rewriteAll(undefined, (ref) => (ref.name === 'voice' ? now : undefined), [voice]);

    // What it computed while another replica held the target was not kept: the object's conditions are.
    const rewritten = lastStatusOf(submitted, 'voice');
    expect(rewritten?.conditions).toEqual([
      expect.objectContaining({ type: 'Pacing', status: 'True', lastTransitionTime: '2026-11-25T17:55:00Z' }),
    ]);
    // No figures: the merge patch leaves the holder's on the object until this instance's first cycle.
    for (const figure of ['invitesPerInterval', 'freeSlots', 'occupancyPercent'])
      expect(rewritten).not.toHaveProperty(figure);
    // The reconcile that follows a gain sets the spec conditions again, laid over the adopted ones.
    book.observe(voice, 1, now.status.conditions, 10_000);
    book.setTargetConditions('tenant/voice', [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: 'the spec is valid' },
    ]);
    expect(lastStatusOf(submitted, 'voice')?.conditions).toEqual([
      expect.objectContaining({ type: 'Pacing', status: 'True', lastTransitionTime: '2026-11-25T17:55:00Z' }),
      expect.objectContaining({ type: 'Accepted', status: 'True' }),
    ]);
    // The first cycle agrees with the holder: nothing flips, so nothing is announced.
    book.cycleCompleted(anOutcome({}, { key: 'tenant/voice', id: 'Voice:voice' }));
    expect(book.conditionOf('PacingTarget', 'tenant/voice', 'Pacing')?.lastTransitionTime).toBe(
      '2026-11-25T17:55:00Z',
    );
    expect(events.filter((e) => e.name === 'voice')).toEqual([]);
  });

  it('seeds a target it may write from the conditions its object holds', () => {
    const { book } = setUp();
    const held = [
      {
        type: 'Ready',
        status: 'True',
        reason: 'ClusterReady',
        message: 'x',
        lastTransitionTime: '2026-11-25T17:00:00Z',
      },
    ] as const;
    book.observe({ kind: 'PacingTarget', namespace: 'tenant', name: 'voice' }, 1, held, 10_000);

    expect(book.conditionOf('PacingTarget', 'tenant/voice', 'Ready')?.lastTransitionTime).toBe(
      '2026-11-25T17:00:00Z',
    );
  });

  it('rewrites only the statuses selected (the objects of a shard just gained) when asked to', () => {
    const { book, submitted, forgotten } = setUp();
    submitted.length = 0;

    book.rewriteAll((ref) => ref.kind === 'PacingTarget');

    expect(submitted.map((s) => s.ref.name)).toEqual(['chat']);
    expect(forgotten).toEqual(['chat']);
  });

  it('writes a new generation at once with the next update even when no condition flips', () => {
    const { book, submitted } = setUp();
    book.setTargetConditions(
      'tenant/chat',
      [{ type: 'Ready', status: 'True', reason: 'ClusterReady', message: 'x' }],
      {
        effectiveOptimizationGoal: 3,
      },
    );
    const before = submitted.length;

    book.observe({ kind: 'PacingTarget', namespace: 'tenant', name: 'chat' }, 4, undefined, 10_000);
    book.setTargetConditions(
      'tenant/chat',
      [{ type: 'Ready', status: 'True', reason: 'ClusterReady', message: 'x' }],
      {
        effectiveOptimizationGoal: 7,
      },
    );

    expect(submitted.slice(before)).toEqual([
      expect.objectContaining({
        isUrgent: true,
        status: expect.objectContaining({ observedGeneration: 4, effectiveOptimizationGoal: 7 }),
      }),
    ]);
  });

  it("writes the pending invitations of this cycle's answer, not the ones the decision saw", () => {
    const { book, submitted } = setUp();

    book.cycleCompleted(anOutcome({}, { reportedPending: 7 }));

    expect(lastStatusOf(submitted, 'chat')).toMatchObject({ pendingInvitations: 7 });
  });

  it('writes no status for a target lost to another replica mid-cycle (its shard, or a stale fencing token)', () => {
    const { book, submitted } = setUp();

    book.cycleCompleted(anOutcome({}, { reason: 'LeaseLost', detailReason: 'STALE_FENCE', invites: 0 }));

    expect(submitted.map((s) => s.ref.name)).toEqual(['main']);
  });

  it('ignores outcomes of objects it was never told about, and forgets deleted ones', () => {
    const { book, submitted } = setUp();
    book.forget('PacingTarget', 'tenant/chat');

    book.cycleCompleted(anOutcome());

    expect(submitted.map((s) => s.ref.name)).toEqual(['main']);
  });
});

const pacingOutcomes: Record<string, Partial<TargetOutcome>> = {
  Pacing: { invites: 3, reason: 'Paced', detailReason: 'Paced' },
  NoFreeSlots: { invites: 0, reason: 'Paced', detailReason: 'NoFreeSlots' },
  NoAgentsStaffed: { invites: 0, reason: 'Paced', detailReason: 'NoAgentsStaffed' },
  GoalExceeded: { invites: 0, reason: 'Paced', detailReason: 'GoalExceeded' },
  CapReached: { invites: 0, reason: 'Paced', detailReason: 'CapReached' },
  StatsStale: { invites: 0, reason: 'StatsStale', message: 'old' },
  Paused: { invites: 0, reason: 'Paused', message: 'paused' },
  TargetError: { invites: 0, reason: 'PolicyFailed', message: 'boom' },
};

describe('PacingStatusBook Events and urgency of Pacing flips', () => {
  it.each([
    // from, to, Event emitted, written urgently
    ['Pacing', 'NoFreeSlots', 'none', false],
    ['NoFreeSlots', 'Pacing', 'none', false],
    ['Pacing', 'NoAgentsStaffed', 'none', false],
    ['Pacing', 'GoalExceeded', 'none', false],
    ['GoalExceeded', 'CapReached', 'none', false],
    // Stale statistics for one cycle: urgent only once they last (below).
    ['Pacing', 'StatsStale', 'none', false],
    ['StatsStale', 'Pacing', 'none', false],
    ['Pacing', 'Paused', 'none', true],
    ['Pacing', 'TargetError', 'Warning/TargetError', true],
    ['TargetError', 'NoFreeSlots', 'Warning/NoFreeSlots', true],
    ['TargetError', 'Pacing', 'Normal/Pacing', true],
  ])('a Pacing flip from %s to %s emits %s (urgent write: %s)', (from, to, event, isUrgent) => {
    const { book, submitted, events } = setUp();
    book.cycleCompleted(anOutcome({}, pacingOutcomes[from]));
    events.length = 0;
    const before = submitted.length;

    book.cycleCompleted(anOutcome({}, pacingOutcomes[to]));

    expect(events.map((e) => `${e.type}/${e.reason}`)).toEqual(event === 'none' ? [] : [event]);
    const writes = submitted.slice(before).filter((s) => s.ref.name === 'chat');
    // Every flip reaches the writer (status shows it); only problems jump the queue.
    expect(writes.map((w) => w.isUrgent)).toEqual([isUrgent]);
  });

  it.each([
    ['Accepted', 'False', 'InvalidSpec', 'Warning/InvalidSpec'],
    ['Ready', 'False', 'ClusterNotFound', 'Warning/ClusterNotFound'],
  ])('still announces %s=%s (%s) on a target', (type, status, reason, event) => {
    const { book, events } = setUp();
    book.setTargetConditions('tenant/chat', [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: 'ok' },
      { type: 'Ready', status: 'True', reason: 'ClusterReady', message: 'ok' },
    ]);

    book.setTargetConditions('tenant/chat', [
      { type, status, reason, message: 'bad' } as Parameters<typeof book.setTargetConditions>[1][number],
    ]);

    expect(events.map((e) => `${e.type}/${e.reason}`)).toEqual([event]);
  });

  it('writes stale statistics at once when they last a status update period, and then their end', () => {
    const { book, submitted, advance } = setUp();
    book.cycleCompleted(anOutcome({}, pacingOutcomes['Pacing']));
    const urgentWrites = () => submitted.filter((s) => s.ref.name === 'chat' && s.isUrgent).length;
    const before = urgentWrites();

    book.cycleCompleted(anOutcome({}, pacingOutcomes['StatsStale']));
    advance(5_000);
    book.cycleCompleted(anOutcome({}, pacingOutcomes['StatsStale']));
    expect(urgentWrites()).toBe(before);
    advance(5_000);
    book.cycleCompleted(anOutcome({}, pacingOutcomes['StatsStale']));
    expect(urgentWrites()).toBe(before + 1);
    expect(lastStatusOf(submitted, 'chat')).toMatchObject({
      conditions: expect.arrayContaining([expect.objectContaining({ type: 'Pacing', reason: 'StatsStale' })]),
    });
    advance(5_000);
    book.cycleCompleted(anOutcome({}, pacingOutcomes['StatsStale']));
    expect(urgentWrites()).toBe(before + 1);

    book.cycleCompleted(anOutcome({}, pacingOutcomes['NoFreeSlots']));
    expect(urgentWrites()).toBe(before + 2);
  });

  it('counts a stale spell from its start, not from a False Pacing condition it followed', () => {
    const { book, submitted, advance } = setUp();
    book.cycleCompleted(anOutcome({}, pacingOutcomes['NoFreeSlots']));
    advance(60_000);
    book.cycleCompleted(anOutcome({}, pacingOutcomes['NoFreeSlots']));
    const before = submitted.length;

    book.cycleCompleted(anOutcome({}, pacingOutcomes['StatsStale']));
    advance(5_000);
    book.cycleCompleted(anOutcome({}, pacingOutcomes['NoFreeSlots']));

    const writes = submitted.slice(before).filter((s) => s.ref.name === 'chat');
    expect(writes.map((w) => w.isUrgent)).toEqual([false, false]);
  });

  it('writes the end of stale statistics at once when the object it adopted shows them', () => {
    const { book, target, submitted, setLeader } = setUp({ isLeader: false });
    book.cycleCompleted(anOutcome({}, pacingOutcomes['Pacing']));
    setLeader(true);
    const shown = {
      status: {
        conditions: [
          {
            type: 'Pacing',
            status: 'False',
            reason: 'StatsStale',
            message: 'statistics are 40 s old',
            lastTransitionTime: '2026-11-25T17:59:00Z',
          },
        ],
      },
    };
    book.rewriteAll(undefined, () => shown, [target]);
    const before = submitted.length;

    book.cycleCompleted(anOutcome({}, pacingOutcomes['Pacing']));

    const writes = submitted.slice(before).filter((s) => s.ref.name === 'chat');
    expect(writes.map((w) => w.isUrgent)).toEqual([true]);
  });

  it('tells every transition of an object it writes, announced or not, and none of one it does not', () => {
    const transitions: string[] = [];
    const { book, setLeader } = setUp({
      onTransition: (kind, condition) =>
        transitions.push(`${kind}/${condition.type}/${condition.status}/${condition.reason}`),
    });

    book.cycleCompleted(anOutcome({}, pacingOutcomes['Pacing']));
    book.cycleCompleted(anOutcome({}, pacingOutcomes['Pacing']));
    book.cycleCompleted(anOutcome({}, pacingOutcomes['StatsStale']));
    book.cycleCompleted(anOutcome({}, pacingOutcomes['NoFreeSlots']));
    setLeader(false);
    book.cycleCompleted(anOutcome({}, pacingOutcomes['Pacing']));

    expect(transitions.filter((t) => t.startsWith('PacingTarget/'))).toEqual([
      'PacingTarget/Pacing/True/Pacing',
      'PacingTarget/Pacing/False/StatsStale',
      'PacingTarget/Pacing/False/NoFreeSlots',
    ]);
    expect(transitions.filter((t) => t.startsWith('PacingCluster/')).length).toBeGreaterThan(0);
  });

  it('offers every status again, as a re-offer and without adopting the object, after a Lease taken back', () => {
    const { book, submitted, forgotten } = setUp();
    book.observe({ kind: 'PacingTarget', namespace: 'tenant', name: 'other' }, 3, undefined, 10_000);
    const before = submitted.length;

    book.reofferAll((ref) => ref.name === 'chat');

    expect(
      submitted
        .slice(before)
        .map((s) => ({ name: s.ref.name, isUrgent: s.isUrgent, isReoffer: s.isReoffer })),
    ).toEqual([{ name: 'chat', isUrgent: false, isReoffer: true }]);
    expect(forgotten).toEqual([]);
  });

  it('keeps urgent on a re-offer the changes left unwritten when the Lease lapsed, and only those', () => {
    const { book, submitted, setLeader } = setUp();
    for (const name of ['dropped', 'lapsed', 'quiet']) {
      book.observe({ kind: 'PacingTarget', namespace: 'tenant', name }, 1, undefined, 10_000);
    }
    // The writer dropped this one's queued urgent change when the Lease lapsed.
    book.markUrgentUnwritten({ kind: 'PacingTarget', namespace: 'tenant', name: 'dropped' });
    setLeader(false);
    // This one's spec changed while the Lease was lapsed: nothing could be written.
    book.observe({ kind: 'PacingTarget', namespace: 'tenant', name: 'lapsed' }, 2, undefined, 10_000);
    book.setTargetConditions('tenant/lapsed', [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: 'the spec is valid' },
    ]);
    setLeader(true);
    submitted.length = 0;

    book.reofferAll((ref) => ref.kind === 'PacingTarget' && ref.name !== 'chat');
    book.reofferAll((ref) => ref.kind === 'PacingTarget' && ref.name !== 'chat');

    const offers = submitted.map((s) => `${s.ref.name} urgent=${s.isUrgent} reoffer=${s.isReoffer}`);
    expect(offers.slice(0, 3).sort()).toEqual([
      'dropped urgent=true reoffer=false',
      'lapsed urgent=true reoffer=false',
      'quiet urgent=false reoffer=true',
    ]);
    // Once offered ahead, they are the writer's to write: a second re-offer is routine.
    expect(offers.slice(3).every((o) => o.endsWith('urgent=false reoffer=true'))).toBe(true);
  });

  it('keeps nothing of a target another replica writes: no conditions, no figures, nothing written', () => {
    const { book, submitted, events } = setUp({ isLeader: false });
    expect(book.knows('PacingTarget', 'tenant/chat')).toBe(false);
    book.setTargetConditions('tenant/chat', [
      { type: 'Accepted', status: 'False', reason: 'InvalidSpec', message: 'bad' },
    ]);
    book.cycleCompleted(anOutcome());

    expect(book.conditionOf('PacingTarget', 'tenant/chat', 'Accepted')).toBeUndefined();
    expect(book.conditionOf('PacingTarget', 'tenant/chat', 'Pacing')).toBeUndefined();
    expect(submitted.filter((s) => s.ref.name === 'chat')).toEqual([]);
    expect(events).toEqual([]);
  });

  it('leaves a target first seen while the Lease lapsed to its reconcile when the Lease is taken back', () => {
    const { book, submitted, setLeader } = setUp();
    setLeader(false);
    const late = { kind: 'PacingTarget', namespace: 'tenant', name: 'late' } as const;
    const shown = [
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Valid',
        message: 'the spec is valid',
        lastTransitionTime: '2026-11-25T17:30:00Z',
      },
    ] as const;
    book.observe(late, 1, shown, 10_000);
    setLeader(true);
    submitted.length = 0;

    book.reofferAll((ref) => ref.kind === 'PacingTarget');

    expect(book.knows('PacingTarget', 'tenant/late')).toBe(false);
    expect(submitted.map((s) => s.ref.name)).toEqual(['chat']);
    // Its reconcile: registered from what its object holds, then written as a first sight is.
    book.observe(late, 1, shown, 10_000);
    book.setTargetConditions('tenant/late', [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: 'the spec is valid' },
      { type: 'Ready', status: 'True', reason: 'ClusterReady', message: 'paced' },
    ]);
    const written = submitted.filter((s) => s.ref.name === 'late');
    expect(written.map((s) => s.isUrgent)).toEqual([true]);
    expect(written[0]?.status['conditions']).toEqual([
      expect.objectContaining({ type: 'Accepted', lastTransitionTime: '2026-11-25T17:30:00Z' }),
      expect.objectContaining({ type: 'Ready', status: 'True' }),
    ]);
  });

  it('releases the targets of a shard handed back, and starts them from their objects if it gains them again', () => {
    const { book, target, submitted, setLeader } = setUp();
    book.cycleCompleted(anOutcome());

    expect(book.release((ref) => ref.name === 'chat')).toBe(1);
    expect(book.knows('PacingTarget', 'tenant/chat')).toBe(false);
    expect(book.knows('PacingCluster', 'tenant/main')).toBe(true);
    setLeader(false);
    const before = submitted.length;
    book.cycleCompleted(anOutcome({}, pacingOutcomes['NoFreeSlots']));
    expect(submitted.slice(before).filter((s) => s.ref.name === 'chat')).toEqual([]);

    setLeader(true);
    book.rewriteAll(undefined, () => pacingObject(3, '2026-11-25T17:59:30Z'), [target]);
    expect(lastStatusOf(submitted, 'chat')).toMatchObject({
      observedGeneration: 3,
      conditions: [expect.objectContaining({ type: 'Pacing', lastTransitionTime: '2026-11-25T17:59:30Z' })],
    });
  });

  it("reads a gained target's object once, and a known one's once, when it takes them over", () => {
    const { book, submitted } = setUp({ isLeader: true });
    const known = { kind: 'PacingTarget', namespace: 'tenant', name: 'known' } as const;
    const gained = { kind: 'PacingTarget', namespace: 'tenant', name: 'gained' } as const;
    book.observe(known, 1, undefined, 10_000);
    expect(book.knows('PacingTarget', 'tenant/known')).toBe(true);
    const reads = new Map<string, number>();

    book.rewriteAll(
      undefined,
      (ref) => {
        reads.set(ref.name, (reads.get(ref.name) ?? 0) + 1);
        return pacingObject(2, '2026-11-25T17:59:30Z');
      },
      [gained],
    );

    expect(Object.fromEntries(reads)).toEqual({ chat: 1, known: 1, gained: 1 });
    for (const name of ['known', 'gained']) {
      expect(lastStatusOf(submitted, name)?.conditions).toEqual([
        expect.objectContaining({ type: 'Pacing', lastTransitionTime: '2026-11-25T17:59:30Z' }),
      ]);
    }
    expect(lastStatusOf(submitted, 'gained')).toMatchObject({ observedGeneration: 2 });
  });

  it('rewrites a target gained from another holder without urgency, whatever it was told while standing by', () => {
    const { book, submitted, setLeader } = setUp({ isLeader: false });
    const created = { kind: 'PacingTarget', namespace: 'tenant', name: 'new' } as const;
    book.observe(created, 1, undefined, 10_000);
    book.setTargetConditions('tenant/new', [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: 'the spec is valid' },
    ]);
    setLeader(true);

    book.rewriteAll(undefined, undefined, [created]);

    expect(submitted.filter((s) => s.ref.name === 'new').map((s) => s.isUrgent)).toEqual([false]);
  });

  it('rewrites statuses on a regained lease without marking them urgent', () => {
    const { book, submitted } = setUp();
    submitted.length = 0;

    book.rewriteAll();

    expect(submitted.map((s) => [s.ref.name, s.isUrgent]).sort()).toEqual([
      ['chat', false],
      ['main', false],
    ]);
  });
});

describe('PacingStatusBook with sharded leases', () => {
  it('writes each status only where the instance holds its object (per-object isLeader) and lists shard holders', () => {
    const submitted: Submitted[] = [];
    const book = new PacingStatusBook({
      writer: { submit: (ref, status, isUrgent) => submitted.push({ ref, status, isUrgent }) },
      events: { emit: () => undefined },
      nowMs: () => Date.parse('2026-11-25T18:00:00.000Z'),
      // This replica holds the shard of tenant/chat but not shard 0 (the cluster's status).
      isLeader: (ref) => ref.kind === 'PacingTarget' && ref.name === 'chat',
      identity: 'replica-b',
      clusterFields: () => ({
        shards: [
          { shard: 0, holder: 'replica-a' },
          { shard: 1, holder: 'replica-b' },
        ],
      }),
    });
    const cluster: PacingObjectRef = { kind: 'PacingCluster', namespace: 'tenant', name: 'main' };
    book.observe(cluster, 1, undefined, 10_000);
    book.observe({ kind: 'PacingTarget', namespace: 'tenant', name: 'chat' }, 1, undefined, 10_000);
    book.observe({ kind: 'PacingTarget', namespace: 'tenant', name: 'voice' }, 1, undefined, 10_000);

    book.cycleCompleted(
      anOutcome({
        clusterTargetCount: 2,
        targets: [aTargetOutcome(), aTargetOutcome({ key: 'tenant/voice', id: 'Voice:voice' })],
      }),
    );
    const writtenWhileNotShardZero = submitted.map((s) => s.ref.name);
    book.rewriteAll();

    expect(writtenWhileNotShardZero).toEqual(['chat']);
    expect(submitted.map((s) => s.ref.name)).toEqual(['chat', 'chat']);
    expect(book.conditionOf('PacingCluster', 'tenant/main', 'StatsSourceReachable')?.status).toBe('True');
  });

  it('puts the shard holders and the count of every shard’s targets into the cluster status', () => {
    const submitted: Submitted[] = [];
    const shards = [
      { shard: 0, holder: 'replica-a' },
      { shard: 1, holder: 'replica-b' },
    ];
    const book = new PacingStatusBook({
      writer: { submit: (ref, status, isUrgent) => submitted.push({ ref, status, isUrgent }) },
      events: { emit: () => undefined },
      nowMs: () => Date.parse('2026-11-25T18:00:00.000Z'),
      isLeader: () => true,
      identity: 'replica-a',
      clusterFields: () => ({ shards }),
    });
    book.observe({ kind: 'PacingCluster', namespace: 'tenant', name: 'main' }, 1, undefined, 10_000);

    book.cycleCompleted(anOutcome({ clusterTargetCount: 7, targets: [] }));

    expect(lastStatusOf(submitted, 'main')).toMatchObject({
      shards,
      targetCount: 7,
      leaderIdentity: 'replica-a',
    });
  });
});
