import { gzipSync } from 'node:zlib';
import {
  EngagementWireRequestSchema,
  decodeEngagementRequest,
  encodeEngagementAnswer,
  STALE_FENCE_CODE,
  type EngagementRequest,
  type EngagementWireAnswer,
} from '../api/protocol/index.js';
import { FenceRegister } from './fence-register.js';
import { RecentAnswers } from './recent-answers.js';
import type { ReferenceContactCenter } from './reference-contact-center.js';
import { SharedIdLists } from './shared-id-lists.js';
import { FaultPlan, sendWithFault, type ReferenceFault } from './reference-faults.js';
import {
  handleFaultControl,
  parseJsonBody,
  readRawBody,
  type RequestBody,
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
} from './reference-http-server.js';

/** Default path of the exchange on the reference server (the `targetEndpoint` to configure). */
export const REFERENCE_TARGET_ENDPOINT = '/v1/pacing';

/** Options of {@link startReferenceEngagementServer}. */
export interface ReferenceEngagementServerOptions {
  /** The simulation that receives allowances and reports pending invitations. */
  contactCenter: ReferenceContactCenter;
  /** Wall clock; the simulation is advanced to `nowMs()` before each cycle is applied. */
  clock: { nowMs(): number };
  /** Exchange path (default {@link REFERENCE_TARGET_ENDPOINT}). */
  targetEndpoint?: string;
  /** Checks a bearer token (e.g. against a token server); when omitted no token is required. */
  verifyToken?: (token: string) => boolean | Promise<boolean>;
  /** Faults to inject; a fresh empty plan when omitted. */
  faults?: FaultPlan;
  /** Largest accepted request body, bytes, compressed and decompressed (default 32 MiB). */
  maxBodyBytes?: number;
  /** Listen address (default 127.0.0.1) and port (default: a free one). */
  host?: string;
  port?: number;
}

/** Which operator instance published which part of which cycle, and when (for the single-publisher proof). */
export interface PublicationRecord {
  /** Cluster id of the request. */
  clusterId: string;
  /** Cycle id of the request. */
  cycleId: number;
  /** Identity of the publishing operator instance. */
  publisher: string;
  /** Chunk index and count. */
  part: number;
  parts: number;
  /** Targets in the chunk. */
  targets: number;
  /**
   * Ids of the targets whose allowances were applied, in request order (for the one-publisher-per-cycle-and-target
   * proof): every target of the chunk but the refused ones. Frozen, and shared by the records of equal lists.
   */
  targetIds: readonly string[];
  /** The chunk's fencing token, when it carried one. */
  fence?: string;
  /** Targets refused because a newer fencing token was already applied for them (`STALE_FENCE`). */
  refusedTargetIds: string[];
  /** Server wall time of receipt, ms. */
  receivedAtMs: number;
}

/** A running reference engagement server. */
export interface ReferenceEngagementServer extends LoopbackServer {
  /** Full exchange URL. */
  exchangeUrl: string;
  /** The server's fault plan (also reachable at `POST /debug/faults`). */
  faults: FaultPlan;
  /** Publications received so far (also `GET /debug/publications`), oldest first, at most the last 100,000. */
  publications(): PublicationRecord[];
  /** The last wire requests (at most 50), decoded from JSON when asked for, for contract tests. */
  receivedRequests(): unknown[];
}

const MAX_PUBLICATIONS = 100_000;
const MAX_KEPT_REQUESTS = 50;

/**
 * Serves the engagement exchange (docs/api/engagement-exchange.openapi.yaml) over a live simulation: applies each
 * chunk's allowances to simulated visitors and answers pending invitations and cumulative counters per target.
 * A repeated chunk (same cluster, cycle, part and publisher) is answered from cache without being applied again,
 * which is what makes client retries safe. It fences as a production platform should: per target it keeps the
 * highest fencing token applied and refuses an older one with `STALE_FENCE`.
 */
export async function startReferenceEngagementServer(
  options: ReferenceEngagementServerOptions,
): Promise<ReferenceEngagementServer> {
  const faults = options.faults ?? new FaultPlan();
  const endpoint = options.targetEndpoint ?? REFERENCE_TARGET_ENDPOINT;
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const publications: PublicationRecord[] = [];
  const answers = new RecentAnswers();
  const idLists = new SharedIdLists();
  const received: RequestBody[] = [];
  const fences = new FenceRegister();

  // The platform's targets are fixed for the run; a chunk's work is then proportional to the chunk alone.
  const known = new Set(options.contactCenter.targetIds());
  const applyCycle = (request: EngagementRequest, part: [number, number]): EngagementWireAnswer => {
    options.contactCenter.advanceTo(options.clock.nowMs());
    const issues: [string, string, string][] = [];
    const applied: EngagementRequest['targets'] = [];
    const refused: string[] = [];
    for (const target of request.targets) {
      if (!known.has(target.id)) {
        issues.push([
          target.id,
          'UNKNOWN_TARGET',
          `no virtual queue and media "${target.id}" on this platform`,
        ]);
      } else if (fences.isStale(target.id, target.fence)) {
        refused.push(target.id);
        issues.push([
          target.id,
          STALE_FENCE_CODE,
          `fencing token ${target.fence} is older than ${fences.highest(target.id)}, already applied`,
        ]);
      } else {
        applied.push(target);
        fences.applied(target.id, target.fence);
      }
    }
    // The contact center reports exactly the chunk's targets (reportIds), no more.
    const reports = options.contactCenter.applyAllowances({
      cycleId: request.cycleId,
      // The simulator applies one cycle id once per publisher; each chunk of a cycle is its own application.
      publisher: part[1] > 1 ? `${request.publisher}#part${part[0]}` : request.publisher,
      allowances: applied.map(({ id, invites }) => ({ id, invites })),
      reportIds: request.targets.map((t) => t.id),
    });
    const fence = request.targets[0]?.fence;
    publications.push({
      clusterId: request.clusterId,
      cycleId: request.cycleId,
      publisher: request.publisher,
      part: part[0],
      parts: part[1],
      targets: request.targets.length,
      targetIds: idLists.share(applied.map((t) => t.id)),
      ...(fence === undefined ? {} : { fence }),
      refusedTargetIds: refused,
      receivedAtMs: options.clock.nowMs(),
    });
    if (publications.length > MAX_PUBLICATIONS)
      publications.splice(0, publications.length - MAX_PUBLICATIONS);
    return encodeEngagementAnswer({ cycleId: request.cycleId, targets: reports }, issues);
  };

  const server = await startLoopbackServer(
    async (req, res) => {
      if (await handleFaultControl(req, res, '/debug/faults', faults)) return;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/healthz') return sendJson(res, 200, { ok: true });
      if (path === '/debug/publications') return sendJson(res, 200, { publications });
      if (path !== endpoint) return sendJson(res, 404, { error: `no route ${path}` });
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
      if (options.verifyToken) {
        const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
        if (!match?.[1] || !(await options.verifyToken(match[1]))) {
          req.resume();
          return sendJson(
            res,
            401,
            { error: 'invalid_token' },
            { 'www-authenticate': 'Bearer error="invalid_token"' },
          );
        }
      }
      const fault = faults.take();
      const raw = await readRawBody(req, maxBodyBytes);
      // A request held in flight (a slow proxy, a congested link): it is applied late, whoever leads by then.
      if (fault?.kind === 'hold') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if ('status' in raw) return sendJson(res, raw.status, { error: raw.error });
      const read = parseJsonBody(raw, maxBodyBytes);
      if ('error' in read) return sendJson(res, read.status, { error: read.error });
      const parsed = EngagementWireRequestSchema.safeParse(read.json);
      const request = parsed.success ? decodeEngagementRequest(parsed.data) : undefined;
      if (!parsed.success || !request) {
        const issues = parsed.success
          ? ['groups: index out of range']
          : parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`);
        return sendJson(res, 400, { error: 'request does not match the exchange schema', issues });
      }
      // Kept as sent (bytes, not 2,500 decoded targets each) and decoded when a test asks for them.
      received.push(raw);
      if (received.length > MAX_KEPT_REQUESTS) received.shift();
      const { cluster, cycle, part, publisher } = parsed.data;
      const key = JSON.stringify([cluster, cycle, part, publisher]);
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = JSON.stringify(applyCycle(request, part));
        answers.set(key, answer);
      }
      let body = Buffer.from(
        fault?.kind === 'malformed'
          ? fault.body
          : isTargetFault(fault)
            ? JSON.stringify(applyTargetFault(JSON.parse(answer) as EngagementWireAnswer, fault))
            : answer,
      );
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        // Level 1, as most HTTP servers default to (see reference-stats-server.ts): answers are built every cycle.
        body = gzipSync(body, { level: 1 });
        headers['content-encoding'] = 'gzip';
      }
      sendWithFault(res, fault, 200, headers, body);
    },
    { host: options.host, port: options.port },
  );
  return {
    ...server,
    exchangeUrl: `${server.url}${endpoint}`,
    faults,
    publications: () => [...publications],
    receivedRequests: () =>
      received.map((body) => {
        const read = parseJsonBody(body, maxBodyBytes);
        return 'json' in read ? read.json : undefined;
      }),
  };
}

/** The faults that change an answer's content (the others change its status or its delivery). */
type TargetFault = Extract<ReferenceFault, { kind: 'unknown-target' | 'drop-target' | 'target-error' }>;

function isTargetFault(fault: ReferenceFault | undefined): fault is TargetFault {
  return fault?.kind === 'unknown-target' || fault?.kind === 'drop-target' || fault?.kind === 'target-error';
}

/** Applies a content fault to an answer parsed from the kept text (which stays clean for a retry). */
function applyTargetFault(answer: EngagementWireAnswer, fault: TargetFault): EngagementWireAnswer {
  switch (fault.kind) {
    case 'unknown-target':
      return { ...answer, targets: [...answer.targets, [fault.id, 0, 0, 0, 0, 0]] };
    case 'drop-target':
      return { ...answer, targets: answer.targets.filter(([id]) => id !== fault.id) };
    case 'target-error':
      return { ...answer, errors: [...(answer.errors ?? []), [fault.id, fault.code, fault.message]] };
  }
}
