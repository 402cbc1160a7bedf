import { Agent, request } from 'undici';
import {
  ClientCredentialsTokenSource,
  EngagementClient,
  createEngagementDispatcher,
} from '../../src/engagement/index.js';
import { StatsClient, StatsErrorCode } from '../../src/stats/index.js';
import { loadScenarioFile } from '../../src/sim/index.js';
import { startReferenceServers, type ReferenceServers } from '../../src/sim/reference-servers.js';
import type { PublicationRecord } from '../../src/sim/reference-engagement-server.js';
import { seededRandom } from '../support/io/manual-clock.js';

const scenarioPath = new URL('../bench/scenarios/steady-chat-10.yaml', import.meta.url).pathname;
const realClock = {
  nowMs: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

describe('the reference servers over the live simulator (what `pacing-operator serve` runs)', () => {
  let servers: ReferenceServers;
  const dispatcher = createEngagementDispatcher();
  const plain = new Agent();

  beforeAll(async () => {
    servers = await startReferenceServers({
      scenario: loadScenarioFile(scenarioPath),
      seed: 7,
      clock: realClock,
      ports: { stats: 0, engagement: 0, auth: 0 },
      clients: { 'demo-client': 'demo-secret' },
    });
  });
  afterAll(async () => {
    await servers.close();
    await dispatcher.close();
    await plain.close();
  });

  const statsClient = () => new StatsClient({ url: servers.stats.url, dispatcher: plain, clock: realClock });
  const engagementClient = () =>
    new EngagementClient({
      baseServiceUrl: servers.engagement.url,
      targetEndpoint: '/v1/pacing',
      tokenSource: new ClientCredentialsTokenSource({
        tokenUrl: servers.tokens.tokenUrl,
        credentials: () => ({ clientId: 'demo-client', clientSecret: 'demo-secret' }),
        dispatcher,
        clock: realClock,
      }),
      dispatcher,
      clock: realClock,
      random: seededRandom(11),
    });

  it('serves a valid snapshot of the scenario: its agents and its virtual queue', async () => {
    const { snapshot } = await statsClient().fetchSnapshot();
    expect(snapshot.agents).toHaveLength(10);
    expect(snapshot.virtualQueues.map((q) => `${q.name}:${q.media}`)).toEqual(['Proactive Chat:chat']);
  });

  it('applies allowances to simulated visitors, reports every target, and records who published each cycle', async () => {
    const cycle = (cycleId: number, publisher: string) => ({
      clusterId: 'pacing-demo/demo',
      cycleId,
      intervalMs: 5_000,
      publisher,
      targets: [{ id: 'Proactive Chat:chat', invites: 4, groups: ['Proactive Chat'] }],
    });
    const first = await engagementClient().exchange(cycle(1, 'replica-1'));
    expect(first.targetErrors).toEqual([]);
    expect(first.targets).toEqual([expect.objectContaining({ id: 'Proactive Chat:chat' })]);
    expect(first.targets[0]!.sentTotal).toBeGreaterThan(0);
    await engagementClient().exchange(cycle(2, 'replica-2'));

    const response = await request(`${servers.engagement.url}/debug/publications`, { dispatcher: plain });
    const { publications } = (await response.body.json()) as { publications: PublicationRecord[] };
    expect(publications.map((p) => [p.cycleId, p.publisher])).toEqual([
      [1, 'replica-1'],
      [2, 'replica-2'],
    ]);
  });

  it('refuses an exchange without a token from its token server', async () => {
    const response = await request(`${servers.engagement.url}/v1/pacing`, {
      method: 'POST',
      dispatcher: plain,
      headers: { authorization: 'Bearer made-up', 'content-type': 'application/json' },
      body: '{}',
    });
    await response.body.dump();
    expect(response.statusCode).toBe(401);
  });

  it('injects a fault requested on its control endpoint, then serves normally again', async () => {
    const control = await request(`${servers.stats.url}/debug/faults`, {
      method: 'POST',
      dispatcher: plain,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'malformed', body: '{"agents":' }, times: 1 }),
    });
    expect(await control.body.json()).toEqual({ pending: 1 });
    await expect(statsClient().fetchSnapshot()).rejects.toMatchObject({ code: StatsErrorCode.Validation });
    await expect(statsClient().fetchSnapshot()).resolves.toMatchObject({ snapshot: expect.any(Object) });
  });
});

describe('a cycle split into several requests over the live simulator', () => {
  let servers: ReferenceServers;
  const dispatcher = createEngagementDispatcher();

  beforeAll(async () => {
    servers = await startReferenceServers({
      scenario: loadScenarioFile(
        new URL('../bench/scenarios/shared-blended-reactive.yaml', import.meta.url).pathname,
      ),
      seed: 3,
      clock: realClock,
      ports: { stats: 0, engagement: 0, auth: 0 },
      clients: { 'demo-client': 'demo-secret' },
    });
  });
  afterAll(async () => {
    await servers.close();
    await dispatcher.close();
  });

  it('applies every chunk once: each target gets its invitations and a replayed cycle sends nothing more', async () => {
    const client = new EngagementClient({
      baseServiceUrl: servers.engagement.url,
      targetEndpoint: '/v1/pacing',
      tokenSource: new ClientCredentialsTokenSource({
        tokenUrl: servers.tokens.tokenUrl,
        credentials: () => ({ clientId: 'demo-client', clientSecret: 'demo-secret' }),
        dispatcher,
        clock: realClock,
      }),
      dispatcher,
      clock: realClock,
      random: seededRandom(2),
      maxTargetsPerRequest: 1,
    });
    const request = {
      clusterId: 'pacing-demo/demo',
      cycleId: 1,
      intervalMs: 5_000,
      publisher: 'replica-1',
      targets: [
        { id: 'Sales:chat', invites: 3, groups: ['Sales'] },
        { id: 'Support:chat', invites: 3, groups: ['Support'] },
      ],
    };
    const first = await client.exchange(request);
    expect(first.transfer.chunks).toBe(2);
    expect(first.targets.map((t) => [t.id, t.sentTotal])).toEqual([
      ['Sales:chat', 3],
      ['Support:chat', 3],
    ]);
    const replay = await client.exchange(request);
    expect(replay.targets.map((t) => t.sentTotal)).toEqual([3, 3]);
  });
});

describe('the simulation behind the reference servers between requests', () => {
  const start = async (advanceEveryMs: number | undefined, clock: { nowMs(): number }) =>
    startReferenceServers({
      scenario: loadScenarioFile(scenarioPath),
      seed: 7,
      clock,
      ports: { stats: 0, engagement: 0, auth: 0 },
      clients: { 'demo-client': 'demo-secret' },
      ...(advanceEveryMs === undefined ? {} : { advanceEveryMs }),
    });
  const readsOfTheClockIn = async (advanceEveryMs: number | undefined, waitMs: number) => {
    let reads = 0;
    const servers = await start(advanceEveryMs, {
      nowMs: () => {
        reads++;
        return Date.now();
      },
    });
    const before = reads;
    await realClock.sleep(waitMs);
    const during = reads - before;
    await servers.close();
    return during;
  };

  it('catches up with the clock in the background, so a snapshot read does not simulate the whole gap', async () => {
    // No request is made while waiting: only the background catch-up reads the clock.
    expect(await readsOfTheClockIn(undefined, 1_000)).toBeGreaterThanOrEqual(3);
    expect(await readsOfTheClockIn(50, 500)).toBeGreaterThanOrEqual(5);
  });

  it('advances only when asked with advanceEveryMs 0', async () => {
    expect(await readsOfTheClockIn(0, 500)).toBe(0);
  });
});
