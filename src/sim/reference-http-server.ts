import { gunzipSync } from 'node:zlib';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBoundedBody } from '../api/protocol/index.js';
import { FaultRequestSchema, type FaultPlan } from './reference-faults.js';

/** A started loopback HTTP server. */
export interface LoopbackServer {
  /** Base URL, e.g. `http://127.0.0.1:18080`. */
  url: string;
  /** The bound port (useful when 0 was asked for). */
  port: number;
  /** TCP connections accepted so far (shows whether clients keep connections alive). */
  connectionCount(): number;
  /** Stops accepting, cuts open (also stalled) connections and resolves when closed. */
  close(): Promise<void>;
}

/** Request handler of a reference server; a rejection becomes a 500 answer, never a crash. */
export type ReferenceHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Starts `handler` on `host:port` (default 127.0.0.1, a free port). */
export async function startLoopbackServer(
  handler: ReferenceHandler,
  options: { host?: string; port?: number } = {},
): Promise<LoopbackServer> {
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      } else {
        res.destroy();
      }
    });
  });
  // Idle connections stay open past a refresh period, as behind the usual load balancers (60 s and more): Node's
  // default of 5 s made undici reconnect every 5 s cycle, so benchmarks measured a handshake no platform asks for.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    connectionCount: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A request body read as JSON, or the status and error to answer instead. */
export type JsonBody = { json: unknown } | { status: number; error: string };

/** A request body as sent: its bytes, still gzipped when the request said so. */
export interface RequestBody {
  readonly bytes: Buffer;
  readonly isGzip: boolean;
}

/** A request body as sent, or the status and error to answer instead. */
export type RawBody = RequestBody | { status: number; error: string };

/** Reads a request body of at most `maxBytes` as it was sent. */
export async function readRawBody(req: IncomingMessage, maxBytes: number): Promise<RawBody> {
  const body = await readBoundedBody(req, maxBytes);
  if (!body.ok) return { status: 413, error: `body over ${maxBytes} bytes` };
  return { bytes: body.bytes, isGzip: (req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip' };
}

/** Parses a body read by {@link readRawBody} as JSON (gunzipped to at most `maxBytes` first when gzipped). */
export function parseJsonBody(raw: RequestBody, maxBytes: number): JsonBody {
  let bytes = raw.bytes;
  if (raw.isGzip) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch {
      return { status: 400, error: 'body is not valid gzip or too large' };
    }
  }
  try {
    return { json: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { status: 400, error: 'body is not JSON' };
  }
}

/** Sends a small JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/**
 * Serves the fault-control endpoint: `POST` queues a fault (`{fault, times}`), `DELETE` clears them, `GET` counts
 * them. Returns false when the request is not for `path`.
 */
export async function handleFaultControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  plan: FaultPlan,
): Promise<boolean> {
  if (new URL(req.url ?? '/', 'http://x').pathname !== path) return false;
  if (req.method === 'DELETE') {
    plan.clear();
    sendJson(res, 200, { pending: 0 });
  } else if (req.method === 'GET') {
    sendJson(res, 200, { pending: plan.pending });
  } else if (req.method === 'POST') {
    const body = await readBoundedBody(req, 64 * 1024);
    let parsed: ReturnType<typeof FaultRequestSchema.safeParse> | undefined;
    try {
      parsed = body.ok ? FaultRequestSchema.safeParse(JSON.parse(body.bytes.toString('utf8'))) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      sendJson(res, 400, { error: 'expected {"fault": {...}, "times": n}' });
    } else {
      plan.add(parsed.data.fault, parsed.data.times);
      sendJson(res, 200, { pending: plan.pending });
    }
  } else {
    sendJson(res, 405, { error: 'method not allowed' });
  }
  return true;
}
