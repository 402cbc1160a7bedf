import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readBoundedBody } from '../api/protocol/index.js';
import { sendJson, startLoopbackServer, type LoopbackServer } from './reference-http-server.js';

/** Options of {@link startReferenceTokenServer}. */
export interface ReferenceTokenServerOptions {
  /** Registered clients: client id to secret. Copied; change secrets with `rotateSecret`. */
  clients: Record<string, string>;
  /** Lifetime of issued tokens, seconds (default 300, the low end of Genesys Cloud's range). */
  tokenLifetimeSeconds?: number;
  /** Wall clock for expiry. */
  clock: { nowMs(): number };
  /** Token path (default `/oauth/token`). */
  path?: string;
  /** Listen address (default 127.0.0.1) and port (default: a free one). */
  host?: string;
  port?: number;
}

/** A running demo token server. */
export interface ReferenceTokenServer extends LoopbackServer {
  /** The token endpoint URL (`baseAuthURL`). */
  tokenUrl: string;
  /** True when `token` was issued here and has not expired or been revoked. */
  verifyToken(token: string): boolean;
  /** Replaces a client's secret; tokens already issued stay valid until revoked or expired. */
  rotateSecret(clientId: string, secret: string): void;
  /** Revokes every issued token (the next exchange then gets a 401). */
  revokeTokens(): void;
  /** How many tokens were issued so far. */
  issuedCount(): number;
}

/**
 * A minimal OAuth2 token endpoint for the demo: client-credentials grant with client_secret_basic or
 * client_secret_post, opaque random tokens. Tests use a real authorization server (oidc-provider) instead.
 */
export async function startReferenceTokenServer(
  options: ReferenceTokenServerOptions,
): Promise<ReferenceTokenServer> {
  const secrets = new Map(Object.entries(options.clients));
  const tokens = new Map<string, number>();
  const lifetimeMs = (options.tokenLifetimeSeconds ?? 300) * 1000;
  const path = options.path ?? '/oauth/token';
  let issued = 0;

  const authenticate = (header: string | undefined, form: URLSearchParams): boolean => {
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic (.+)$/i.exec(header ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    const expected = id !== undefined ? secrets.get(id) : undefined;
    if (expected === undefined || secret === undefined) return false;
    const a = Buffer.from(secret);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = await startLoopbackServer(
    async (req, res) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== path)
        return sendJson(res, 404, { error: 'not_found' });
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' });
      const body = await readBoundedBody(req, 16 * 1024);
      if (!body.ok) return sendJson(res, 413, { error: 'invalid_request' });
      const form = new URLSearchParams(body.bytes.toString('utf8'));
      if (form.get('grant_type') !== 'client_credentials') {
        return sendJson(res, 400, { error: 'unsupported_grant_type' });
      }
      if (!authenticate(req.headers.authorization, form)) {
        return sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="token"' });
      }
      const now = options.clock.nowMs();
      for (const [token, expiresAt] of tokens) if (expiresAt <= now) tokens.delete(token);
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, now + lifetimeMs);
      issued += 1;
      sendJson(
        res,
        200,
        { access_token: token, token_type: 'Bearer', expires_in: lifetimeMs / 1000 },
        { 'cache-control': 'no-store' },
      );
    },
    { host: options.host, port: options.port },
  );
  return {
    ...server,
    tokenUrl: `${server.url}${path}`,
    verifyToken: (token) => (tokens.get(token) ?? 0) > options.clock.nowMs(),
    rotateSecret: (clientId, secret) => void secrets.set(clientId, secret),
    revokeTokens: () => tokens.clear(),
    issuedCount: () => issued,
  };
}
