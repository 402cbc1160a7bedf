import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { encodeEngagementRequest } from '../../../src/api/protocol/index.js';
import {
  REFERENCE_TARGET_ENDPOINT,
  startReferenceEngagementServer,
  type ReferenceEngagementServer,
} from '../../../src/sim/reference-engagement-server.js';
import { FixedContactCenter } from '../../support/io/fixed-contact-center.js';

const START_MS = Date.parse('2026-11-25T18:00:00.000Z');
const [chunk] = encodeEngagementRequest(
  {
    clusterId: 'c',
    cycleId: 3,
    intervalMs: 10_000,
    publisher: 'p',
    targets: [{ id: 'Proactive Chat:chat', invites: 2, groups: ['G'] }],
  },
  10,
);

describe('the reference engagement server', () => {
  let server: ReferenceEngagementServer;
  let center: FixedContactCenter;
  const agent = new Agent();

  beforeEach(async () => {
    center = new FixedContactCenter({ startMs: START_MS });
    server = await startReferenceEngagementServer({
      contactCenter: center,
      clock: { nowMs: () => START_MS },
      verifyToken: (t) => t === 'good',
      maxBodyBytes: 64 * 1024,
    });
  });
  afterEach(() => server.close());
  afterAll(() => agent.close());

  // encoding: 'gzip' compresses the body; 'false-gzip' only claims to; 'none' sends it plain.
  type Encoding = 'gzip' | 'false-gzip' | 'none';
  const post = async (
    body: Buffer | string,
    options: { token?: string; path?: string; encoding?: Encoding } = {},
  ) => {
    const encoding = options.encoding ?? 'gzip';
    const response = await request(`${server.url}${options.path ?? REFERENCE_TARGET_ENDPOINT}`, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        authorization: `Bearer ${options.token ?? 'good'}`,
        'content-type': 'application/json',
        ...(encoding === 'none' ? {} : { 'content-encoding': 'gzip' }),
      },
      body: encoding === 'gzip' ? gzipSync(body) : body,
    });
    return { status: response.statusCode, body: await response.body.text() };
  };

  it.each([
    ['a wrong bearer token', () => post(JSON.stringify(chunk), { token: 'bad' }), 401],
    ['a body that is not JSON', () => post('{"v":'), 400],
    ['a body that does not match the schema', () => post(JSON.stringify({ ...chunk, cycle: -1 })), 400],
    [
      'a group index outside the group table',
      () => post(JSON.stringify({ ...chunk, targets: [['Q:chat', 1, [5]]] })),
      400,
    ],
    ['a body that is not gzip although it says so', () => post('{}', { encoding: 'false-gzip' }), 400],
    ['a body over the size limit', () => post(Buffer.alloc(128 * 1024, 0x20), { encoding: 'none' }), 413],
    ['an unknown path', () => post(JSON.stringify(chunk), { path: '/elsewhere' }), 404],
  ])('answers %s with the right status', async (_name, send, status) => {
    expect((await send()).status).toBe(status);
    expect(center.cycles).toHaveLength(0);
  });

  it('applies a repeated chunk once and answers the replay identically', async () => {
    const first = await post(JSON.stringify(chunk));
    const second = await post(JSON.stringify(chunk));
    expect(first.status).toBe(200);
    expect(second.body).toBe(first.body);
    expect(center.cycles).toHaveLength(1);
    expect(server.publications()).toHaveLength(1);
  });

  it('fences: refuses a target whose token is older than one applied, with STALE_FENCE', async () => {
    const publish = (publisher: string, cycleId: number, fence: string) =>
      post(
        JSON.stringify(
          encodeEngagementRequest(
            {
              clusterId: 'c',
              cycleId,
              intervalMs: 10_000,
              publisher,
              targets: [{ id: 'Proactive Chat:chat', invites: 2, groups: ['G'], fence }],
            },
            10,
          )[0],
        ),
      );
    expect((await publish('new-leader', 5, '1200')).status).toBe(200);
    const late = await publish('old-leader', 4, '1199');
    expect(late.status).toBe(200);
    const answer = JSON.parse(late.body) as { errors: string[][] };
    expect(answer.errors).toEqual([
      ['Proactive Chat:chat', 'STALE_FENCE', 'fencing token 1199 is older than 1200, already applied'],
    ]);
    // Only the new leader's allowance reached the visitors.
    expect(center.cycles.map((c) => c.allowances.map((a) => a.id))).toEqual([['Proactive Chat:chat'], []]);
    expect(server.publications().map((p) => [p.publisher, p.fence, p.targetIds, p.refusedTargetIds])).toEqual(
      [
        ['new-leader', '1200', ['Proactive Chat:chat'], []],
        ['old-leader', '1199', [], ['Proactive Chat:chat']],
      ],
    );
    // A newer token of either publisher is applied again.
    await publish('old-leader', 6, '1300');
    expect(server.publications().at(-1)?.targetIds).toEqual(['Proactive Chat:chat']);
  });

  it('lists publications on GET /debug/publications', async () => {
    await post(JSON.stringify(chunk));
    const response = await request(`${server.url}/debug/publications`, { dispatcher: agent });
    expect(await response.body.json()).toEqual({
      publications: [
        {
          clusterId: 'c',
          cycleId: 3,
          publisher: 'p',
          part: 0,
          parts: 1,
          targets: 1,
          targetIds: ['Proactive Chat:chat'],
          refusedTargetIds: [],
          receivedAtMs: START_MS,
        },
      ],
    });
  });

  it.each([
    [
      'queues a valid fault after the one queued',
      'POST',
      JSON.stringify({ fault: { kind: 'reset' }, times: 2 }),
      200,
      { pending: 3 },
    ],
    ['refuses an unknown fault kind', 'POST', JSON.stringify({ fault: { kind: 'meteor' } }), 400, undefined],
    ['clears the faults', 'DELETE', undefined, 200, { pending: 0 }],
  ] as const)('fault control endpoint %s', async (_name, method, body, status, json) => {
    server.faults.add({ kind: 'stall' });
    const response = await request(`${server.url}/debug/faults`, {
      method,
      dispatcher: agent,
      ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
    expect(response.statusCode).toBe(status);
    const answer = (await response.body.json()) as unknown;
    if (json) expect(answer).toEqual(json);
  });
});
