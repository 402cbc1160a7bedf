import fc from 'fast-check';
import {
  ClientCredentialsTokenSource,
  createEngagementDispatcher,
  EngagementAuthError,
} from '../../../src/engagement/index.js';
import { replyNear } from '../../support/fuzz-http-body.js';
import { checkFuzzProperty } from '../../support/fuzz-property.js';
import { clientFuzzRuns, fuzzTimeoutMs } from '../../support/fuzz-runs.js';
import { hostileValue, isPrototypePolluted } from '../../support/json-mutation.js';
import {
  startScriptedReplyServer,
  type ScriptedReply,
  type ScriptedReplyServer,
} from '../../support/io/scripted-reply-server.js';

// The OAuth2 token answer is outside input too: the client-credentials token source against a loopback token
// endpoint that answers fuzzed bodies. A token it hands out is sent as `Authorization: Bearer <token>` on every
// exchange, so it must be what the Bearer scheme can carry.

const family = 'engagement-token';
const START_MS = Date.parse('2026-11-25T18:00:00.000Z');
const validToken = { access_token: 'eyJhbGciOi.payload.sig', token_type: 'Bearer', expires_in: 3600 };
// RFC 6750 §2.1 b64token: what `Authorization: Bearer <token>` may carry (and always a valid header value).
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

const tokenAnswer = fc
  .record({
    access_token: fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.string({ maxLength: 20 }),
      hostileValue,
    ),
    token_type: fc.oneof(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'mac', ''), hostileValue),
    expires_in: fc.oneof(fc.double(), fc.integer(), hostileValue),
  })
  .map((answer): ScriptedReply => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(answer)),
  }));

describe('ClientCredentialsTokenSource fed fuzzed token answers by a loopback server', () => {
  let server: ScriptedReplyServer;
  const dispatcher = createEngagementDispatcher();

  beforeAll(async () => {
    server = await startScriptedReplyServer();
  });
  afterAll(async () => {
    await server.close();
    await dispatcher.close();
  });

  // The first row is the shrunk counter-example: a blank token was handed out, so every exchange then failed as a
  // rejected or malformed request instead of the token endpoint being named as the culprit.
  it.each<[string, string]>([
    ['a token of one space', ' '],
    ['a token with a line break', 'abc\ndef'],
    ['a token with a space inside', 'abc def'],
    ['a token in Chinese characters', '令牌'],
    ['a token with a NUL', 'abc\u0000'],
  ])('refuses %s as an invalid token answer', async (_name, token) => {
    server.reply({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ ...validToken, access_token: token })),
    });
    const source = new ClientCredentialsTokenSource({
      tokenUrl: `${server.url}/oauth/token`,
      credentials: () => ({ clientId: 'pacing', clientSecret: 's3cret' }),
      dispatcher,
      clock: { nowMs: () => START_MS },
    });
    await expect(source.getToken()).rejects.toThrow(EngagementAuthError);
  });

  it.each<[string, string]>([
    ['a JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYWNpbmcifQ.c2lnbmF0dXJl'],
    ['a base64 token with padding', 'QUJDREVGR0g+/w=='],
    ['an opaque token with URL-safe marks', 'a-b_c.d~e'],
  ])('hands out %s unchanged', async (_name, token) => {
    server.reply({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ ...validToken, access_token: token })),
    });
    const source = new ClientCredentialsTokenSource({
      tokenUrl: `${server.url}/oauth/token`,
      credentials: () => ({ clientId: 'pacing', clientSecret: 's3cret' }),
      dispatcher,
      clock: { nowMs: () => START_MS },
    });
    await expect(source.getToken()).resolves.toBe(token);
  });

  it(
    'hands out a Bearer b64token, or fails with EngagementAuthError, and never crashes',
    async () => {
      await checkFuzzProperty(
        family,
        'getToken: b64token or EngagementAuthError',
        fc.asyncProperty(fc.oneof(replyNear(validToken, 64 * 1024), tokenAnswer), async (reply) => {
          server.reply(reply);
          // A fresh source per case: a cached token would hide the next answer.
          const source = new ClientCredentialsTokenSource({
            tokenUrl: `${server.url}/oauth/token`,
            credentials: () => ({ clientId: 'pacing', clientSecret: 's3cret' }),
            dispatcher,
            clock: { nowMs: () => START_MS },
            timeoutMs: 5_000,
          });
          let outcome: unknown;
          try {
            outcome = await source.getToken();
          } catch (error) {
            outcome = error;
          }
          expect(isPrototypePolluted()).toBe(false);
          if (outcome instanceof EngagementAuthError) {
            expect(outcome.message).not.toContain('s3cret');
            return;
          }
          expect(typeof outcome).toBe('string');
          expect(outcome).toMatch(b64token);
        }),
        clientFuzzRuns,
      );
    },
    fuzzTimeoutMs(clientFuzzRuns * 20),
  );
});
