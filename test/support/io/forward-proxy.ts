import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';

/** A real HTTP forward proxy (npm `proxy` 4) on loopback that records what went through it. */
export interface ForwardProxyServer {
  /** Proxy URL to configure. */
  url: string;
  /** `host:port` of every tunnel (CONNECT) or forwarded request, in order. */
  destinations: string[];
  /** Requests refused for missing or wrong proxy credentials. */
  refused(): number;
  /** Stops the proxy. */
  close(): Promise<void>;
}

/** Starts a proxy; with `credentials`, only requests with that Basic `Proxy-Authorization` pass. */
export async function startForwardProxy(credentials?: {
  username: string;
  password: string;
}): Promise<ForwardProxyServer> {
  const proxy = createProxy(createServer());
  const destinations: string[] = [];
  let refused = 0;
  const expected = credentials
    ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
    : undefined;
  proxy.authenticate = (req) => {
    const ok = expected === undefined || req.headers['proxy-authorization'] === expected;
    if (!ok) refused += 1;
    return ok;
  };
  proxy.on('connect', (req: { url?: string }) => destinations.push(req.url ?? '?'));
  proxy.on('request', (req: { url?: string }) => destinations.push(req.url ? new URL(req.url).host : '?'));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    destinations,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      }),
  };
}
