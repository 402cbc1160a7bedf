import { Agent, request } from 'undici';
import {
  startReferenceTokenServer,
  type ReferenceTokenServer,
} from '../../../src/sim/reference-token-server.js';
import { ManualClock } from '../../support/io/manual-clock.js';

describe('the demo OAuth2 token server', () => {
  let server: ReferenceTokenServer;
  const clock = new ManualClock(Date.parse('2026-11-25T18:00:00Z'));
  const agent = new Agent();

  beforeEach(async () => {
    server = await startReferenceTokenServer({ clients: { app: 'pw' }, clock, tokenLifetimeSeconds: 60 });
  });
  afterEach(() => server.close());
  afterAll(() => agent.close());

  const ask = async (body: string, authorization?: string) => {
    const response = await request(server.tokenUrl, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      body,
    });
    return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
  };
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  it.each([
    ['client_secret_basic', 'grant_type=client_credentials', basic('app', 'pw')],
    ['client_secret_post', 'grant_type=client_credentials&client_id=app&client_secret=pw', undefined],
  ])('issues a Bearer token for %s that it then accepts', async (_name, body, authorization) => {
    const { status, json } = await ask(body, authorization);
    expect(status).toBe(200);
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect(server.verifyToken(json.access_token as string)).toBe(true);
  });

  it.each([
    ['a wrong secret', 'grant_type=client_credentials', basic('app', 'nope'), 401, 'invalid_client'],
    ['an unknown client', 'grant_type=client_credentials', basic('other', 'pw'), 401, 'invalid_client'],
    ['no credentials', 'grant_type=client_credentials', undefined, 401, 'invalid_client'],
    ['another grant type', 'grant_type=password', basic('app', 'pw'), 400, 'unsupported_grant_type'],
  ])('refuses %s', async (_name, body, authorization, status, error) => {
    expect(await ask(body, authorization)).toEqual({ status, json: { error } });
  });

  it('stops accepting a token once it expires or is revoked, and accepts only the rotated secret', async () => {
    const first = (await ask('grant_type=client_credentials', basic('app', 'pw'))).json
      .access_token as string;
    clock.advance(61_000);
    expect(server.verifyToken(first)).toBe(false);
    const second = (await ask('grant_type=client_credentials', basic('app', 'pw'))).json
      .access_token as string;
    server.revokeTokens();
    expect(server.verifyToken(second)).toBe(false);
    server.rotateSecret('app', 'pw2');
    expect((await ask('grant_type=client_credentials', basic('app', 'pw'))).status).toBe(401);
    expect((await ask('grant_type=client_credentials', basic('app', 'pw2'))).status).toBe(200);
    expect(server.issuedCount()).toBe(3);
  });
});
