import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  ClientCredentialsTokenSource,
  EngagementClient,
  EngagementErrorCode,
  createEngagementDispatcher,
  type EngagementClientOptions,
  type EngagementRequestMetrics,
} from '../../../src/engagement/index.js';
import type { EngagementRequestInput } from '../../../src/api/protocol/index.js';
import {
  startReferenceEngagementServer,
  type ReferenceEngagementServer,
} from '../../../src/sim/reference-engagement-server.js';
import {
  startReferenceTokenServer,
  type ReferenceTokenServer,
} from '../../../src/sim/reference-token-server.js';
import type { ReferenceFault } from '../../../src/sim/reference-faults.js';
import { FixedContactCenter } from '../../support/io/fixed-contact-center.js';
import { ManualClock, seededRandom } from '../../support/io/manual-clock.js';
import { createSelfSignedCert } from '../../support/io/self-signed-cert.js';

const START_MS = Date.parse('2026-11-25T18:00:00.000Z');
const SECRET = 's3cr3t-client-secret';
const TARGETS = ['Proactive Chat:chat', 'Proactive Voice:voice', 'Sales:chat'];

const aRequest = (cycleId: number, invites = 2): EngagementRequestInput => ({
  clusterId: 'tenant-a/main',
  cycleId,
  intervalMs: 10_000,
  publisher: 'operator-0',
  targets: TARGETS.map((id) => ({ id, invites, groups: ['Proactive Chat', 'Spanish'] })),
});

describe('EngagementClient against the reference engagement and token servers on loopback', () => {
  let clock: ManualClock;
  let center: FixedContactCenter;
  let tokens: ReferenceTokenServer;
  let platform: ReferenceEngagementServer;
  let secret: string;
  const dispatcher = createEngagementDispatcher();

  beforeEach(async () => {
    clock = new ManualClock(START_MS);
    center = new FixedContactCenter({ startMs: START_MS, targets: TARGETS });
    secret = SECRET;
    tokens = await startReferenceTokenServer({
      clients: { pacing: SECRET },
      clock,
      tokenLifetimeSeconds: 300,
    });
    platform = await startReferenceEngagementServer({
      contactCenter: center,
      clock,
      verifyToken: (t) => tokens.verifyToken(t),
    });
  });
  afterEach(async () => {
    await platform.close();
    await tokens.close();
  });
  afterAll(() => dispatcher.close());

  const aClient = (overrides: Partial<EngagementClientOptions> = {}): EngagementClient =>
    new EngagementClient({
      baseServiceUrl: platform.url,
      targetEndpoint: '/v1/pacing',
      tokenSource: new ClientCredentialsTokenSource({
        tokenUrl: tokens.tokenUrl,
        credentials: () => ({ clientId: 'pacing', clientSecret: secret }),
        dispatcher,
        clock,
      }),
      dispatcher,
      clock,
      random: seededRandom(7),
      timeoutMs: 1_000,
      maxResponseBytes: 1024 * 1024,
      ...overrides,
    });

  const sentBySimulator = (id: string): number =>
    center.cycles
      .flatMap((c) => c.allowances)
      .filter((a) => a.id === id)
      .reduce((sum, a) => sum + a.invites, 0);

  it('publishes allowances and returns pending invitations per target', async () => {
    const result = await aClient().exchange(aRequest(1, 3));
    expect(result.cycleId).toBe(1);
    expect(result.targetErrors).toEqual([]);
    expect(result.targets.map((t) => [t.id, t.pending, t.sentTotal])).toEqual(
      TARGETS.map((id) => [id, 3, 3]),
    );
    expect(platform.publications()).toEqual([
      expect.objectContaining({
        clusterId: 'tenant-a/main',
        cycleId: 1,
        publisher: 'operator-0',
        part: 0,
        parts: 1,
      }),
    ]);
    expect(result.transfer).toMatchObject({ chunks: 1, attempts: 1 });
    expect(result.transfer.requestBytes).toBeGreaterThan(0);
  });

  it('splits the targets into several requests above the configured target count', async () => {
    const result = await aClient({ maxTargetsPerRequest: 2 }).exchange(aRequest(4));
    expect(result.targets.map((t) => t.id)).toEqual(TARGETS);
    // Chunks travel concurrently, so they may arrive in any order; the reports come back in chunk order.
    const parts = platform.publications().map((p) => [p.part, p.parts, p.targets]);
    expect(parts.sort()).toEqual([
      [0, 2, 2],
      [1, 2, 1],
    ]);
  });

  it.each([
    [1, [0]],
    [4, [0, 1, 2]],
  ] as const)(
    'keeps up to %i chunks in flight: the others are applied while one stalls, and the exchange still fails as a whole',
    async (maxConcurrentRequests, applied) => {
      platform.faults.add({ kind: 'stall' });
      const client = aClient({
        maxTargetsPerRequest: 1,
        maxConcurrentRequests,
        maxAttempts: 1,
        timeoutMs: 300,
      });
      await expect(client.exchange(aRequest(5))).rejects.toMatchObject({
        code: EngagementErrorCode.RequestFailed,
      });
      // One at a time, the stalled first chunk holds back the others; four at a time, all three were sent.
      expect(
        platform
          .publications()
          .map((p) => p.part)
          .sort(),
      ).toEqual(applied);
    },
  );

  it('reports request duration and bytes of every attempt through the callback', async () => {
    const seen: EngagementRequestMetrics[] = [];
    platform.faults.add({ kind: 'status', status: 503 });
    await aClient({ onRequest: (m) => seen.push(m) }).exchange(aRequest(2));
    expect(seen.map((m) => [m.status, m.outcome])).toEqual([
      [503, 'retried'],
      [200, 'ok'],
    ]);
    expect(seen[1]!.requestBytes).toBeGreaterThan(0);
    expect(seen[1]!.responseBytes).toBeGreaterThan(0);
  });

  it('caches the token until shortly before expiry, then fetches a new one', async () => {
    const client = aClient();
    await client.exchange(aRequest(1));
    await client.exchange(aRequest(2));
    expect(tokens.issuedCount()).toBe(1);
    clock.advance(241_000); // 300 s lifetime, renewed 60 s early
    await client.exchange(aRequest(3));
    expect(tokens.issuedCount()).toBe(2);
  });

  it('refreshes the token once on a 401 and succeeds with a rotated secret', async () => {
    const client = aClient();
    await client.exchange(aRequest(1));
    tokens.rotateSecret('pacing', 'rotated-secret');
    tokens.revokeTokens();
    secret = 'rotated-secret';
    const result = await client.exchange(aRequest(2));
    expect(result.targetErrors).toEqual([]);
    expect(tokens.issuedCount()).toBe(2);
    expect(result.transfer.attempts).toBe(2);
  });

  it('gives up after one refresh when the platform keeps answering 401', async () => {
    await platform.close();
    platform = await startReferenceEngagementServer({
      contactCenter: center,
      clock,
      verifyToken: () => false,
    });
    await expect(aClient().exchange(aRequest(1))).rejects.toMatchObject({
      code: EngagementErrorCode.RequestFailed,
      status: 401,
    });
    expect(tokens.issuedCount()).toBe(2);
  });

  it('fails with an auth error that names neither secret nor token when the credentials are wrong', async () => {
    secret = 'wrong-secret';
    const error = await aClient()
      .exchange(aRequest(1))
      .then(
        () => new Error('expected the exchange to fail'),
        (e: unknown) => e as Error,
      );
    expect(error).toMatchObject({
      code: EngagementErrorCode.Auth,
      status: 401,
      oauthError: 'invalid_client',
    });
    const dump = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
    expect(dump).not.toContain('wrong-secret');
    expect(dump).not.toContain(Buffer.from('pacing:wrong-secret').toString('base64'));
  });

  it('keeps the cached token out of JSON dumps of the token source', async () => {
    const source = new ClientCredentialsTokenSource({
      tokenUrl: tokens.tokenUrl,
      credentials: () => ({ clientId: 'pacing', clientSecret: SECRET }),
      dispatcher,
      clock,
    });
    const token = await source.getToken();
    expect(JSON.stringify({ source })).not.toContain(token);
    expect(JSON.stringify({ source })).not.toContain(SECRET);
  });

  it.each<[string, ReferenceFault[], string, number]>([
    [
      'a 500 is a failed request and is not retried',
      [{ kind: 'status', status: 500 }],
      EngagementErrorCode.RequestFailed,
      1,
    ],
    [
      'a 503 on every attempt is a failed request after the retries',
      [
        { kind: 'status', status: 503 },
        { kind: 'status', status: 503 },
        { kind: 'status', status: 503 },
      ],
      EngagementErrorCode.RequestFailed,
      3,
    ],
    [
      'a 429 with a Retry-After beyond the limit is a failed request without waiting',
      [{ kind: 'status', status: 429, retryAfterSeconds: 60 }],
      EngagementErrorCode.RequestFailed,
      1,
    ],
    [
      'connection resets on every attempt are a failed request',
      [{ kind: 'reset' }, { kind: 'reset' }, { kind: 'reset' }],
      EngagementErrorCode.RequestFailed,
      3,
    ],
    [
      'a stalled answer is a failed request at the deadline and is not retried',
      [{ kind: 'stall' }],
      EngagementErrorCode.RequestFailed,
      1,
    ],
    [
      'a slow-loris answer is a failed request at the deadline',
      [{ kind: 'slow-loris', intervalMs: 50, bytesPerTick: 1 }],
      EngagementErrorCode.RequestFailed,
      1,
    ],
    [
      'malformed JSON is a validation error',
      [{ kind: 'malformed', body: '{"v":1,"cycle":' }],
      EngagementErrorCode.Validation,
      1,
    ],
    [
      'wrong types are a validation error',
      [{ kind: 'malformed', body: '{"v":1,"cycle":"one","targets":[["x","7",0,0,0,0]]}' }],
      EngagementErrorCode.Validation,
      1,
    ],
    [
      'an answer for another cycle is a validation error',
      [{ kind: 'malformed', body: '{"v":1,"cycle":99,"targets":[]}' }],
      EngagementErrorCode.Validation,
      1,
    ],
    [
      'a small gzip answer that inflates over the limit is a validation error',
      [{ kind: 'malformed', body: ' '.repeat(3 * 1024 * 1024) }],
      EngagementErrorCode.Validation,
      1,
    ],
    [
      'a huge body is a validation error and is read no further than the limit',
      [{ kind: 'huge', bytes: 8 * 1024 * 1024 }],
      EngagementErrorCode.Validation,
      1,
    ],
  ])('%s, and the next cycle loses no count', async (_name, faults, code, attempts) => {
    const client = aClient();
    await client.exchange(aRequest(1));
    for (const fault of faults) platform.faults.add(fault);
    await expect(client.exchange(aRequest(2))).rejects.toMatchObject({
      code,
      ...(code === EngagementErrorCode.RequestFailed ? { attempts } : {}),
    });
    platform.faults.clear();
    const next = await client.exchange(aRequest(3));
    // Cumulative counters: whatever the platform applied, including during the failed cycle, shows up now.
    for (const report of next.targets) expect(report.sentTotal).toBe(sentBySimulator(report.id));
    expect(next.targets).toHaveLength(TARGETS.length);
  });

  it('retries a 503 with jittered backoff and succeeds', async () => {
    platform.faults.add({ kind: 'status', status: 503 });
    const result = await aClient().exchange(aRequest(1));
    expect(result.transfer.attempts).toBe(2);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeLessThan(200);
  });

  it('honours a 429 Retry-After within the limit and succeeds', async () => {
    platform.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 2 });
    const result = await aClient().exchange(aRequest(1));
    expect(clock.sleeps).toEqual([2_000]);
    expect(result.targets).toHaveLength(TARGETS.length);
  });

  it('retries after a connection reset without applying the cycle twice', async () => {
    platform.faults.add({ kind: 'reset' });
    const result = await aClient().exchange(aRequest(1, 5));
    expect(result.transfer.attempts).toBe(2);
    expect(center.cycles).toHaveLength(1);
    expect(result.targets.every((t) => t.sentTotal === 5)).toBe(true);
  });

  it.each<[string, ReferenceFault, string, string]>([
    [
      'an id the platform answers for but was never sent is unknown',
      { kind: 'unknown-target', id: 'Ghost:chat' },
      'Ghost:chat',
      'unknown',
    ],
    [
      'a sent id the answer leaves out is missing',
      { kind: 'drop-target', id: 'Sales:chat' },
      'Sales:chat',
      'missing',
    ],
    [
      'a target the platform flags keeps its report and carries the platform code',
      { kind: 'target-error', id: 'Sales:chat', code: 'THROTTLED', message: 'queue closed' },
      'Sales:chat',
      'reported',
    ],
  ])('%s, and the other targets are still delivered', async (_name, fault, id, reason) => {
    platform.faults.add(fault);
    const result = await aClient().exchange(aRequest(1));
    expect(result.targetErrors).toEqual([
      expect.objectContaining({ code: EngagementErrorCode.Target, targetId: id, reason }),
    ]);
    const delivered = result.targets.map((t) => t.id);
    for (const other of TARGETS.filter((t) => t !== id)) expect(delivered).toContain(other);
  });

  it('reports an id sent twice and left out of the answer as missing once', async () => {
    platform.faults.add({ kind: 'drop-target', id: 'Sales:chat' });
    const request = aRequest(1);
    const result = await aClient().exchange({
      ...request,
      targets: [...request.targets, { id: 'Sales:chat', invites: 1, groups: [] }],
    });
    expect(result.targetErrors).toEqual([
      expect.objectContaining({ targetId: 'Sales:chat', reason: 'missing' }),
    ]);
  });

  /** A wire answer for cycle 1 with these target tuples and error tuples, as the platform's body. */
  const anAnswerBody = (ids: readonly string[], errors: readonly [string, string, string][] = []): string =>
    JSON.stringify({ v: 1, cycle: 1, targets: ids.map((id) => [id, 0, 2, 1, 1, 0]), errors });

  it.each<[string, readonly string[]]>([
    ['a sent target', ['Proactive Chat:chat', 'Proactive Voice:voice', 'Sales:chat', 'Sales:chat']],
    [
      'a target never sent',
      ['Proactive Chat:chat', 'Proactive Voice:voice', 'Sales:chat', 'Ghost:chat', 'Ghost:chat'],
    ],
  ])('refuses an answer that repeats %s', async (_name, ids) => {
    platform.faults.add({ kind: 'malformed', body: anAnswerBody(ids) });
    await expect(aClient({ maxAttempts: 1 }).exchange(aRequest(1))).rejects.toMatchObject({
      code: EngagementErrorCode.Validation,
      message: expect.stringContaining('repeats target'),
    });
  });

  it('tells an error without a report for a sent target (reported) from one for a target never sent (unknown)', async () => {
    platform.faults.add({
      kind: 'malformed',
      body: anAnswerBody(
        ['Proactive Chat:chat', 'Proactive Voice:voice'],
        [
          ['Sales:chat', 'THROTTLED', 'queue closed'],
          ['Ghost:chat', 'UNKNOWN_TARGET', 'no such queue'],
        ],
      ),
    });
    const result = await aClient().exchange(aRequest(1));
    expect(result.targetErrors).toEqual([
      expect.objectContaining({ targetId: 'Sales:chat', reason: 'reported', platformCode: 'THROTTLED' }),
      expect.objectContaining({ targetId: 'Ghost:chat', reason: 'unknown' }),
    ]);
    expect(result.targets.map((t) => t.id)).toEqual(['Proactive Chat:chat', 'Proactive Voice:voice']);
  });

  it('reports a target the platform does not know with the platform code UNKNOWN_TARGET', async () => {
    const request = aRequest(1);
    const result = await aClient().exchange({
      ...request,
      targets: [...request.targets, { id: 'Nope:voice', invites: 1, groups: [] }],
    });
    expect(result.targetErrors).toEqual([
      expect.objectContaining({ targetId: 'Nope:voice', reason: 'reported', platformCode: 'UNKNOWN_TARGET' }),
    ]);
    expect(result.targets).toHaveLength(TARGETS.length);
  });

  it('rethrows the caller abort reason', async () => {
    platform.faults.add({ kind: 'stall' });
    const controller = new AbortController();
    const pending = aClient({ timeoutMs: 60_000 }).exchange(aRequest(1), controller.signal);
    setTimeout(() => controller.abort(new Error('lost the lease')), 20);
    await expect(pending).rejects.toThrow('lost the lease');
  });

  it('refuses a non-positive target count per request at construction', () => {
    expect(() => aClient({ maxTargetsPerRequest: 0 })).toThrow(RangeError);
  });
});

describe('EngagementClient over TLS', () => {
  it('maps an untrusted platform certificate to a failed request', async () => {
    const { key, cert } = createSelfSignedCert();
    const server = createHttpsServer({ key, cert }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const dispatcher = createEngagementDispatcher();
    try {
      const client = new EngagementClient({
        baseServiceUrl: `https://127.0.0.1:${port}/api/`,
        targetEndpoint: 'v1/pacing',
        tokenSource: { getToken: async () => 'token', invalidate: () => undefined },
        dispatcher,
        clock: new ManualClock(START_MS),
        random: seededRandom(1),
        maxAttempts: 1,
      });
      expect(client.url).toBe(`https://127.0.0.1:${port}/api/v1/pacing`);
      await expect(client.exchange(aRequest(1))).rejects.toMatchObject({
        code: EngagementErrorCode.RequestFailed,
        message: expect.stringMatching(/SELF_SIGNED|self.signed/i),
      });
    } finally {
      await dispatcher.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
