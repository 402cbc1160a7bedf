import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A real OAuth 2.0 authorization server (oidc-provider 9) on loopback, set up for the client-credentials grant. */
export interface AuthorizationServer {
  /** The token endpoint (`baseAuthURL`). */
  tokenUrl: string;
  /** Access tokens issued so far. */
  issuedCount(): number;
  /** True when the server knows `token` and it has not expired (what a resource server would check). */
  isActive(token: string): Promise<boolean>;
  /** How many issued tokens are still active (not expired, not revoked). */
  activeTokenCount(): Promise<number>;
  /** Sets the lifetime, seconds, of tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  /** Registers (or re-registers with a new secret) a confidential client. */
  registerClient(clientId: string, clientSecret: string): Promise<void>;
  /** Revokes every token issued so far (e.g. after a secret rotation). */
  revokeAll(): Promise<void>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts oidc-provider with only what client credentials need; clients live in its adapter so secrets can rotate. */
export async function startAuthorizationServer(): Promise<AuthorizationServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let lifetimeSeconds = 300;
  const issued: string[] = [];
  // oidc-provider warns about its development keys and in-memory adapter, which are exactly right for a test.
  const warn = console.warn;
  console.warn = () => undefined;
  let provider: Provider;
  try {
    provider = new Provider(`http://127.0.0.1:${port}`, {
      features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
      ttl: { ClientCredentials: () => lifetimeSeconds },
    });
  } finally {
    console.warn = warn;
  }
  provider.on('client_credentials.saved', (token: { jti: string }) => issued.push(token.jti));
  server.on('request', provider.callback());
  return {
    tokenUrl: `http://127.0.0.1:${port}/token`,
    issuedCount: () => issued.length,
    isActive: async (token) => {
      const found = await provider.ClientCredentials.find(token);
      return found !== undefined && !found.isExpired;
    },
    activeTokenCount: async () => {
      let active = 0;
      for (const jti of issued) {
        const found = await provider.ClientCredentials.find(jti);
        if (found !== undefined && !found.isExpired) active += 1;
      }
      return active;
    },
    setTokenLifetime: (seconds) => {
      lifetimeSeconds = seconds;
    },
    registerClient: async (clientId, clientSecret) => {
      await provider.Client.adapter.upsert(clientId, {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      });
    },
    revokeAll: async () => {
      for (const jti of issued) await (await provider.ClientCredentials.find(jti))?.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
