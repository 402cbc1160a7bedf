import type { ServerResponse } from 'node:http';
import { z } from 'zod';

/**
 * Faults a reference server can inject into its next answers, for tests of the clients' error handling. Transport
 * faults apply to any endpoint; the target faults only to the engagement exchange, `stale` only to the snapshot.
 */
export const ReferenceFaultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.int().min(400).max(599),
    retryAfterSeconds: z.int().min(0).optional(),
  }),
  z.object({ kind: z.literal('delay'), ms: z.int().min(0) }),
  // The engagement exchange only: the request is held this long before it is applied (delay holds the answer).
  z.object({ kind: z.literal('hold'), ms: z.int().min(0) }),
  z.object({ kind: z.literal('reset') }),
  z.object({ kind: z.literal('malformed'), body: z.string() }),
  z.object({ kind: z.literal('stall') }),
  z.object({ kind: z.literal('slow-loris'), intervalMs: z.int().min(1), bytesPerTick: z.int().min(1) }),
  z.object({ kind: z.literal('huge'), bytes: z.int().min(1) }),
  z.object({ kind: z.literal('unknown-target'), id: z.string().min(1) }),
  z.object({ kind: z.literal('drop-target'), id: z.string().min(1) }),
  z.object({
    kind: z.literal('target-error'),
    id: z.string().min(1),
    code: z.string().min(1),
    message: z.string(),
  }),
  z.object({ kind: z.literal('stale'), ageMs: z.int().min(0) }),
]);

/** One injectable fault (see {@link ReferenceFaultSchema}). */
export type ReferenceFault = z.infer<typeof ReferenceFaultSchema>;

/** Body of `POST /debug/faults`: a fault and how many answers it affects (default 1). */
export const FaultRequestSchema = z.object({ fault: ReferenceFaultSchema, times: z.int().min(1).default(1) });

/**
 * A queue of faults, consumed one per answer in order. Each server owns one; tests fill it through the constructor,
 * `add()` or the control endpoint.
 */
export class FaultPlan {
  readonly #queue: { fault: ReferenceFault; remaining: number }[] = [];

  /** Queues `fault` for the next `times` answers (after the faults already queued). */
  add(fault: ReferenceFault, times = 1): void {
    this.#queue.push({ fault, remaining: times });
  }

  /** Removes every queued fault. */
  clear(): void {
    this.#queue.length = 0;
  }

  /** How many answers are still affected. */
  get pending(): number {
    return this.#queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** Takes the fault for the current answer, if any. */
  take(): ReferenceFault | undefined {
    const head = this.#queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.#queue.shift();
    return head.fault;
  }
}

/**
 * Sends `body` with `headers`, shaped by a transport fault. Returns false when the fault is not a transport fault
 * (the caller then applies it to the content). Stalled and dripping answers stop when the socket closes.
 */
export function sendWithFault(
  res: ServerResponse,
  fault: ReferenceFault | undefined,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
): void {
  switch (fault?.kind) {
    case 'status': {
      const extra: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) extra['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, extra).end(JSON.stringify({ error: `injected ${fault.status}` }));
      return;
    }
    case 'delay': {
      const timer = setTimeout(() => res.writeHead(status, headers).end(body), fault.ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'reset':
      res.socket?.destroy();
      return;
    case 'stall':
      // Headers go out, the body never comes: only a whole-request deadline on the client ends this.
      res.writeHead(status, { ...headers, 'content-length': String(body.byteLength) });
      res.flushHeaders();
      return;
    case 'slow-loris': {
      res.writeHead(status, { ...headers, 'content-length': String(body.byteLength) });
      let offset = 0;
      const timer = setInterval(() => {
        if (offset >= body.byteLength) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(body.subarray(offset, offset + fault.bytesPerTick));
        offset += fault.bytesPerTick;
      }, fault.intervalMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'huge': {
      // Streamed in 64 KiB pieces with back-pressure so the server itself never holds the whole body.
      res.writeHead(status, { 'content-type': 'application/json' });
      const piece = Buffer.alloc(64 * 1024, 0x20);
      let left = fault.bytes;
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, piece.byteLength);
          left -= n;
          if (!res.write(piece.subarray(0, n))) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    default:
      res.writeHead(status, headers).end(body);
  }
}
