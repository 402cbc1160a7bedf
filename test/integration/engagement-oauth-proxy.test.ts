import {
  ClientCredentialsTokenSource,
  EngagementClient,
  EngagementErrorCode,
  createEngagementDispatcher,
  type ForwardProxy,
} from '../../src/engagement/index.js';
import type { EngagementRequestInput } from '../../src/api/protocol/index.js';
import {
  REFERENCE_TARGET_ENDPOINT,
  startReferenceEngagementServer,
  type ReferenceEngagementServer,
} from '../../src/sim/reference-engagement-server.js';
import { createLiveContactCenter, loadScenarioFile } from '../../src/sim/index.js';
import { ManualClock, seededRandom } from '../support/io/manual-clock.js';
import {
  startAuthorizationServer,
  type AuthorizationServer,
} from '../support/io/oauth-authorization-server.js';
import { startForwardProxy, type ForwardProxyServer } from '../support/io/forward-proxy.js';

// The live simulator behind the platform: the steady-chat-10 scenario has one target.
const scenario = loadScenarioFile(
  new URL('../bench/scenarios/steady-chat-10.yaml', import.meta.url).pathname,
);
const TARGETS = ['Proactive Chat:chat'];
const aRequest = (cycleId: number): EngagementRequestInput => ({
  clusterId: 'tenant-a/main',
  cycleId,
  intervalMs: 10_000,
  publisher: 'operator-0',
  targets: TARGETS.map((id) => ({ id, invites: 2, groups: ['Proactive Chat'] })),
});

/** Polls `check` every 50 ms until it holds or `timeoutMs` passes (a deadline, not a timed assertion). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the engagement client with a real OAuth 2.0 authorization server (oidc-provider)', () => {
  let auth: AuthorizationServer;
  let platform: ReferenceEngagementServer;
  let clock: ManualClock;
  let secret: string;

  beforeEach(async () => {
    auth = await startAuthorizationServer();
    await auth.registerClient('pacing-operator', 'first-secret');
    secret = 'first-secret';
    clock = new ManualClock(Date.now());
    platform = await startReferenceEngagementServer({
      contactCenter: createLiveContactCenter(scenario, 1, Date.now()),
      clock: { nowMs: () => Date.now() },
      verifyToken: (token) => auth.isActive(token),
    });
  });
  afterEach(async () => {
    await platform.close();
    await auth.close();
  });

  const aClient = (proxy?: ForwardProxy) => {
    const dispatcher = createEngagementDispatcher(proxy ? { proxy } : {});
    const client = new EngagementClient({
      baseServiceUrl: platform.url,
      targetEndpoint: REFERENCE_TARGET_ENDPOINT,
      tokenSource: new ClientCredentialsTokenSource({
        tokenUrl: auth.tokenUrl,
        credentials: () => ({ clientId: 'pacing-operator', clientSecret: secret }),
        dispatcher,
        clock,
      }),
      dispatcher,
      clock,
      random: seededRandom(3),
      timeoutMs: 5_000,
    });
    return { client, close: () => dispatcher.close() };
  };

  it('obtains a token with the client-credentials grant and publishes with it', async () => {
    const { client, close } = aClient();
    const result = await client.exchange(aRequest(1));
    await close();
    expect(result.targets.map((t) => t.id)).toEqual(TARGETS);
    expect(auth.issuedCount()).toBe(1);
  });

  it('reuses the token while it is valid and renews it shortly before it expires', async () => {
    auth.setTokenLifetime(60);
    const { client, close } = aClient();
    await client.exchange(aRequest(1));
    clock.advance(20_000);
    await client.exchange(aRequest(2));
    expect(auth.issuedCount()).toBe(1);
    clock.advance(11_000); // past half of the 60 s lifetime: renewed before expiry
    await client.exchange(aRequest(3));
    await close();
    expect(auth.issuedCount()).toBe(2);
  });

  it('gets a 401 for a token the server has expired, refreshes once and completes the cycle', async () => {
    auth.setTokenLifetime(1);
    const { client, close } = aClient();
    const first = await client.exchange(aRequest(1));
    expect(first.transfer.attempts).toBe(1);
    // The client's clock stands still, so only the authorization server knows the token has expired.
    await eventually(async () => auth.issuedCount() === 1 && (await auth.activeTokenCount()) === 0);
    auth.setTokenLifetime(300);
    const second = await client.exchange(aRequest(2));
    await close();
    expect(second.transfer.attempts).toBe(2);
    expect(second.targetErrors).toEqual([]);
    expect(auth.issuedCount()).toBe(2);
  });

  it('recovers from a 401 after the secret was rotated and the old tokens revoked', async () => {
    const { client, close } = aClient();
    await client.exchange(aRequest(1));
    await auth.registerClient('pacing-operator', 'rotated-secret');
    await auth.revokeAll();
    secret = 'rotated-secret'; // the Secret now holds the new value; the token source reads it on refresh
    const result = await client.exchange(aRequest(2));
    await close();
    expect(result.transfer.attempts).toBe(2);
    expect(result.targets).toHaveLength(TARGETS.length);
  });

  it('fails with a typed auth error, naming no secret, when the old secret is still configured after rotation', async () => {
    await auth.registerClient('pacing-operator', 'rotated-secret');
    const { client, close } = aClient();
    const error = await client.exchange(aRequest(1)).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string; oauthError?: string },
    );
    await close();
    expect(error).toMatchObject({ code: EngagementErrorCode.Auth, oauthError: 'invalid_client' });
    expect(JSON.stringify(error) + String(error?.message)).not.toContain('first-secret');
  });

  describe('through a real forward proxy (npm proxy)', () => {
    let proxy: ForwardProxyServer;
    afterEach(() => proxy.close());

    it('sends both the token request and the exchange through a proxy without credentials', async () => {
      proxy = await startForwardProxy();
      const { client, close } = aClient({ url: proxy.url });
      const result = await client.exchange(aRequest(1));
      await close();
      expect(result.targets).toHaveLength(TARGETS.length);
      expect(new Set(proxy.destinations)).toEqual(
        new Set([new URL(auth.tokenUrl).host, new URL(platform.url).host]),
      );
    });

    it('passes a proxy that demands credentials when they are configured', async () => {
      proxy = await startForwardProxy({ username: 'pacer', password: 'proxy-pass' });
      const { client, close } = aClient({ url: proxy.url, username: 'pacer', password: 'proxy-pass' });
      const result = await client.exchange(aRequest(1));
      await close();
      expect(result.targets).toHaveLength(TARGETS.length);
      expect(proxy.refused()).toBe(0);
      expect(proxy.destinations).toContain(new URL(platform.url).host);
    });

    it.each([
      ['without credentials', undefined],
      ['with a wrong password', 'not-the-password'],
    ])(
      'is refused by a proxy that demands credentials when they are missing (%s), as a typed error',
      async (_name, password) => {
        proxy = await startForwardProxy({ username: 'pacer', password: 'proxy-pass' });
        const { client, close } = aClient(
          password === undefined ? { url: proxy.url } : { url: proxy.url, username: 'pacer', password },
        );
        const error = await client.exchange(aRequest(1)).then(
          () => undefined,
          (e: unknown) => e as Error & { code: string },
        );
        await close();
        // The token request is the first to cross the proxy, so the refusal surfaces as an auth failure.
        expect(error).toMatchObject({ code: EngagementErrorCode.Auth });
        expect(String(error?.message)).toMatch(/407|proxy/i);
        expect(proxy.refused()).toBeGreaterThan(0);
        expect(auth.issuedCount()).toBe(0);
      },
    );
  });
});
