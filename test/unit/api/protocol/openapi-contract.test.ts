import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import {
  ROSTER_TAG_HEADER,
  EngagementWireAnswerSchema,
  EngagementWireRequestSchema,
  STATS_SNAPSHOT_TABLE_MEDIA_TYPE,
  STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE,
  StatsSelectionSchema,
  StatsSnapshotSchema,
  StatsSnapshotTableSchema,
  StatsSnapshotTableV2Schema,
  decodeSnapshotTableV2,
  type EngagementRequestInput,
} from '../../../../src/api/protocol/index.js';
import { EngagementClient, EngagementErrorCode } from '../../../../src/engagement/index.js';
import { StatsClient } from '../../../../src/stats/index.js';
import {
  REFERENCE_TARGET_ENDPOINT,
  startReferenceEngagementServer,
  type ReferenceEngagementServer,
} from '../../../../src/sim/reference-engagement-server.js';
import {
  startReferenceStatsServer,
  type ReferenceStatsServer,
} from '../../../../src/sim/reference-stats-server.js';
import { FixedContactCenter } from '../../../support/io/fixed-contact-center.js';
import { ManualClock, seededRandom } from '../../../support/io/manual-clock.js';
import {
  mutantsOf,
  openApiExample,
  openApiValidator,
  readOpenApi,
} from '../../../support/io/openapi-schema.js';

const statsDoc = readOpenApi(new URL('../../../../docs/api/stats-snapshot.openapi.yaml', import.meta.url));
const exchangeDoc = readOpenApi(
  new URL('../../../../docs/api/engagement-exchange.openapi.yaml', import.meta.url),
);
const openApiSnapshot = openApiValidator(statsDoc, 'StatsSnapshot');
const openApiSelection = openApiValidator(statsDoc, 'StatsSelection');
const openApiTable = openApiValidator(statsDoc, 'StatsSnapshotTable');
const openApiTableV2 = openApiValidator(statsDoc, 'StatsSnapshotTableV2');
const openApiRequest = openApiValidator(exchangeDoc, 'ExchangeRequest');
const openApiAnswer = openApiValidator(exchangeDoc, 'ExchangeAnswer');

const exampleSnapshot = openApiExample(statsDoc, '/v1/snapshot', 'get', 'response', 'small');
const exampleTable = openApiExample(
  statsDoc,
  '/v1/snapshot',
  'get',
  'response',
  'small',
  STATS_SNAPSHOT_TABLE_MEDIA_TYPE,
);
const exampleTableV2 = openApiExample(
  statsDoc,
  '/v1/snapshot',
  'get',
  'response',
  'small',
  STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE,
);
const exampleRosterLeftOut = openApiExample(
  statsDoc,
  '/v1/snapshot',
  'get',
  'response',
  'rosterLeftOut',
  STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE,
);
const exampleSelection = openApiExample(statsDoc, '/v1/snapshot/query', 'post', 'request', 'oneShard');
const exampleRequest = openApiExample(
  exchangeDoc,
  REFERENCE_TARGET_ENDPOINT,
  'post',
  'request',
  'twoTargets',
);
const exampleAnswer = openApiExample(
  exchangeDoc,
  REFERENCE_TARGET_ENDPOINT,
  'post',
  'response',
  'oneInError',
);

const START_MS = Date.parse('2026-11-25T18:00:00.000Z');
const agent = new Agent();
afterAll(() => agent.close());

describe('the OpenAPI files and the zod wire schemas describe the same shapes', () => {
  it.each([
    ['the snapshot example', exampleSnapshot, openApiSnapshot, StatsSnapshotSchema],
    ['the table snapshot example', exampleTable, openApiTable, StatsSnapshotTableSchema],
    ['the version 2 table snapshot example', exampleTableV2, openApiTableV2, StatsSnapshotTableV2Schema],
    ['the roster-left-out example', exampleRosterLeftOut, openApiTableV2, StatsSnapshotTableV2Schema],
    ['the selection example', exampleSelection, openApiSelection, StatsSelectionSchema],
    ['the exchange request example', exampleRequest, openApiRequest, EngagementWireRequestSchema],
    ['the exchange answer example', exampleAnswer, openApiAnswer, EngagementWireAnswerSchema],
  ] as const)('%s is valid for both', (_name, example, openApi, zod) => {
    expect(openApi.safeParse(example).success).toBe(true);
    expect(zod.safeParse(example).success).toBe(true);
  });

  it.each([
    ['snapshot', exampleSnapshot, openApiSnapshot, StatsSnapshotSchema],
    ['table snapshot', exampleTable, openApiTable, StatsSnapshotTableSchema],
    ['version 2 table snapshot', exampleTableV2, openApiTableV2, StatsSnapshotTableV2Schema],
    ['roster-left-out', exampleRosterLeftOut, openApiTableV2, StatsSnapshotTableV2Schema],
    ['selection', exampleSelection, openApiSelection, StatsSelectionSchema],
    ['exchange request', exampleRequest, openApiRequest, EngagementWireRequestSchema],
    ['exchange answer', exampleAnswer, openApiAnswer, EngagementWireAnswerSchema],
  ] as const)(
    'every one-change variant of the %s example is accepted or refused by both alike',
    (_name, example, openApi, zod) => {
      const mutants = mutantsOf(example);
      expect(mutants.length).toBeGreaterThan(10);
      const disagreements = mutants
        .filter(([, m]) => openApi.safeParse(m).success !== zod.safeParse(m).success)
        .map(([path]) => path);
      expect(disagreements).toEqual([]);
      // The variants are not all harmless: most of them must be refused.
      expect(mutants.filter(([, m]) => !zod.safeParse(m).success).length).toBeGreaterThan(mutants.length / 2);
    },
  );
});

describe('the reference servers and the clients speak exactly the documented shapes', () => {
  let stats: ReferenceStatsServer;
  let platform: ReferenceEngagementServer;
  const clock = new ManualClock(START_MS);

  beforeAll(async () => {
    const center = new FixedContactCenter({
      startMs: START_MS,
      targets: ['Proactive Chat:chat', 'Sales:voice'],
    });
    stats = await startReferenceStatsServer({ contactCenter: center, clock });
    platform = await startReferenceEngagementServer({ contactCenter: center, clock });
  });
  afterAll(async () => {
    await stats.close();
    await platform.close();
  });

  const engagementClient = (maxTargetsPerRequest = 1) =>
    new EngagementClient({
      baseServiceUrl: platform.url,
      targetEndpoint: REFERENCE_TARGET_ENDPOINT,
      tokenSource: { getToken: async () => 'unused', invalidate: () => undefined },
      dispatcher: agent,
      clock,
      random: seededRandom(5),
      maxTargetsPerRequest,
    });

  const postRaw = async (body: unknown) => {
    const response = await request(`${platform.url}${REFERENCE_TARGET_ENDPOINT}`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(body)),
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      json: response.statusCode === 200 ? (JSON.parse(text) as unknown) : text,
    };
  };

  it('serves snapshots that match the OpenAPI schema', async () => {
    const response = await request(`${stats.url}/v1/snapshot`, { dispatcher: agent });
    const json = (await response.body.json()) as unknown;
    expect(openApiSnapshot.safeParse(json).success).toBe(true);
  });

  it('serves the table form, matching its OpenAPI schema, when Accept asks for it', async () => {
    const response = await request(`${stats.url}/v1/snapshot`, {
      dispatcher: agent,
      headers: { accept: `${STATS_SNAPSHOT_TABLE_MEDIA_TYPE}, application/json;q=0.5` },
    });
    expect(response.headers['content-type']).toBe(STATS_SNAPSHOT_TABLE_MEDIA_TYPE);
    const json = (await response.body.json()) as { agentTable: { ids: unknown[] } };
    expect(openApiTable.safeParse(json).success).toBe(true);
    expect(StatsSnapshotTableSchema.safeParse(json).success).toBe(true);
    expect(json.agentTable.ids.length).toBeGreaterThan(0);
  });

  it('serves the version 2 table form, matching its OpenAPI schema, when Accept lists it', async () => {
    const response = await request(`${stats.url}/v1/snapshot`, {
      dispatcher: agent,
      headers: {
        accept: `${STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE}, ${STATS_SNAPSHOT_TABLE_MEDIA_TYPE};q=0.9, application/json;q=0.5`,
      },
    });
    expect(response.headers['content-type']).toBe(STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE);
    const json = (await response.body.json()) as { queueTable: { names: unknown[] } };
    expect(openApiTableV2.safeParse(json).success).toBe(true);
    expect(StatsSnapshotTableV2Schema.safeParse(json).success).toBe(true);
    expect(json.queueTable.names.length).toBeGreaterThan(0);
  });

  it('leaves the roster out for the tag a request names, matching the OpenAPI schema', async () => {
    const read = async (tag?: string) => {
      const headers: Record<string, string> = { accept: STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE };
      if (tag !== undefined) headers[ROSTER_TAG_HEADER] = tag;
      const response = await request(`${stats.url}/v1/snapshot`, { dispatcher: agent, headers });
      return (await response.body.json()) as { agentTable: { rosterTag: string; ids?: unknown } };
    };
    const whole = await read();
    const leftOut = await read(whole.agentTable.rosterTag);
    expect(leftOut.agentTable.ids).toBeUndefined();
    for (const json of [whole, leftOut]) {
      expect(openApiTableV2.safeParse(json).success).toBe(true);
      expect(StatsSnapshotTableV2Schema.safeParse(json).success).toBe(true);
    }
  });

  it('decodes the version 2 example into the snapshot of the object form example', () => {
    const table = StatsSnapshotTableV2Schema.parse(exampleTableV2);
    const decoded = decodeSnapshotTableV2(table);
    expect(decoded.virtualQueues[0]).toEqual(
      (exampleSnapshot as { virtualQueues: unknown[] }).virtualQueues[0],
    );
    expect(decoded.agents[0]).toEqual((exampleSnapshot as { agents: unknown[] }).agents[0]);
  });

  it('has a statistics client that accepts the OpenAPI example snapshot', async () => {
    stats.faults.add({ kind: 'malformed', body: JSON.stringify(exampleSnapshot) });
    const client = new StatsClient({ url: stats.url, dispatcher: agent, clock });
    const result = await client.fetchSnapshot();
    expect(result.snapshot).toEqual(exampleSnapshot);
  });

  it('has an engagement client whose requests (chunked, with group tables) match the OpenAPI schema', async () => {
    const input: EngagementRequestInput = {
      clusterId: 'tenant-a/main',
      cycleId: 5,
      intervalMs: 10_000,
      publisher: 'operator-0',
      targets: [
        { id: 'Proactive Chat:chat', invites: 2, groups: ['Proactive Chat', 'Spanish'] },
        { id: 'Sales:voice', invites: 0, groups: [] },
      ],
    };
    await engagementClient().exchange(input);
    const sent = platform.receivedRequests().slice(-2);
    expect(sent).toHaveLength(2);
    for (const body of sent) expect(openApiRequest.safeParse(body).success).toBe(true);
  });

  it('answers the OpenAPI example request with an answer that matches the OpenAPI schema', async () => {
    const { status, json } = await postRaw(exampleRequest);
    expect(status).toBe(200);
    expect(openApiAnswer.safeParse(json).success).toBe(true);
    // 'Spanish Sales:voice' is unknown to this simulation, so the documented per-target error appears.
    expect(json).toMatchObject({ errors: [['Spanish Sales:voice', 'UNKNOWN_TARGET', expect.any(String)]] });
  });

  it('refuses with 400 every generated request variant that the OpenAPI schema refuses', async () => {
    const refused = mutantsOf(exampleRequest).filter(([, m]) => !openApiRequest.safeParse(m).success);
    expect(refused.length).toBeGreaterThan(10);
    for (const [path, mutant] of refused) {
      const { status } = await postRaw(mutant);
      expect([path, status]).toEqual([path, 400]);
    }
  });

  it('has an engagement client that accepts the OpenAPI example answer', async () => {
    platform.faults.add({ kind: 'malformed', body: JSON.stringify(exampleAnswer) });
    const result = await engagementClient(100).exchange({
      clusterId: 'tenant-a/main',
      cycleId: 177643,
      intervalMs: 10_000,
      publisher: 'operator-0',
      targets: [
        { id: 'Proactive Chat:chat', invites: 3, groups: ['Proactive Chat'] },
        { id: 'Spanish Sales:voice', invites: 1, groups: ['Proactive Chat', 'Spanish Sales'] },
      ],
    });
    expect(result.targets).toEqual([
      {
        id: 'Proactive Chat:chat',
        pending: 2,
        sentTotal: 120,
        acceptedTotal: 80,
        declinedTotal: 30,
        expiredTotal: 8,
      },
    ]);
    expect(result.targetErrors).toEqual([
      expect.objectContaining({
        code: EngagementErrorCode.Target,
        targetId: 'Spanish Sales:voice',
        reason: 'reported',
        platformCode: 'UNKNOWN_TARGET',
      }),
    ]);
  });
});
