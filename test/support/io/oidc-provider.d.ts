// The few parts of oidc-provider 9 (which ships no types) that the test authorization server uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface StoredToken {
    readonly isExpired: boolean;
    destroy(): Promise<void>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: never[]) => void): this;
    readonly ClientCredentials: { find(value: string): Promise<StoredToken | undefined> };
    readonly Client: { adapter: { upsert(id: string, payload: Record<string, unknown>): Promise<void> } };
  }
}
