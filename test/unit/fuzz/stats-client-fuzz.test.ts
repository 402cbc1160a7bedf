import fc from 'fast-check';
import { StatsSnapshotSchema, type StatsSnapshot } from '../../../src/api/protocol/index.js';
import {
  createStatsDispatcher,
  StatsClient,
  StatsError,
  StatsErrorCode,
  StatsRequestFailedError,
  StatsStaleError,
} from '../../../src/stats/index.js';
import { replyNear } from '../../support/fuzz-http-body.js';
import { checkFuzzProperty } from '../../support/fuzz-property.js';
import { clientFuzzRuns, fuzzTimeoutMs } from '../../support/fuzz-runs.js';
import { isPrototypePolluted } from '../../support/json-mutation.js';
import {
  startScriptedReplyServer,
  type ScriptedReplyServer,
} from '../../support/io/scripted-reply-server.js';

// The real statistics client against a real loopback HTTP server that answers with fuzzed bodies, encodings and
// statuses. Each case is one HTTP request, so fewer cases run here than for the pure parsers (clientFuzzRuns).

const family = 'stats-client';
const START_MS = Date.parse('2026-11-25T18:00:00.000Z');
const MAX_AGE_MS = 30_000;
const MAX_BODY_BYTES = 256 * 1024;
const statsCodes = new Set<string>(Object.values(StatsErrorCode));

const validSnapshot: StatsSnapshot = {
  snapshotTime: '2026-11-25T17:59:58.000Z',
  agents: [
    {
      id: 'a-1',
      groups: ['Proactive Chat'],
      skills: { Spanish: 6 },
      media: { chat: { state: 'ready', capacity: 2, load: 1 } },
    },
  ],
  virtualQueues: [
    {
      name: 'Proactive Chat',
      media: 'chat',
      waiting: 1,
      acceptedTotal: 10,
      abandonedTotal: 1,
      answeredTotal: 8,
      handleSecondsTotal: 900,
    },
  ],
};

// A valid snapshot taken some time before or after the client's now (a source whose clock is ahead reads as age 0).
const agedReply = fc.integer({ min: -120_000, max: 120_000 }).map((ageMs) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(
    JSON.stringify({ ...validSnapshot, snapshotTime: new Date(START_MS - ageMs).toISOString() }),
  ),
}));

describe('StatsClient fed fuzzed answers by a loopback server', () => {
  let server: ScriptedReplyServer;
  const dispatcher = createStatsDispatcher();

  beforeAll(async () => {
    server = await startScriptedReplyServer();
  });
  afterAll(async () => {
    await server.close();
    await dispatcher.close();
  });

  it(
    'yields a validated, fresh snapshot or one typed StatsError for every answer, and never crashes',
    async () => {
      const client = new StatsClient({
        url: server.url,
        dispatcher,
        clock: { nowMs: () => START_MS },
        timeoutMs: 5_000,
        maxBodyBytes: MAX_BODY_BYTES,
        maxAgeMs: MAX_AGE_MS,
      });
      // Outcome tally: the property must see both kinds, or it would be checking nothing.
      const seen = new Map<string, number>();
      const tally = (kind: string): void => void seen.set(kind, (seen.get(kind) ?? 0) + 1);
      await checkFuzzProperty(
        family,
        'fetchSnapshot: validated snapshot or typed StatsError',
        fc.asyncProperty(fc.oneof(replyNear(validSnapshot, MAX_BODY_BYTES), agedReply), async (reply) => {
          server.reply(reply);
          let outcome: unknown;
          try {
            outcome = await client.fetchSnapshot();
          } catch (error) {
            outcome = error;
          }
          expect(isPrototypePolluted()).toBe(false);
          if (outcome instanceof StatsError) {
            tally(outcome.code);
            expect(statsCodes.has(outcome.code)).toBe(true);
            if (outcome instanceof StatsRequestFailedError && outcome.status !== undefined) {
              expect(outcome.status).toBe(reply.status);
            }
            if (outcome instanceof StatsStaleError) {
              expect(outcome.ageMs).toBeGreaterThan(MAX_AGE_MS);
              expect(StatsSnapshotSchema.safeParse(outcome.snapshot).success).toBe(true);
            }
            return;
          }
          expect(outcome).not.toBeInstanceOf(Error);
          const result = outcome as Awaited<ReturnType<StatsClient['fetchSnapshot']>>;
          expect(reply.status >= 200 && reply.status < 300).toBe(true);
          expect(StatsSnapshotSchema.safeParse(JSON.parse(JSON.stringify(result.snapshot))).success).toBe(
            true,
          );
          expect(Number.isFinite(result.ageMs) && result.ageMs >= 0 && result.ageMs <= MAX_AGE_MS).toBe(true);
          expect(result.wireBytes).toBe(reply.body.length);
          tally('snapshot');
        }),
        clientFuzzRuns,
      );
      expect(seen.get('snapshot')).toBeGreaterThan(0);
      expect(seen.get(StatsErrorCode.Validation)).toBeGreaterThan(0);
      expect(seen.get(StatsErrorCode.Stale)).toBeGreaterThan(0);
    },
    fuzzTimeoutMs(clientFuzzRuns * 20),
  );
});
