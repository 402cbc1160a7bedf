import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { readBoundedBody } from '../api/protocol/index.js';
import { EngagementAuthError } from './errors.js';

/** OAuth2 client credentials, as read from the PacingCluster's Secret (`client_id`, `client_secret`). */
export interface ClientCredentials {
  /** OAuth2 client id. */
  clientId: string;
  /** OAuth2 client secret; never logged, never put in an error. */
  clientSecret: string;
}

/** Options of {@link ClientCredentialsTokenSource}; defaults in {@link TOKEN_SOURCE_DEFAULTS}. */
export interface ClientCredentialsTokenSourceOptions {
  /** The token endpoint (`baseAuthURL`, e.g. `https://login.mypurecloud.com/oauth/token`). */
  tokenUrl: string;
  /**
   * Reads the current credentials. Called for every token request (not once at construction), so a secret
   * rotated in the Secret is used by the next refresh, e.g. the one a 401 triggers.
   */
  credentials: () => ClientCredentials | Promise<ClientCredentials>;
  /** undici dispatcher (the same one as the exchange, so the forward proxy applies to both). */
  dispatcher: Dispatcher;
  /** Wall clock for token expiry. */
  clock: { nowMs(): number };
  /** Renew this long before expiry, ms; capped at half the token lifetime so short tokens are still reused. */
  refreshMarginMs?: number;
  /** Deadline for one token request, ms. */
  timeoutMs?: number;
  /** Optional OAuth2 scope. */
  scope?: string;
}

/** Defaults of {@link ClientCredentialsTokenSourceOptions}: renew 60 s early, 10 s timeout, 5 min assumed lifetime. */
export const TOKEN_SOURCE_DEFAULTS = {
  refreshMarginMs: 60_000,
  timeoutMs: 10_000,
  assumedLifetimeSeconds: 300,
} as const;

// RFC 6750 §2.1 b64token, the only form `Authorization: Bearer <token>` can carry. A token outside it (blank,
// multi-line, non-ASCII) would fail every exchange as a malformed or refused request, hiding that the token
// endpoint is at fault; refused here, it becomes an EngagementAuthError naming the endpoint.
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

const TokenResponseSchema = z.object({
  access_token: z.string().regex(b64token),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be Bearer'),
  expires_in: z.number().positive().optional(),
});

const OAuthErrorSchema = z.object({ error: z.string() });

/**
 * Obtains and caches an access token with the OAuth2 client-credentials grant (RFC 6749 §4.4, client_secret_basic).
 * The token is reused until `refreshMarginMs` before expiry; concurrent callers share one token request.
 */
export class ClientCredentialsTokenSource {
  readonly #options: ClientCredentialsTokenSourceOptions;
  readonly #refreshMarginMs: number;
  readonly #timeoutMs: number;
  #cached: { token: string; renewAtMs: number } | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(options: ClientCredentialsTokenSourceOptions) {
    this.#options = { ...options };
    this.#refreshMarginMs = options.refreshMarginMs ?? TOKEN_SOURCE_DEFAULTS.refreshMarginMs;
    this.#timeoutMs = options.timeoutMs ?? TOKEN_SOURCE_DEFAULTS.timeoutMs;
    if (!(this.#timeoutMs > 0))
      throw new RangeError(`token source: timeoutMs must be positive, got ${this.#timeoutMs}`);
    if (!(this.#refreshMarginMs >= 0)) {
      throw new RangeError(`token source: refreshMarginMs must be >= 0, got ${this.#refreshMarginMs}`);
    }
  }

  /** Returns a valid access token, requesting a new one when none is cached or it is about to expire. */
  async getToken(signal?: AbortSignal): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#options.clock.nowMs() < cached.renewAtMs) return cached.token;
    this.#inFlight ??= this.#requestToken(signal).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Forgets `token` (after the resource server answered 401 with it), so the next call requests a new one. */
  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  /** Keeps the token out of logs and JSON dumps of the object. */
  toJSON(): { tokenUrl: string; hasToken: boolean } {
    return { tokenUrl: this.#options.tokenUrl, hasToken: this.#cached !== undefined };
  }

  async #requestToken(signal: AbortSignal | undefined): Promise<string> {
    const url = this.#options.tokenUrl;
    const { clientId, clientSecret } = await this.#options.credentials();
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
      'base64',
    );
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.#options.scope) form.set('scope', this.#options.scope);
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const startedMs = this.#options.clock.nowMs();
    let status: number;
    let text: string;
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.#options.dispatcher,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      });
      status = response.statusCode;
      const body = await readBoundedBody(response.body, 64 * 1024);
      if (!body.ok) {
        response.body.destroy();
        throw new EngagementAuthError(`token endpoint ${url} sent an answer over 64 KiB`, url, { status });
      }
      text = body.bytes.toString('utf8');
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof EngagementAuthError) throw error;
      const why = deadline.aborted ? `timed out after ${this.#timeoutMs} ms` : errorCodeOf(error);
      throw new EngagementAuthError(
        `token endpoint ${url} request failed: ${why}`,
        url,
        {},
        { cause: error },
      );
    }
    const json = parseJson(text);
    if (status < 200 || status >= 300) {
      const oauthError = OAuthErrorSchema.safeParse(json).data?.error;
      throw new EngagementAuthError(
        `token endpoint ${url} refused the client credentials grant: HTTP ${status}${oauthError ? ` ${oauthError}` : ''}`,
        url,
        { status, ...(oauthError ? { oauthError } : {}) },
      );
    }
    const parsed = TokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new EngagementAuthError(`token endpoint ${url} sent an invalid token answer`, url, { status });
    }
    const lifetimeMs = (parsed.data.expires_in ?? TOKEN_SOURCE_DEFAULTS.assumedLifetimeSeconds) * 1000;
    // Counted from when the request started: the server's clock started the lifetime no later than that.
    const renewAtMs = startedMs + lifetimeMs - Math.min(this.#refreshMarginMs, lifetimeMs / 2);
    this.#cached = { token: parsed.data.access_token, renewAtMs };
    return parsed.data.access_token;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The failure's code (ECONNREFUSED, UND_ERR_…) plus message, for error text that names no secret. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
