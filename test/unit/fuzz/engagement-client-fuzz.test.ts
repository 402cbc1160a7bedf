import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  encodeEngagementAnswer,
  EngagementWireRequestSchema,
  type EngagementRequestInput,
} from '../../../src/api/protocol/index.js';
import {
  createEngagementDispatcher,
  EngagementClient,
  EngagementError,
  EngagementErrorCode,
  EngagementRequestFailedError,
  EngagementTargetError,
} from '../../../src/engagement/index.js';
import { replyNear } from '../../support/fuzz-http-body.js';
import { checkFuzzProperty } from '../../support/fuzz-property.js';
import { clientFuzzRuns, fuzzTimeoutMs } from '../../support/fuzz-runs.js';
import { isPrototypePolluted } from '../../support/json-mutation.js';
import { ManualClock, seededRandom } from '../../support/io/manual-clock.js';
import {
  startScriptedReplyServer,
  type ScriptedReply,
  type ScriptedReplyServer,
} from '../../support/io/scripted-reply-server.js';

// The real engagement client against a real loopback HTTP server that answers the exchange with fuzzed bodies,
// encodings and statuses. Tokens come from a fixed in-test source: the OAuth flow has its own tests, and here
// only the answer parsing is under attack. The clock is manual, so retry waits cost no real time.

const family = 'engagement-client';
const START_MS = Date.parse('2026-11-25T18:00:00.000Z');
const MAX_RESPONSE_BYTES = 256 * 1024;
const engagementCodes = new Set<string>(Object.values(EngagementErrorCode));

const request: EngagementRequestInput = {
  clusterId: 'default/tenant',
  cycleId: 12,
  intervalMs: 5_000,
  publisher: 'operator-0',
  targets: [
    { id: 'Proactive Chat:chat', invites: 4, groups: ['Chat Agents'] },
    { id: 'Proactive Voice:voice', invites: 1, groups: ['Voice Agents', 'Spanish'] },
    { id: '__proto__', invites: 0, groups: ['constructor'] },
  ],
};
const sentIds = new Set(request.targets.map((t) => t.id));
const validAnswer = encodeEngagementAnswer(
  {
    cycleId: request.cycleId,
    targets: request.targets.map((t, i) => ({
      id: t.id,
      pending: i,
      sentTotal: 10 * i,
      acceptedTotal: 5 * i,
      declinedTotal: i,
      expiredTotal: 0,
      ...(i === 1 ? { error: { code: 'GROUP_UNKNOWN', message: 'Spanish' } } : {}),
    })),
  },
  [['Gone:chat', 'UNKNOWN_TARGET', 'not configured']],
);

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

// Answers a real platform could give: some sent targets reported (with large counters, some in error), others
// missing, and unknown ids with or without counters; plain or gzipped.
const count = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER));
const plausibleAnswerReply = fc
  .record({
    reported: fc.subarray(request.targets.map((t) => t.id)),
    unknown: fc.uniqueArray(
      fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('constructor', 'toString')),
      { maxLength: 3 },
    ),
    counters: fc.tuple(count, count, count, count, count),
    isInError: fc.boolean(),
    isGzipped: fc.boolean(),
  })
  .map(({ reported, unknown, counters, isInError, isGzipped }) => {
    const [pending, sentTotal, acceptedTotal, declinedTotal, expiredTotal] = counters;
    const extra = unknown.filter((id) => !sentIds.has(id));
    const answer = encodeEngagementAnswer(
      {
        cycleId: request.cycleId,
        targets: [...reported, ...extra.slice(0, 1)].map((id) => ({
          id,
          pending,
          sentTotal,
          acceptedTotal,
          declinedTotal,
          expiredTotal,
          ...(isInError ? { error: { code: 'THROTTLED', message: '' } } : {}),
        })),
      },
      extra.slice(1).map((id): [string, string, string] => [id, 'UNKNOWN_TARGET', 'not configured']),
    );
    const text = JSON.stringify(answer);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (isGzipped) headers['content-encoding'] = 'gzip';
    const reply: ScriptedReply = {
      status: 200,
      headers,
      body: isGzipped ? gzipSync(text) : Buffer.from(text),
    };
    return reply;
  });

describe('EngagementClient fed fuzzed answers by a loopback server', () => {
  let server: ScriptedReplyServer;
  const dispatcher = createEngagementDispatcher();

  beforeAll(async () => {
    server = await startScriptedReplyServer();
  });
  afterAll(async () => {
    await server.close();
    await dispatcher.close();
  });

  it(
    'returns reports with non-negative counters for sent targets, or one typed EngagementError, and never crashes',
    async () => {
      const client = new EngagementClient({
        baseServiceUrl: server.url,
        targetEndpoint: '/v1/pacing',
        tokenSource: { getToken: () => Promise.resolve('fuzz-token'), invalidate: () => undefined },
        dispatcher,
        clock: new ManualClock(START_MS),
        random: seededRandom(7),
        timeoutMs: 5_000,
        maxAttempts: 2,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      const seen = new Map<string, number>();
      const tally = (kind: string): void => void seen.set(kind, (seen.get(kind) ?? 0) + 1);
      await checkFuzzProperty(
        family,
        'exchange: valid reports or typed EngagementError',
        fc.asyncProperty(
          fc.oneof(replyNear(validAnswer, MAX_RESPONSE_BYTES), plausibleAnswerReply),
          async (reply) => {
            server.reply(reply);
            let outcome: unknown;
            try {
              outcome = await client.exchange(request);
            } catch (error) {
              outcome = error;
            }
            expect(isPrototypePolluted()).toBe(false);
            if (outcome instanceof EngagementError) {
              tally(outcome.code);
              expect(engagementCodes.has(outcome.code)).toBe(true);
              expect(outcome).not.toBeInstanceOf(EngagementTargetError);
              if (outcome instanceof EngagementRequestFailedError && outcome.status !== undefined) {
                expect(outcome.status).toBe(reply.status);
              }
              return;
            }
            expect(outcome).not.toBeInstanceOf(Error);
            tally('answer');
            const result = outcome as Awaited<ReturnType<EngagementClient['exchange']>>;
            expect(result.cycleId).toBe(request.cycleId);
            for (const report of result.targets) {
              expect(sentIds.has(report.id)).toBe(true);
              for (const n of [
                report.pending,
                report.sentTotal,
                report.acceptedTotal,
                report.declinedTotal,
              ]) {
                expect(isCount(n)).toBe(true);
              }
              expect(isCount(report.expiredTotal)).toBe(true);
            }
            expect(new Set(result.targets.map((r) => r.id)).size).toBe(result.targets.length);
            for (const targetError of result.targetErrors)
              expect(targetError).toBeInstanceOf(EngagementTargetError);
            // Every sent target is accounted for: reported, or in error (reported, missing).
            const accounted = new Set([
              ...result.targets.map((r) => r.id),
              ...result.targetErrors.map((e) => e.targetId),
            ]);
            for (const id of sentIds) expect(accounted.has(id)).toBe(true);
          },
        ),
        clientFuzzRuns,
      );
      expect(seen.get('answer')).toBeGreaterThan(0);
      expect(seen.get(EngagementErrorCode.Validation)).toBeGreaterThan(0);
      // What the client sent is a valid compact chunk every time, whatever came back before.
      for (const body of server.requestBodies) {
        expect(
          EngagementWireRequestSchema.safeParse(JSON.parse(gunzipSync(body).toString('utf8'))).success,
        ).toBe(true);
      }
    },
    fuzzTimeoutMs(clientFuzzRuns * 20),
  );
});
