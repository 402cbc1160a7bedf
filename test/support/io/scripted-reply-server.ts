import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted HTTP answer: status, headers and body bytes; `cutAfterBytes` drops the connection mid-body. */
export interface ScriptedReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** When set, only this many body bytes are written before the socket is destroyed. */
  readonly cutAfterBytes?: number;
}

/** A loopback HTTP server that answers every request with the reply set last; for fuzzing HTTP clients. */
export interface ScriptedReplyServer {
  /** Base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Sets the reply for the following requests. */
  reply(next: ScriptedReply): void;
  /** Bodies of the requests received so far, in order (raw bytes as sent). */
  readonly requestBodies: Buffer[];
  /** Headers of the requests received so far, in order. */
  readonly requestHeaders: IncomingHttpHeaders[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Starts a {@link ScriptedReplyServer} on 127.0.0.1 with an ephemeral port; it answers 204 until told otherwise. */
export async function startScriptedReplyServer(): Promise<ScriptedReplyServer> {
  let current: ScriptedReply = { status: 204, headers: {}, body: Buffer.alloc(0) };
  const requestBodies: Buffer[] = [];
  const requestHeaders: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    void readAll(request).then((body) => {
      requestBodies.push(body);
      requestHeaders.push(request.headers);
      const reply = current;
      response.writeHead(reply.status, { ...reply.headers });
      if (reply.cutAfterBytes === undefined) {
        response.end(reply.body);
        return;
      }
      // Written, then the socket is torn down: the client sees a body that stops part-way.
      response.write(reply.body.subarray(0, reply.cutAfterBytes), () => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reply(next) {
      current = next;
    },
    requestBodies,
    requestHeaders,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
