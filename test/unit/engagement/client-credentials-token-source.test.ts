import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { ClientCredentialsTokenSource, EngagementErrorCode } from '../../../src/engagement/index.js';
import { ManualClock } from '../../support/io/manual-clock.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A scripted token endpoint on loopback: each request is answered by the handler, and recorded. */
async function startTokenEndpoint(handler: Handler) {
  const requests: { authorization: string | undefined; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ authorization: req.headers.authorization, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oauth/token`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('ClientCredentialsTokenSource', () => {
  const dispatcher = new Agent();
  afterAll(() => dispatcher.close());
  const clock = new ManualClock(1_000_000);
  const source = (url: string, overrides: { refreshMarginMs?: number; scope?: string } = {}) =>
    new ClientCredentialsTokenSource({
      tokenUrl: url,
      credentials: () => ({ clientId: 'id with space', clientSecret: 's:ecret' }),
      dispatcher,
      clock,
      timeoutMs: 1_000,
      ...overrides,
    });

  it('sends the client-credentials grant with form-encoded Basic credentials and the scope', async () => {
    const endpoint = await startTokenEndpoint((_req, _body, res) =>
      json(res, 200, { access_token: 'tok', token_type: 'bearer', expires_in: 60 }),
    );
    await expect(source(endpoint.url, { scope: 'pacing' }).getToken()).resolves.toBe('tok');
    await endpoint.close();
    expect(endpoint.requests).toEqual([
      {
        authorization: `Basic ${Buffer.from('id%20with%20space:s%3Aecret').toString('base64')}`,
        body: 'grant_type=client_credentials&scope=pacing',
      },
    ]);
  });

  it('shares one token request between concurrent callers', async () => {
    const endpoint = await startTokenEndpoint((_req, _body, res) =>
      setTimeout(() => json(res, 200, { access_token: 'shared', token_type: 'Bearer', expires_in: 300 }), 30),
    );
    const tokens = source(endpoint.url);
    const got = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    await endpoint.close();
    expect(got).toEqual(['shared', 'shared', 'shared']);
    expect(endpoint.requests).toHaveLength(1);
  });

  it.each([
    ['a 60 s margin on a 300 s token', 300, 60_000, 239_000, 241_000],
    ['half the lifetime when the margin would eat more than that', 10, 60_000, 4_000, 6_000],
    ['300 s assumed when expires_in is missing', undefined, 60_000, 239_000, 241_000],
  ])('renews with %s', async (_name, expiresIn, refreshMarginMs, stillCachedAtMs, renewedAtMs) => {
    let n = 0;
    const endpoint = await startTokenEndpoint((_req, _body, res) =>
      json(res, 200, {
        access_token: `t${++n}`,
        token_type: 'Bearer',
        ...(expiresIn ? { expires_in: expiresIn } : {}),
      }),
    );
    const start = clock.nowMs();
    const tokens = source(endpoint.url, { refreshMarginMs });
    await tokens.getToken();
    clock.advance(stillCachedAtMs);
    await expect(tokens.getToken()).resolves.toBe('t1');
    clock.advance(renewedAtMs - (clock.nowMs() - start));
    await expect(tokens.getToken()).resolves.toBe('t2');
    await endpoint.close();
  });

  it('forgets an invalidated token and keeps a different one', async () => {
    let n = 0;
    const endpoint = await startTokenEndpoint((_req, _body, res) =>
      json(res, 200, { access_token: `t${++n}`, token_type: 'Bearer', expires_in: 300 }),
    );
    const tokens = source(endpoint.url);
    await tokens.getToken();
    tokens.invalidate('some-other-token');
    await expect(tokens.getToken()).resolves.toBe('t1');
    tokens.invalidate('t1');
    await expect(tokens.getToken()).resolves.toBe('t2');
    await endpoint.close();
  });

  it.each<[string, Handler, Record<string, unknown>]>([
    [
      'a refusal with an OAuth error',
      (_q, _b, res) => json(res, 401, { error: 'invalid_client' }),
      { status: 401, oauthError: 'invalid_client' },
    ],
    ['a 500 without a body', (_q, _b, res) => res.writeHead(500).end(), { status: 500 }],
    [
      'a token type other than Bearer',
      (_q, _b, res) => json(res, 200, { access_token: 'x', token_type: 'mac' }),
      { status: 200 },
    ],
    ['an answer without a token', (_q, _b, res) => json(res, 200, { token_type: 'Bearer' }), { status: 200 }],
    ['an answer that is not JSON', (_q, _b, res) => res.writeHead(200).end('<html>'), { status: 200 }],
    ['a connection reset', (_q, _b, res) => res.socket?.destroy(), {}],
    ['an answer that never comes', () => undefined, {}],
  ])('turns %s into an auth error that names no secret', async (_name, handler, details) => {
    const endpoint = await startTokenEndpoint(handler);
    const error = await source(endpoint.url)
      .getToken()
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    await endpoint.close();
    expect(error).toMatchObject({ code: EngagementErrorCode.Auth, endpoint: endpoint.url, ...details });
    expect(`${error?.message} ${JSON.stringify(error)}`).not.toMatch(/s:ecret|s%3Aecret/);
  });
});
