import fc from 'fast-check';
import { z } from 'zod';
import {
  EngagementWireAnswerSchema,
  SnapshotAgentSchema,
  SnapshotVirtualQueueSchema,
  StatsSnapshotSchema,
} from '../../../../src/api/protocol/index.js';

// The plain zod schemas the fast checks stand in for; the fast path must accept exactly what these accept.
const count = z.int().min(0);
const ReferenceSnapshot = z.object({
  snapshotTime: z.iso.datetime({ offset: true }),
  agents: z.array(SnapshotAgentSchema),
  virtualQueues: z.array(SnapshotVirtualQueueSchema),
});
const ReferenceAnswer = z.object({
  v: z.literal(1),
  cycle: count,
  targets: z.array(z.tuple([z.string().min(1), count, count, count, count, count])),
  errors: z.array(z.tuple([z.string().min(1), z.string().min(1), z.string()])).optional(),
});

// Values that are sometimes right and often wrong in small ways, so both paths get exercised.
const anyScalar = fc.oneof(
  fc.constantFrom('ready', 'busy', 'not-ready', '', 'x', -1, 0, 1, 2.5, 1e20, null, true),
  fc.integer({ min: -3, max: 1_000 }),
);
const maybe = <T>(right: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: anyScalar });
const mediaState = maybe(
  fc.record({
    state: maybe(fc.constantFrom('ready', 'busy', 'not-ready')),
    capacity: maybe(fc.nat(5)),
    load: maybe(fc.nat(5)),
  }),
);
const agent = maybe(
  fc.record({
    id: maybe(fc.string({ minLength: 1, maxLength: 4 })),
    groups: maybe(fc.array(maybe(fc.string({ minLength: 1, maxLength: 4 })), { maxLength: 3 })),
    skills: maybe(
      fc.dictionary(fc.string({ maxLength: 3 }), maybe(fc.double({ noNaN: true, noDefaultInfinity: true })), {
        maxKeys: 3,
      }),
    ),
    media: maybe(fc.dictionary(fc.constantFrom('chat', 'voice', 'email'), mediaState, { maxKeys: 3 })),
  }),
);
const queue = maybe(
  fc.record(
    {
      name: maybe(fc.string({ minLength: 1, maxLength: 4 })),
      media: maybe(fc.constantFrom('chat', 'voice')),
      waiting: maybe(fc.nat(9)),
      waitingAgesSeconds: maybe(
        fc.array(maybe(fc.double({ min: 0, max: 100, noNaN: true })), { maxLength: 3 }),
      ),
      acceptedTotal: maybe(fc.nat()),
      abandonedTotal: maybe(fc.nat()),
      answeredTotal: maybe(fc.nat()),
      handleSecondsTotal: maybe(fc.double({ min: 0, max: 1e6, noNaN: true })),
    },
    {
      requiredKeys: [
        'name',
        'media',
        'waiting',
        'acceptedTotal',
        'abandonedTotal',
        'answeredTotal',
        'handleSecondsTotal',
      ],
    },
  ),
);
const answerTuple = maybe(
  fc.tuple(
    maybe(fc.string({ minLength: 1, maxLength: 4 })),
    maybe(fc.nat()),
    maybe(fc.nat()),
    maybe(fc.nat()),
    maybe(fc.nat()),
    maybe(fc.nat()),
  ),
);

describe('the fast-checked wire schemas', () => {
  it('accept exactly the snapshots the plain zod schemas accept', () => {
    fc.assert(
      fc.property(
        fc.array(agent, { maxLength: 3 }),
        fc.array(queue, { maxLength: 2 }),
        (agents, virtualQueues) => {
          const snapshot = { snapshotTime: '2026-11-25T18:00:00Z', agents, virtualQueues };
          expect(StatsSnapshotSchema.safeParse(snapshot).success).toBe(
            ReferenceSnapshot.safeParse(snapshot).success,
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('accept exactly the answers the plain zod schemas accept', () => {
    fc.assert(
      fc.property(fc.array(answerTuple, { maxLength: 3 }), (targets) => {
        const answer = { v: 1, cycle: 3, targets };
        expect(EngagementWireAnswerSchema.safeParse(answer).success).toBe(
          ReferenceAnswer.safeParse(answer).success,
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    [
      'a skill level that is not a number',
      { skills: { Spanish: 'six' } },
      ['agents', 0, 'skills', 'Spanish'],
    ],
    [
      'an unknown media state',
      { media: { chat: { state: 'away', capacity: 1, load: 0 } } },
      ['agents', 0, 'media', 'chat', 'state'],
    ],
    [
      'a negative load',
      { media: { chat: { state: 'ready', capacity: 1, load: -1 } } },
      ['agents', 0, 'media', 'chat', 'load'],
    ],
    ['an empty group name', { groups: [''] }, ['agents', 0, 'groups', 0]],
  ])('names the exact path of %s', (_name, change, path) => {
    const snapshot = {
      snapshotTime: '2026-11-25T18:00:00Z',
      agents: [{ id: 'a', groups: ['G'], skills: {}, media: {}, ...change }],
      virtualQueues: [],
    };
    const result = StatsSnapshotSchema.safeParse(snapshot);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([path]);
  });
});
