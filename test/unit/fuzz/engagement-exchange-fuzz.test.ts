import fc from 'fast-check';
import {
  decodeEngagementAnswer,
  decodeEngagementRequest,
  encodeEngagementAnswer,
  encodeEngagementRequest,
  EngagementRequestSchema,
  EngagementWireAnswerSchema,
  EngagementWireRequestSchema,
  type EngagementAnswer,
  type EngagementRequest,
} from '../../../src/api/protocol/index.js';
import { parseRetryAfterMs } from '../../../src/engagement/index.js';
import { checkFuzzProperty } from '../../support/fuzz-property.js';
import { fuzzRuns, fuzzTimeoutMs } from '../../support/fuzz-runs.js';
import { documentNear, hasStandardPrototypes, isPrototypePolluted } from '../../support/json-mutation.js';

// Fuzzing of the engagement exchange: the compact wire schemas, the codec both ways, and the Retry-After header
// parser, all of which read what the engagement platform (or a proxy in front of it) sends. Friendly round trips
// are in test/unit/api/protocol/engagement-wire-codec.test.ts; here names are hostile and counters huge.

const family = 'engagement-exchange';
const timeout = fuzzTimeoutMs(fuzzRuns);

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

const hostileName = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'Proactive Chat:chat',
    '\u0000',
    '\ud800',
  ),
);
const count = fc.oneof(fc.nat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 32));

const validWireAnswer = {
  v: 1,
  cycle: 42,
  targets: [
    ['Proactive Chat:chat', 3, 120, 80, 30, 7],
    ['Proactive Voice:voice', 0, 10, 9, 1, 0],
  ],
  errors: [
    ['Proactive Voice:voice', 'GROUP_UNKNOWN', 'no such group'],
    ['Gone:chat', 'UNKNOWN_TARGET', ''],
  ],
};
const validWireRequest = encodeEngagementRequest(
  {
    clusterId: 'default/tenant',
    cycleId: 7,
    intervalMs: 5000,
    publisher: 'operator-0',
    targets: [
      { id: 'Proactive Chat:chat', invites: 4, groups: ['Chat Agents', 'Spanish'], fence: '184467' },
      { id: 'Proactive Voice:voice', invites: 0, groups: ['Spanish'], fence: '184467' },
    ],
  },
  10,
)[0]!;

const answerWithUniqueIds: fc.Arbitrary<EngagementAnswer> = fc.record({
  cycleId: count,
  targets: fc.uniqueArray(
    fc.record(
      {
        id: hostileName,
        pending: count,
        sentTotal: count,
        acceptedTotal: count,
        declinedTotal: count,
        expiredTotal: count,
        error: fc.record({ code: hostileName, message: fc.string({ unit: 'grapheme', maxLength: 20 }) }),
      },
      { requiredKeys: ['id', 'pending', 'sentTotal', 'acceptedTotal', 'declinedTotal', 'expiredTotal'] },
    ),
    { selector: (t) => t.id, maxLength: 8 },
  ),
});

const requestWithHostileNames: fc.Arbitrary<EngagementRequest> = fc.record({
  clusterId: hostileName,
  cycleId: count,
  intervalMs: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  publisher: hostileName,
  // One fencing token for the whole request (one Lease), so the chunks keep the request's target order.
  targets: fc.option(fc.bigInt({ min: 1n, max: 10n ** 20n }).map(String), { nil: undefined }).chain((fence) =>
    fc.array(
      fc
        .record({ id: hostileName, invites: count, groups: fc.array(hostileName, { maxLength: 4 }) })
        .map((t) => (fence === undefined ? t : { ...t, fence })),
      { maxLength: 30 },
    ),
  ),
});

describe('engagement exchange wire format under fuzzing', () => {
  it(
    'never throws on arbitrary or mutated answers, and decodes every accepted one into non-negative integer counters',
    async () => {
      await checkFuzzProperty(
        family,
        'answer schema never throws; decoded counters are counts',
        fc.property(documentNear(validWireAnswer), (input) => {
          const parsed = EngagementWireAnswerSchema.safeParse(input);
          expect(isPrototypePolluted()).toBe(false);
          if (!parsed.success) return;
          const decoded = decodeEngagementAnswer(parsed.data);
          expect(isCount(decoded.cycleId)).toBe(true);
          for (const report of decoded.reports) {
            expect(report.id.length).toBeGreaterThan(0);
            for (const n of [report.pending, report.sentTotal, report.acceptedTotal, report.declinedTotal]) {
              expect(isCount(n)).toBe(true);
            }
            expect(isCount(report.expiredTotal)).toBe(true);
          }
          const reported = new Set(decoded.reports.map((r) => r.id));
          for (const orphan of decoded.errorsWithoutReport) expect(reported.has(orphan.id)).toBe(false);
          expect(hasStandardPrototypes(decoded)).toBe(true);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'decodes an encoded answer sent as JSON to the same reports, hostile ids and the largest counters included',
    async () => {
      await checkFuzzProperty(
        family,
        'answer encode→JSON→schema→decode round trip',
        fc.property(answerWithUniqueIds, fc.array(hostileName, { maxLength: 3 }), (answer, unknownIds) => {
          const known = new Set(answer.targets.map((t) => t.id));
          const unknown = [...new Set(unknownIds)].filter((id) => !known.has(id));
          const issues = unknown.map((id): [string, string, string] => [
            id,
            'UNKNOWN_TARGET',
            'not configured',
          ]);
          const wire = EngagementWireAnswerSchema.parse(
            JSON.parse(JSON.stringify(encodeEngagementAnswer(answer, issues))),
          );
          const decoded = decodeEngagementAnswer(wire);
          expect(decoded.cycleId).toBe(answer.cycleId);
          expect(decoded.reports).toEqual(answer.targets);
          expect(decoded.errorsWithoutReport).toEqual(
            unknown.map((id) => ({ id, code: 'UNKNOWN_TARGET', message: 'not configured' })),
          );
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'sends every request as chunks the wire schema accepts and that decode, in order, to the request',
    async () => {
      await checkFuzzProperty(
        family,
        'request encode→JSON→schema→decode round trip',
        fc.property(requestWithHostileNames, fc.integer({ min: 1, max: 12 }), (request, maxPerChunk) => {
          const chunks = encodeEngagementRequest(request, maxPerChunk);
          const decoded = chunks.map((chunk) =>
            decodeEngagementRequest(EngagementWireRequestSchema.parse(JSON.parse(JSON.stringify(chunk)))),
          );
          expect(decoded.every((d) => d !== undefined)).toBe(true);
          expect(decoded.flatMap((d) => d!.targets)).toEqual(request.targets);
          for (const d of decoded) expect({ ...d, targets: [] }).toEqual({ ...request, targets: [] });
          expect(chunks.map((c) => c.part)).toEqual(chunks.map((_, i) => [i, chunks.length]));
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'never throws on mutated request chunks, and decodes an accepted one to nothing or to a valid logical request',
    async () => {
      await checkFuzzProperty(
        family,
        'request schema never throws; decode gives a valid request or undefined',
        fc.property(documentNear(validWireRequest), (input) => {
          const parsed = EngagementWireRequestSchema.safeParse(input);
          expect(isPrototypePolluted()).toBe(false);
          if (!parsed.success) return;
          const decoded = decodeEngagementRequest(parsed.data);
          if (decoded !== undefined) expect(EngagementRequestSchema.safeParse(decoded).success).toBe(true);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  // Rows past `the first of several values` were counter-examples: 400 digits of seconds gave Infinity ms, and
  // Date.parse's lenient fallback read "-5" as the year -5 (so: retry now) and other non-dates as dates.
  it.each<[string, string | string[], number | undefined]>([
    ['delta-seconds', '3', 3000],
    ['delta-seconds with spaces', ' 7 ', 7000],
    ['an IMF-fixdate an hour ahead', 'Wed, 25 Nov 2026 19:00:00 GMT', 3_600_000],
    ['an IMF-fixdate in the past', 'Wed, 25 Nov 2026 17:00:00 GMT', 0],
    ['an obsolete RFC 850 date', 'Wednesday, 25-Nov-26 18:00:05 GMT', 5000],
    ['an asctime date, read as GMT', 'Wed Nov 25 18:00:09 2026', 9000],
    ['the first of several values', ['2', '9'], 2000],
    ['a negative number', '-5', undefined],
    ['a fraction of seconds', '1.5', undefined],
    ['a bare year', '2027', 2027000],
    ['an ISO timestamp, which is no HTTP date', '2026-11-25T19:00:00Z', undefined],
    ['a word and a number', 'soon 5', undefined],
    ['400 digits of seconds', '9'.repeat(400), undefined],
    ['seconds past the safe range of ms', String(Number.MAX_SAFE_INTEGER), undefined],
  ])('reads a Retry-After of %s', (_name, value, expected) => {
    expect(parseRetryAfterMs(value, Date.parse('2026-11-25T18:00:00Z'))).toBe(expected);
  });

  it(
    'reads any Retry-After header as undefined or a non-negative safe integer of ms',
    async () => {
      const header = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.stringMatching(/^\s*\d{1,400}\s*$/),
        fc.bigInt({ min: 0n, max: 10n ** 400n }).map(String),
        fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
        fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
      );
      await checkFuzzProperty(
        family,
        'parseRetryAfterMs: undefined or a safe non-negative integer',
        fc.property(header, fc.integer({ min: 0, max: 4e12 }), (value, nowMs) => {
          const ms = parseRetryAfterMs(value, nowMs);
          if (ms !== undefined) expect(Number.isSafeInteger(ms) && ms >= 0).toBe(true);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );
});
