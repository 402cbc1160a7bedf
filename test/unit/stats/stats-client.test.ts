import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import {
  StatsClient,
  StatsErrorCode,
  StatsStaleError,
  createStatsDispatcher,
} from '../../../src/stats/index.js';
import {
  startReferenceStatsServer,
  type ReferenceStatsServer,
} from '../../../src/sim/reference-stats-server.js';
import type { ReferenceFault } from '../../../src/sim/reference-faults.js';
import {
  ROSTER_TAG_HEADER,
  STATS_SNAPSHOT_TABLE_MEDIA_TYPE,
  STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE,
  SnapshotTableEncoder,
  encodeSnapshotTable,
  withRosterTag,
  type StatsSnapshot,
} from '../../../src/api/protocol/index.js';
import { FixedContactCenter } from '../../support/io/fixed-contact-center.js';
import { startScriptedReplyServer } from '../../support/io/scripted-reply-server.js';
import { aQueue } from '../../support/virtual-queue-fixture.js';
import { createSelfSignedCert } from '../../support/io/self-signed-cert.js';

const START_MS = Date.parse('2026-11-25T18:00:00.000Z');
// The clients see the same fixed instant the simulation was advanced to, so staleness is exactly what a fault adds.
const clock = { nowMs: () => START_MS };

describe('StatsClient against the reference statistics server on loopback', () => {
  let server: ReferenceStatsServer;
  const dispatcher = createStatsDispatcher();

  beforeEach(async () => {
    server = await startReferenceStatsServer({
      contactCenter: new FixedContactCenter({ startMs: START_MS }),
      clock,
      bearerToken: 'stats-token',
    });
  });
  afterEach(() => server.close());
  afterAll(() => dispatcher.close());

  const client = (overrides: Partial<ConstructorParameters<typeof StatsClient>[0]> = {}): StatsClient =>
    new StatsClient({
      url: server.url,
      bearerToken: 'stats-token',
      dispatcher,
      clock,
      timeoutMs: 1_000,
      maxBodyBytes: 1024 * 1024,
      maxAgeMs: 30_000,
      ...overrides,
    });

  it('reads and validates a fresh snapshot with its age', async () => {
    const result = await client().fetchSnapshot();
    expect(result.ageMs).toBe(0);
    expect(result.snapshot.agents).toHaveLength(3);
    expect(result.snapshot.virtualQueues.map((q) => `${q.name}:${q.media}`)).toEqual([
      'Proactive Chat:chat',
      'Proactive Voice:voice',
    ]);
    expect(result.wireBytes).toBeGreaterThan(0);
  });

  const selection = {
    agentIds: ['a-1'],
    agentGroups: [],
    skillExpressions: [],
    virtualQueues: ['Proactive Chat'],
  };

  it('reads only the part a selection asks for', async () => {
    const result = await client().fetchSnapshot(undefined, selection);
    expect(result.snapshot.agents.map((a) => a.id)).toEqual(['a-1']);
    expect(result.snapshot.virtualQueues.map((q) => q.name)).toEqual(['Proactive Chat']);
    expect(result.isSelected).toBe(true);
    expect((await client().fetchSnapshot()).isSelected).toBe(false);
  });

  it('asks again with the body it kept for the same selection, and with a new one for another', async () => {
    const stats = client();
    const ids = async (asked: typeof selection) =>
      (await stats.fetchSnapshot(undefined, asked)).snapshot.agents.map((a) => a.id);

    expect(await ids(selection)).toEqual(['a-1']);
    expect(await ids(selection)).toEqual(['a-1']);
    expect(await ids({ ...selection, agentIds: ['a-0', 'a-2'] })).toEqual(['a-0', 'a-2']);
    expect(await ids(selection)).toEqual(['a-1']);
  });

  it.each([404, 413])(
    'reads whole snapshots from a source that answers a query %i, from then on',
    async (status) => {
      server.faults.add({ kind: 'status', status });
      const stats = client();
      const first = await stats.fetchSnapshot(undefined, selection);
      expect(first.snapshot.agents).toHaveLength(3);
      expect(first.isSelected).toBe(false);
      // Remembered: the next read does not ask for the part again (the server would answer one agent).
      expect((await stats.fetchSnapshot(undefined, selection)).snapshot.agents).toHaveLength(3);
    },
  );

  it('fails a query the source refuses for another reason instead of reading the whole snapshot', async () => {
    server.faults.add({ kind: 'status', status: 500 });
    await expect(client().fetchSnapshot(undefined, selection)).rejects.toMatchObject({
      code: StatsErrorCode.RequestFailed,
      status: 500,
    });
  });

  it('reuses one keep-alive connection for successive reads', async () => {
    const stats = client();
    await stats.fetchSnapshot();
    await stats.fetchSnapshot();
    await stats.fetchSnapshot();
    expect(server.connectionCount()).toBe(1);
  });

  it('sends the bearer token and fails with the HTTP status when the token is wrong', async () => {
    await expect(client({ bearerToken: 'wrong' }).fetchSnapshot()).rejects.toMatchObject({
      code: StatsErrorCode.RequestFailed,
      status: 401,
    });
  });

  it.each<[string, ReferenceFault, string]>([
    ['a 500 answer is a failed request', { kind: 'status', status: 500 }, StatsErrorCode.RequestFailed],
    [
      'a 429 answer is a failed request',
      { kind: 'status', status: 429, retryAfterSeconds: 2 },
      StatsErrorCode.RequestFailed,
    ],
    ['a connection reset is a failed request', { kind: 'reset' }, StatsErrorCode.RequestFailed],
    [
      'an answer delayed past the deadline is a failed request',
      { kind: 'delay', ms: 3_000 },
      StatsErrorCode.RequestFailed,
    ],
    [
      'a stalled body is a failed request once the deadline passes',
      { kind: 'stall' },
      StatsErrorCode.RequestFailed,
    ],
    [
      'a slow-loris drip is a failed request once the deadline passes',
      { kind: 'slow-loris', intervalMs: 50, bytesPerTick: 1 },
      StatsErrorCode.RequestFailed,
    ],
    [
      'malformed JSON is a validation error',
      { kind: 'malformed', body: '{"agents": [' },
      StatsErrorCode.Validation,
    ],
    [
      'wrong types are a validation error',
      {
        kind: 'malformed',
        body: '{"snapshotTime":"2026-11-25T18:00:00Z","agents":[{"id":7}],"virtualQueues":"none"}',
      },
      StatsErrorCode.Validation,
    ],
    ['an empty body is a validation error', { kind: 'malformed', body: '' }, StatsErrorCode.Validation],
    [
      'a body over the size limit is too large',
      { kind: 'huge', bytes: 4 * 1024 * 1024 },
      StatsErrorCode.TooLarge,
    ],
    [
      'a small gzip body that inflates over the limit is too large',
      { kind: 'malformed', body: ' '.repeat(3 * 1024 * 1024) },
      StatsErrorCode.TooLarge,
    ],
    ['a snapshot older than the limit is stale', { kind: 'stale', ageMs: 60_000 }, StatsErrorCode.Stale],
  ])('%s, and the next read still delivers every count', async (_name, fault, code) => {
    const stats = client();
    const before = await stats.fetchSnapshot();
    server.faults.add(fault);
    await expect(stats.fetchSnapshot()).rejects.toMatchObject({ code });
    const after = await stats.fetchSnapshot();
    // Cumulative counters: the missed read's acceptance is included in the next one (3 reads served, or 2 when the
    // fault struck before the simulation was asked).
    const accepted = (s: typeof before) => s.snapshot.virtualQueues[0]!.acceptedTotal;
    expect(accepted(after)).toBeGreaterThanOrEqual(accepted(before) + 1);
    expect(after.snapshot.virtualQueues[0]!.abandonedTotal).toBeGreaterThanOrEqual(
      before.snapshot.virtualQueues[0]!.abandonedTotal,
    );
  });

  it('waits for an answer delayed within the deadline', async () => {
    server.faults.add({ kind: 'delay', ms: 100 });
    await expect(client().fetchSnapshot()).resolves.toMatchObject({ ageMs: 0 });
  });

  it('passes on the Retry-After of a 429 so the caller can wait before the next read', async () => {
    server.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 7 });
    await expect(client().fetchSnapshot()).rejects.toMatchObject({
      code: StatsErrorCode.RequestFailed,
      status: 429,
      retryAfterMs: 7_000,
    });
  });

  it('attaches the stale snapshot so its cumulative counters are not lost', async () => {
    server.faults.add({ kind: 'stale', ageMs: 45_000 });
    const error = await client()
      .fetchSnapshot()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatsStaleError);
    expect((error as StatsStaleError).ageMs).toBe(45_000);
    expect((error as StatsStaleError).snapshot.virtualQueues[0]!.acceptedTotal).toBe(1);
  });

  it('names the first mismatching field of an invalid snapshot', async () => {
    server.faults.add({
      kind: 'malformed',
      body: JSON.stringify({
        snapshotTime: '2026-11-25T18:00:00Z',
        agents: [],
        virtualQueues: [{ name: 'Q' }],
      }),
    });
    await expect(client().fetchSnapshot()).rejects.toMatchObject({
      code: StatsErrorCode.Validation,
      issues: expect.arrayContaining([expect.stringMatching(/^virtualQueues\.0\.media: /)]),
    });
  });

  it('asks for the table form and reads it into the snapshot the object form gives', async () => {
    const asked = await request(`${server.url}/v1/snapshot`, {
      headers: { authorization: 'Bearer stats-token', accept: 'application/json' },
      dispatcher,
    });
    const objectForm = (await asked.body.json()) as { agents: unknown[] };
    expect(asked.headers['content-type']).toBe('application/json');

    const plain = await startScriptedReplyServer();
    try {
      // A source that knows only the object form answers application/json whatever the client accepts.
      plain.reply({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(objectForm)),
      });
      const fromPlain = await client({ url: plain.url }).fetchSnapshot();
      const fromTable = await client().fetchSnapshot();
      // Agents only: this contact center counts one more interaction in its queues at every read.
      expect(fromTable.snapshot.agents).toEqual(objectForm.agents);
      expect(fromPlain.snapshot).toEqual(objectForm);
      expect(fromTable.snapshot.agents).toHaveLength(3);
      expect(fromTable.wireBytes).toBeLessThan(fromPlain.wireBytes);
    } finally {
      await plain.close();
    }
  });

  it('reads each table form a source may answer into the same snapshot', async () => {
    const source: StatsSnapshot = {
      snapshotTime: new Date(START_MS).toISOString(),
      agents: [{ id: 'a', groups: ['G'], skills: { Spanish: 6 }, media: {} }],
      virtualQueues: [
        {
          name: 'Q',
          media: 'chat',
          waiting: 1,
          waitingAgesSeconds: [2.5],
          acceptedTotal: 9,
          abandonedTotal: 1,
          answeredTotal: 8,
          handleSecondsTotal: 960,
        },
      ],
    };
    const encoder = new SnapshotTableEncoder();
    const plain = await startScriptedReplyServer();
    try {
      for (const [type, body] of [
        [STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE, encoder.encodeV2(source)],
        [STATS_SNAPSHOT_TABLE_MEDIA_TYPE, encoder.encode(source)],
        ['application/json', source],
      ] as const) {
        plain.reply({
          status: 200,
          headers: { 'content-type': type },
          body: Buffer.from(JSON.stringify(body)),
        });
        const read = await client({ url: plain.url }).fetchSnapshot();
        expect(read.snapshot).toEqual(source);
        expect(read.form).toBe(
          type === STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE
            ? 'table-v2'
            : type === 'application/json'
              ? 'object'
              : 'table',
        );
      }
    } finally {
      await plain.close();
    }
  });

  it('names the first mismatching field of an invalid version 2 table', async () => {
    const plain = await startScriptedReplyServer();
    try {
      const table = JSON.parse(
        JSON.stringify(
          new SnapshotTableEncoder().encodeV2({
            snapshotTime: '2026-11-25T18:00:00Z',
            agents: [],
            virtualQueues: [aQueue('Q')],
          }),
        ),
      );
      table.queueTable.waiting = [];
      plain.reply({
        status: 200,
        headers: { 'content-type': STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE },
        body: Buffer.from(JSON.stringify(table)),
      });
      await expect(client({ url: plain.url }).fetchSnapshot()).rejects.toMatchObject({
        code: StatsErrorCode.Validation,
        message: expect.stringContaining(
          'does not match the table (version 2) schema: queueTable.waiting: has 0 rows, names has 1',
        ),
      });
    } finally {
      await plain.close();
    }
  });

  it('names the roster it holds and reads the answers that leave it out into the same agents', async () => {
    const reader = client();
    const first = await reader.fetchSnapshot();
    const second = await reader.fetchSnapshot();
    const third = await reader.fetchSnapshot();
    expect([first.form, second.form, third.form]).toEqual([
      'table-v2',
      'table-v2-roster-held',
      'table-v2-roster-held',
    ]);
    expect(second.snapshot.agents).toEqual(first.snapshot.agents);
    expect(third.snapshot.agents).toEqual(first.snapshot.agents);
    // The roster (ids, groups, skills) is most of an answer of three agents with no interactions.
    expect(second.wireBytes).toBeLessThan(first.wireBytes);
    // A new client holds no roster and is sent it whole.
    expect((await client().fetchSnapshot()).wireBytes).toBeGreaterThan(second.wireBytes);
  });

  it('drops a roster a source no longer tags and refuses media columns for a roster it does not hold', async () => {
    const source: StatsSnapshot = {
      snapshotTime: new Date(START_MS).toISOString(),
      agents: [
        { id: 'a', groups: ['G'], skills: {}, media: { chat: { state: 'ready', capacity: 1, load: 0 } } },
      ],
      virtualQueues: [],
    };
    const table = new SnapshotTableEncoder().encodeV2(source);
    const plain = await startScriptedReplyServer();
    const answer = (body: unknown) =>
      plain.reply({
        status: 200,
        headers: { 'content-type': STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE },
        body: Buffer.from(JSON.stringify(body)),
      });
    try {
      const reader = client({ url: plain.url });
      answer(withRosterTag(table, 't.1', undefined));
      await reader.fetchSnapshot();
      answer(withRosterTag(table, 't.1', 't.1'));
      expect((await reader.fetchSnapshot()).snapshot).toEqual(source);
      answer(table);
      await reader.fetchSnapshot();
      answer(withRosterTag(table, 't.1', 't.1'));
      await expect(reader.fetchSnapshot()).rejects.toMatchObject({
        code: StatsErrorCode.Validation,
        message: expect.stringContaining(
          'agentTable.rosterTag: the roster columns are left out for roster t.1, but this client holds no roster',
        ),
      });
      // Named in the second request only: the first had none yet, the third came after an untagged answer.
      expect(plain.requestHeaders.map((h) => h[ROSTER_TAG_HEADER])).toEqual([
        undefined,
        't.1',
        't.1',
        undefined,
      ]);
    } finally {
      await plain.close();
    }
  });

  it('names the roster again only after a full answer when one named a roster it does not hold', async () => {
    const source: StatsSnapshot = {
      snapshotTime: new Date(START_MS).toISOString(),
      agents: [{ id: 'a', groups: [], skills: {}, media: {} }],
      virtualQueues: [],
    };
    const table = new SnapshotTableEncoder().encodeV2(source);
    const plain = await startScriptedReplyServer();
    try {
      const reader = client({ url: plain.url });
      plain.reply({
        status: 200,
        headers: { 'content-type': STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE },
        body: Buffer.from(JSON.stringify(withRosterTag(table, 'mine', undefined))),
      });
      await reader.fetchSnapshot();
      plain.reply({
        status: 200,
        headers: { 'content-type': STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE },
        body: Buffer.from(JSON.stringify(withRosterTag(table, 'theirs', 'theirs'))),
      });
      await expect(reader.fetchSnapshot()).rejects.toMatchObject({ code: StatsErrorCode.Validation });
      await expect(reader.fetchSnapshot()).rejects.toMatchObject({ code: StatsErrorCode.Validation });
      expect(plain.requestHeaders.map((h) => h[ROSTER_TAG_HEADER])).toEqual([undefined, 'mine', undefined]);
    } finally {
      await plain.close();
    }
  });

  it('names the first mismatching field of an invalid table', async () => {
    const plain = await startScriptedReplyServer();
    try {
      const table = JSON.parse(
        JSON.stringify(
          encodeSnapshotTable({
            snapshotTime: '2026-11-25T18:00:00Z',
            agents: [{ id: 'a', groups: [], skills: {}, media: {} }],
            virtualQueues: [],
          }),
        ),
      );
      table.agentTable.groupSet = [4];
      plain.reply({
        status: 200,
        headers: { 'content-type': `${STATS_SNAPSHOT_TABLE_MEDIA_TYPE}; charset=utf-8` },
        body: Buffer.from(JSON.stringify(table)),
      });
      await expect(client({ url: plain.url }).fetchSnapshot()).rejects.toMatchObject({
        code: StatsErrorCode.Validation,
        message: expect.stringContaining('does not match the table schema: agentTable.groupSet.0: index 4'),
      });
    } finally {
      await plain.close();
    }
  });

  it('rethrows the caller abort reason instead of a typed upstream error', async () => {
    server.faults.add({ kind: 'stall' });
    const controller = new AbortController();
    const pending = client({ timeoutMs: 60_000 }).fetchSnapshot(controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('fails a request to an unreachable source as a failed request', async () => {
    const url = server.url;
    await server.close();
    await expect(client({ url }).fetchSnapshot()).rejects.toMatchObject({
      code: StatsErrorCode.RequestFailed,
    });
    server = await startReferenceStatsServer({
      contactCenter: new FixedContactCenter({ startMs: START_MS }),
      clock,
    });
  });

  it.each(['timeoutMs', 'maxBodyBytes', 'maxAgeMs'] as const)(
    'refuses a non-positive %s at construction',
    (name) => {
      expect(() => client({ [name]: 0 })).toThrow(RangeError);
    },
  );
});

describe('StatsClient over TLS', () => {
  it('maps a certificate the client does not trust to a failed request', async () => {
    const { key, cert } = createSelfSignedCert();
    const server = createHttpsServer({ key, cert }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const dispatcher = new Agent();
    try {
      const client = new StatsClient({
        url: `https://127.0.0.1:${port}`,
        dispatcher,
        clock,
        timeoutMs: 2_000,
      });
      await expect(client.fetchSnapshot()).rejects.toMatchObject({
        code: StatsErrorCode.RequestFailed,
        message: expect.stringMatching(/SELF_SIGNED|self.signed/i),
      });
      // Trusting the certificate explicitly makes the same server acceptable (then it fails validation, not TLS).
      const trusting = createStatsDispatcher({ ca: cert });
      const trusted = new StatsClient({ url: `https://127.0.0.1:${port}`, dispatcher: trusting, clock });
      await expect(trusted.fetchSnapshot()).rejects.toMatchObject({ code: StatsErrorCode.Validation });
      await trusting.close();
    } finally {
      await dispatcher.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
