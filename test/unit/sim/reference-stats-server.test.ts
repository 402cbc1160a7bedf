import { gunzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import {
  startReferenceStatsServer,
  type ReferenceStatsServer,
} from '../../../src/sim/reference-stats-server.js';
import { FixedContactCenter } from '../../support/io/fixed-contact-center.js';

const START_MS = Date.parse('2026-11-25T18:00:00.000Z');

describe('the reference statistics server', () => {
  let server: ReferenceStatsServer;
  let nowMs = START_MS;
  const agent = new Agent();

  beforeEach(async () => {
    nowMs = START_MS;
    server = await startReferenceStatsServer({
      contactCenter: new FixedContactCenter({ startMs: START_MS }),
      clock: { nowMs: () => nowMs },
      bearerToken: 'tok',
    });
  });
  afterEach(() => server.close());
  afterAll(() => agent.close());

  const get = (
    path: string,
    headers: Record<string, string> = { authorization: 'Bearer tok' },
    method = 'GET',
  ) => request(`${server.url}${path}`, { method: method as 'GET', dispatcher: agent, headers });

  it('advances the simulation to the clock before each snapshot', async () => {
    nowMs = START_MS + 5_000;
    const response = await get('/v1/snapshot');
    expect(((await response.body.json()) as { snapshotTime: string }).snapshotTime).toBe(
      '2026-11-25T18:00:05.000Z',
    );
  });

  it('answers gzip when asked', async () => {
    const response = await get('/v1/snapshot', { authorization: 'Bearer tok', 'accept-encoding': 'gzip' });
    expect(response.headers['content-encoding']).toBe('gzip');
    const text = gunzipSync(Buffer.from(await response.body.arrayBuffer())).toString('utf8');
    expect(JSON.parse(text)).toMatchObject({ agents: expect.any(Array) });
  });

  it.each([
    ['a missing token', '/v1/snapshot', {}, 'GET', 401],
    ['a wrong method', '/v1/snapshot', { authorization: 'Bearer tok' }, 'POST', 405],
    ['an unknown path', '/v2/snapshot', { authorization: 'Bearer tok' }, 'GET', 404],
    ['the health check', '/healthz', {}, 'GET', 200],
  ])('answers %s with the right status', async (_name, path, headers, method, status) => {
    const response = await get(path, headers, method);
    await response.body.dump();
    expect(response.statusCode).toBe(status);
  });
});
