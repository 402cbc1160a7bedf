import fc from 'fast-check';
import {
  EngagementWireAnswerSchema,
  EngagementWireRequestSchema,
  decodeEngagementAnswer,
  decodeEngagementRequest,
  encodeEngagementAnswer,
  encodeEngagementRequest,
  type EngagementRequest,
} from '../../../../src/api/protocol/index.js';

const aRequest = (targets: EngagementRequest['targets']): EngagementRequest => ({
  clusterId: 'tenant-a/main',
  cycleId: 12,
  intervalMs: 10_000,
  publisher: 'operator-0',
  targets,
});

const target = fc.record({
  id: fc.string({ minLength: 1, maxLength: 8 }),
  invites: fc.nat(50),
  groups: fc.array(fc.constantFrom('A', 'B', 'Spanish Sales', 'Proactive Chat'), { maxLength: 3 }),
});

describe('the compact engagement wire encoding', () => {
  it('decodes every chunk back to the logical request, in order, for any chunk size', () => {
    fc.assert(
      fc.property(fc.array(target, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (targets, max) => {
        const chunks = encodeEngagementRequest(aRequest(targets), max);
        for (const chunk of chunks) expect(EngagementWireRequestSchema.safeParse(chunk).success).toBe(true);
        const decoded = chunks.map((c) => decodeEngagementRequest(c)!);
        expect(decoded.flatMap((d) => d.targets)).toEqual(targets);
        expect(chunks.map((c) => c.part)).toEqual(chunks.map((_, i) => [i, chunks.length]));
        expect(chunks.every((c) => c.targets.length <= max)).toBe(true);
      }),
    );
  });

  it('puts targets of different fencing tokens into different chunks, grouped in order of first appearance', () => {
    const fenced = fc.record({
      id: fc.string({ minLength: 1, maxLength: 8 }),
      invites: fc.nat(50),
      groups: fc.array(fc.constantFrom('A', 'B'), { maxLength: 2 }),
      fence: fc.option(fc.constantFrom('7', '42', '1000'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(fenced, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (raw, max) => {
        // An absent fence is left out of the object, as the engine builds it.
        const targets: EngagementRequest['targets'] = raw.map(({ fence, ...t }) =>
          fence === undefined ? t : { ...t, fence },
        );
        const chunks = encodeEngagementRequest(aRequest(targets), max);
        for (const chunk of chunks) expect(EngagementWireRequestSchema.safeParse(chunk).success).toBe(true);
        const decoded = chunks.map((c) => decodeEngagementRequest(c)!);
        const order = [...new Set(targets.map((t) => t.fence))];
        const grouped = order.flatMap((fence) => targets.filter((t) => t.fence === fence));
        expect(decoded.flatMap((d) => d.targets)).toEqual(grouped);
        expect(chunks.map((c) => c.part)).toEqual(chunks.map((_, i) => [i, chunks.length]));
        expect(chunks.every((c) => c.targets.length <= max)).toBe(true);
        // One token per chunk, and every target of the chunk was published under it.
        for (const d of decoded) expect(new Set(d.targets.map((t) => t.fence)).size).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('sends each group name once per chunk and refers to it by index', () => {
    const [chunk] = encodeEngagementRequest(
      aRequest([
        { id: 'Q1:chat', invites: 1, groups: ['Spanish Sales', 'Proactive Chat'] },
        { id: 'Q2:chat', invites: 2, groups: ['Proactive Chat'] },
      ]),
      10,
    );
    expect(chunk).toMatchObject({
      groups: ['Spanish Sales', 'Proactive Chat'],
      targets: [
        ['Q1:chat', 1, [0, 1]],
        ['Q2:chat', 2, [1]],
      ],
    });
  });

  it('still sends one chunk for a cycle without targets, so the platform sees who published', () => {
    expect(encodeEngagementRequest(aRequest([]), 100)).toEqual([
      expect.objectContaining({ part: [0, 1], targets: [] }),
    ]);
  });

  it('refuses a chunk whose group index points outside its group table', () => {
    const [chunk] = encodeEngagementRequest(aRequest([{ id: 'Q:chat', invites: 1, groups: ['A'] }]), 10);
    expect(decodeEngagementRequest({ ...chunk!, targets: [['Q:chat', 1, [3]]] })).toBeUndefined();
  });

  it.each([0, -1, 1.5])('refuses a target count per request of %s', (max) => {
    expect(() => encodeEngagementRequest(aRequest([]), max)).toThrow(RangeError);
  });

  it('round-trips an answer with counters, errors on reported targets and errors without counters', () => {
    const wire = encodeEngagementAnswer(
      {
        cycleId: 12,
        targets: [
          { id: 'Q1:chat', pending: 2, sentTotal: 10, acceptedTotal: 5, declinedTotal: 2, expiredTotal: 1 },
          {
            id: 'Q2:chat',
            pending: 0,
            sentTotal: 3,
            acceptedTotal: 1,
            declinedTotal: 0,
            expiredTotal: 2,
            error: { code: 'THROTTLED', message: 'closed' },
          },
        ],
      },
      [['Q3:voice', 'UNKNOWN_TARGET', 'no such queue']],
    );
    expect(EngagementWireAnswerSchema.safeParse(wire).success).toBe(true);
    expect(decodeEngagementAnswer(wire)).toEqual({
      cycleId: 12,
      reports: [
        { id: 'Q1:chat', pending: 2, sentTotal: 10, acceptedTotal: 5, declinedTotal: 2, expiredTotal: 1 },
        {
          id: 'Q2:chat',
          pending: 0,
          sentTotal: 3,
          acceptedTotal: 1,
          declinedTotal: 0,
          expiredTotal: 2,
          error: { code: 'THROTTLED', message: 'closed' },
        },
      ],
      errorsWithoutReport: [{ id: 'Q3:voice', code: 'UNKNOWN_TARGET', message: 'no such queue' }],
    });
  });

  it('omits the errors list from an answer without errors', () => {
    expect(encodeEngagementAnswer({ cycleId: 1, targets: [] })).toEqual({ v: 1, cycle: 1, targets: [] });
  });
});
