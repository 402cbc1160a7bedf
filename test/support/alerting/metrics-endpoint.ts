import { createServer } from 'node:http';
import type { Registry } from 'prom-client';

/** A loopback `/metrics` endpoint serving one prom-client registry, as the operator's metrics server would. */
export interface MetricsEndpoint {
  /** `host:port`, the form Prometheus static targets take. */
  readonly target: string;
  close(): Promise<void>;
}

/** Serves `registry` on a free loopback port. */
export async function startMetricsEndpoint(registry: Registry): Promise<MetricsEndpoint> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address from the endpoint');
  return {
    target: `127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
