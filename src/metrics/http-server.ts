import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventLoopHealth } from './event-loop-health.js';

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** Interface to listen on. Default `0.0.0.0` (a pod must be scraped from outside); tests use 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Registry served on /metrics. */
  registry: Registry;
  /** Event-loop liveness behind /healthz. */
  health: EventLoopHealth;
  /**
   * Readiness behind /readyz, typically "informer caches synced". Returns true when ready, or a list of what
   * is not ready yet (shown in the 503 body). A throw counts as not ready.
   */
  isReady: () => boolean | readonly string[];
  /**
   * Awaited before /metrics is rendered: the operator waits for its pacing cycles in flight, so that rendering the
   * per-target series (megabytes of text at 10,000 targets) does not run inside a cycle. Default none.
   */
  beforeMetrics?: (() => Promise<void>) | undefined;
  /** Logger. */
  logger: Logger;
}

/** A running metrics/health server. */
export interface MetricsServer {
  /** Base URL, e.g. `http://127.0.0.1:39123`. */
  url: string;
  /** The bound port. */
  port: number;
  /** Stops accepting connections and closes idle keep-alive ones. */
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

function readiness(isReady: MetricsServerOptions['isReady']): readonly string[] {
  try {
    const verdict = isReady();
    if (verdict === true) return [];
    if (verdict === false) return ['not ready'];
    return verdict;
  } catch (err) {
    return [`readiness check failed: ${err instanceof Error ? err.message : String(err)}`];
  }
}

/** Serves /metrics (Prometheus text), /healthz (event loop responsive) and /readyz (caches synced). */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, health, isReady, beforeMetrics, logger } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/metrics') {
      await beforeMetrics?.();
      return send(res, 200, await registry.metrics(), registry.contentType);
    }
    if (path === '/healthz' || path === '/livez') {
      const report = health.report();
      const text = `event loop lag ${report.lastLagMs} ms, last tick ${report.sinceLastTickMs} ms ago\n`;
      return send(res, report.isHealthy ? 200 : 503, report.isHealthy ? `ok: ${text}` : `unhealthy: ${text}`);
    }
    if (path === '/readyz') {
      const problems = readiness(isReady);
      return problems.length === 0 ? send(res, 200, 'ok\n') : send(res, 503, `${problems.join('\n')}\n`);
    }
    return send(res, 404, 'not found\n');
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, url: req.url }, 'metrics server request failed');
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  logger.info({ address, port }, 'metrics server listening');
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
