import fc from 'fast-check';
import {
  QueueTableSchema,
  SnapshotTableEncoder,
  StatsSnapshotSchema,
  StatsSnapshotTableV2Schema,
  decodeSnapshotTableV2,
  encodeQueueTable,
  type QueueTable,
  type SnapshotVirtualQueue,
  type StatsSnapshot,
} from '../../../../src/api/protocol/index.js';
import { EXAMPLE_SNAPSHOT } from '../../../support/io/example-snapshot.js';

const count = fc.oneof(fc.nat(5), fc.constant(Number.MAX_SAFE_INTEGER));
const queue: fc.Arbitrary<SnapshotVirtualQueue> = fc
  .record({
    name: fc.constantFrom('Proactive Chat', 'Sales', 'a', '"quoted"', 'constructor', '__proto__'),
    media: fc.constantFrom('chat', 'voice', 'email', '__proto__'),
    waiting: count,
    acceptedTotal: count,
    abandonedTotal: count,
    answeredTotal: count,
    handleSecondsTotal: fc.oneof(fc.constant(0), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true })),
    waitingAgesSeconds: fc.option(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 4 }), {
      nil: undefined,
    }),
  })
  .map(({ waitingAgesSeconds, ...rest }) =>
    waitingAgesSeconds === undefined ? rest : { ...rest, waitingAgesSeconds },
  );
const snapshot: fc.Arbitrary<StatsSnapshot> = fc.record({
  snapshotTime: fc.constant('2026-11-26T23:00:00.000Z'),
  agents: fc.constant([
    {
      id: 'a-1',
      groups: ['Sales'],
      skills: { Spanish: 6 },
      media: { chat: { state: 'ready' as const, capacity: 2, load: 1 } },
    },
  ]),
  virtualQueues: fc.array(queue, { maxLength: 12 }),
});

/** What a client does with the version 2 table a source sent: JSON text, then the schema, then the decoder. */
function overTheWire(input: StatsSnapshot): StatsSnapshot {
  const text = JSON.stringify(new SnapshotTableEncoder().encodeV2(input));
  return decodeSnapshotTableV2(StatsSnapshotTableV2Schema.parse(JSON.parse(text)));
}

/** A valid queue table of two queues, one with ages and one without. */
function validTable(): QueueTable {
  return encodeQueueTable([
    EXAMPLE_SNAPSHOT.virtualQueues[0]!,
    {
      name: 'Sales',
      media: 'voice',
      waiting: 0,
      acceptedTotal: 80,
      abandonedTotal: 2,
      answeredTotal: 77,
      handleSecondsTotal: 21000,
    },
  ]);
}

describe('the virtual queues as columns (table form, version 2)', () => {
  it('decodes to exactly the queues it encodes, ages given or not (JSON, schema and decoder between)', () => {
    fc.assert(
      fc.property(snapshot, (input) => {
        const decoded = overTheWire(input);
        expect(decoded).toStrictEqual(StatsSnapshotSchema.parse(JSON.parse(JSON.stringify(input))));
        // A queue without ages stays without the key, not with an undefined or empty list.
        expect(decoded.virtualQueues.map((q) => Object.hasOwn(q, 'waitingAgesSeconds'))).toEqual(
          input.virtualQueues.map((q) => q.waitingAgesSeconds !== undefined),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('lists each media name once and the ages of every queue one after the other', () => {
    const table = validTable();
    expect(table.mediaNames).toEqual(['chat', 'voice']);
    expect(table.media).toEqual([0, 1]);
    expect(table.waitingAgeCount).toEqual([3, -1]);
    expect(table.waitingAgesSeconds).toEqual([12.5, 3.1, 0.4]);
  });

  const refusals: [string, (t: Record<string, unknown[]>) => void, string][] = [
    ['a column shorter than names', (t) => t.waiting!.pop(), 'waiting: has 1 rows, names has 2'],
    ['a media index past mediaNames', (t) => (t.media![1] = 2), 'media.1: index 2 is outside the 2 entries'],
    ['ages that do not add up', (t) => t.waitingAgesSeconds!.push(1), 'waitingAgesSeconds: has 4 ages'],
    ['an age count below -1', (t) => (t.waitingAgeCount![1] = -2), 'waitingAgeCount'],
    ['a negative age', (t) => (t.waitingAgesSeconds![0] = -1), 'waitingAgesSeconds'],
    ['a fractional counter', (t) => (t.acceptedTotal![0] = 1.5), 'acceptedTotal'],
    ['an empty queue name', (t) => (t.names![0] = ''), 'names'],
    ['a negative handle time', (t) => (t.handleSecondsTotal![0] = -1), 'handleSecondsTotal'],
  ];

  it.each(refusals)('refuses %s, naming the field', (_name, spoil, message) => {
    const table = validTable() as unknown as Record<string, unknown[]>;
    spoil(table);
    const result = QueueTableSchema.safeParse(table);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues.some((issue) => issue.startsWith(message))).toBe(true);
  });

  it('accepts the valid table the refusals start from', () => {
    expect(QueueTableSchema.safeParse(validTable()).success).toBe(true);
  });
});
