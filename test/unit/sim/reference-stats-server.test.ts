import { gunzipSync, gzipSync } from 'node:zlib';
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

  const query = (selection: unknown) =>
    request(`${server.url}/v1/snapshot/query`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
      body: JSON.stringify(selection),
    });
  const none = { agentIds: [], agentGroups: [], skillExpressions: [], virtualQueues: [] };

  it('answers a query with the agents selected by id, group or skill expression and the queues named', async () => {
    const byIdOrSkill = await query({
      ...none,
      agentIds: ['a-2', 'unknown'],
      skillExpressions: ['Spanish = 1'],
      virtualQueues: ['Proactive Voice'],
    });
    const picked = (await byIdOrSkill.body.json()) as {
      agents: { id: string }[];
      virtualQueues: { name: string }[];
    };
    expect(picked.agents.map((a) => a.id)).toEqual(['a-1', 'a-2']);
    expect(picked.virtualQueues.map((q) => q.name)).toEqual(['Proactive Voice']);

    const byGroup = (await (await query({ ...none, agentGroups: ['Proactive Chat'] })).body.json()) as {
      agents: unknown[];
    };
    expect(byGroup.agents).toHaveLength(3);
  });

  it('answers a body it compiled before with the same cut, gzipped or not, and refuses a bad one every time', async () => {
    const ids = async (selection: unknown, isGzip = false) => {
      const body = JSON.stringify(selection);
      const response = await request(`${server.url}/v1/snapshot/query`, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          authorization: 'Bearer tok',
          'content-type': 'application/json',
          ...(isGzip ? { 'content-encoding': 'gzip' } : {}),
        },
        body: isGzip ? gzipSync(body) : body,
      });
      expect(response.statusCode).toBe(200);
      return ((await response.body.json()) as { agents: { id: string }[] }).agents.map((a) => a.id);
    };
    for (let round = 0; round < 2; round++) {
      expect(await ids({ ...none, agentIds: ['a-0'] })).toEqual(['a-0']);
      expect(await ids({ ...none, agentIds: ['a-0'] }, true)).toEqual(['a-0']);
      expect(await ids({ ...none, agentIds: ['a-2'] }, true)).toEqual(['a-2']);
      const refused = await query({ ...none, skillExpressions: ['Spanish >'] });
      expect(refused.statusCode).toBe(400);
      await refused.body.dump();
    }
  });

  it('leaves the roster out of a version 2 answer for the tag a request names, per selection', async () => {
    const v2 = 'application/vnd.agentpacing.snapshot-table.v2+json';
    const ask = async (selection: unknown, tag?: string) => {
      const headers: Record<string, string> = { authorization: 'Bearer tok', accept: v2 };
      if (tag !== undefined) headers['agentpacing-roster-tag'] = tag;
      const response =
        selection === undefined
          ? await get('/v1/snapshot', headers)
          : await request(`${server.url}/v1/snapshot/query`, {
              method: 'POST',
              dispatcher: agent,
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify(selection),
            });
      return ((await response.body.json()) as { agentTable: { rosterTag: string; ids?: string[] } })
        .agentTable;
    };
    const first = await ask(undefined);
    expect(first.ids).toHaveLength(3);
    // Untagged requests share one encoder, so the selection's first request rebuilt it and the whole snapshot's
    // tag is no longer current: its next request is answered whole, under a tag of its own encoder.
    const chatTag = (await ask({ ...none, agentIds: ['a-1'] })).rosterTag;
    const whole = await ask(undefined, first.rosterTag);
    expect(whole.ids).toHaveLength(3);
    // From then on each client's tag stays its own: the whole snapshot and a replica's selection, in turn.
    for (let round = 0; round < 2; round++) {
      expect(await ask(undefined, whole.rosterTag)).toEqual({
        rosterTag: whole.rosterTag,
        media: expect.any(Object),
      });
      expect(await ask({ ...none, agentIds: ['a-1'] }, chatTag)).not.toHaveProperty('ids');
    }
    // Another selection under that tag is another roster: sent whole, under a tag of its own.
    const other = await ask({ ...none, agentIds: ['a-2'] }, chatTag);
    expect(other.ids).toEqual(['a-2']);
    expect(other.rosterTag).not.toBe(chatTag);
  });

  it.each([
    ['a missing list', { agentIds: [] }, 'agentGroups'],
    ['an unknown field', { ...none, teams: ['x'] }, 'teams'],
    [
      'a skill expression that does not parse',
      { ...none, skillExpressions: ['Spanish >'] },
      'skillExpressions',
    ],
  ])('refuses a query with %s, naming the field', async (_name, selection, field) => {
    const response = await query(selection);
    expect(response.statusCode).toBe(400);
    expect(((await response.body.json()) as { error: string }).error).toContain(field);
  });

  it.each([
    ['a missing token', '/v1/snapshot', {}, 'GET', 401],
    ['a read of the query', '/v1/snapshot/query', { authorization: 'Bearer tok' }, 'GET', 405],
    ['a wrong method', '/v1/snapshot', { authorization: 'Bearer tok' }, 'POST', 405],
    ['an unknown path', '/v2/snapshot', { authorization: 'Bearer tok' }, 'GET', 404],
    ['the health check', '/healthz', {}, 'GET', 200],
  ])('answers %s with the right status', async (_name, path, headers, method, status) => {
    const response = await get(path, headers, method);
    await response.body.dump();
    expect(response.statusCode).toBe(status);
  });
});
