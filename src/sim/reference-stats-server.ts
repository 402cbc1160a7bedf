import { gzipSync } from 'node:zlib';
import {
  ROSTER_TAG_HEADER,
  SNAPSHOT_FORM_MEDIA_TYPES,
  StatsSelectionSchema,
  SnapshotTableEncoder,
  snapshotFormFor,
  type SnapshotForm,
} from '../api/protocol/index.js';
import { SkillExpressionError } from '../pacing/index.js';
import type { ReferenceContactCenter } from './reference-contact-center.js';
import { FaultPlan, sendWithFault } from './reference-faults.js';
import {
  handleFaultControl,
  parseJsonBody,
  readRawBody,
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
} from './reference-http-server.js';
import { RosterTagIssuer } from './roster-tag-issuer.js';
import { CompiledSelections, compileSelection, type SnapshotSelector } from './snapshot-selection.js';

/** Largest selection accepted (after gunzip): 50,000 agent ids and 10,000 queue names are 890 KB. */
const MAX_SELECTION_BYTES = 16 * 1024 * 1024;

/** Options of {@link startReferenceStatsServer}. */
export interface ReferenceStatsServerOptions {
  /** The simulation behind the snapshots. */
  contactCenter: ReferenceContactCenter;
  /** Wall clock; the simulation is advanced to `nowMs()` before each snapshot (real-time mode). */
  clock: { nowMs(): number };
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Faults to inject; a fresh empty plan when omitted. */
  faults?: FaultPlan;
  /** Listen address (default 127.0.0.1) and port (default: a free one). */
  host?: string;
  port?: number;
}

/** A running reference statistics server. */
export interface ReferenceStatsServer extends LoopbackServer {
  /** The server's fault plan (also reachable at `POST /debug/faults`). */
  faults: FaultPlan;
}

/**
 * Serves `GET /v1/snapshot` and `POST /v1/snapshot/query` (the part a selection asks for) from a live simulation
 * (docs/api/stats-snapshot.openapi.yaml), in table form and with gzip when asked, optional bearer auth and fault
 * injection for client tests.
 */
export async function startReferenceStatsServer(
  options: ReferenceStatsServerOptions,
): Promise<ReferenceStatsServer> {
  const faults = options.faults ?? new FaultPlan();
  // The simulation's agents keep their ids, groups and skills, so their columns are encoded once, not per answer,
  // and in version 2 a client that names the roster it holds is not sent it again.
  const tableEncoder = new SnapshotTableEncoder();
  const rosterTags = new RosterTagIssuer();
  const selections = new CompiledSelections();
  const server = await startLoopbackServer(
    async (req, res) => {
      if (await handleFaultControl(req, res, '/debug/faults', faults)) return;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/healthz') return sendJson(res, 200, { ok: true });
      const isQuery = path === '/v1/snapshot/query';
      if (path !== '/v1/snapshot' && !isQuery) return sendJson(res, 404, { error: `no route ${path}` });
      if (req.method !== (isQuery ? 'POST' : 'GET'))
        return sendJson(res, 405, { error: 'method not allowed' });
      if (options.bearerToken && req.headers.authorization !== `Bearer ${options.bearerToken}`) {
        return sendJson(res, 401, { error: 'bearer token required' }, { 'www-authenticate': 'Bearer' });
      }
      let select: SnapshotSelector | undefined;
      if (isQuery) {
        const raw = await readRawBody(req, MAX_SELECTION_BYTES);
        if ('status' in raw) return sendJson(res, raw.status, { error: raw.error });
        select = selections.get(raw);
        if (select === undefined) {
          const read = parseJsonBody(raw, MAX_SELECTION_BYTES);
          if ('status' in read) return sendJson(res, read.status, { error: read.error });
          const parsed = StatsSelectionSchema.safeParse(read.json);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            return sendJson(res, 400, { error: `${issue?.path.join('.') || '(root)'}: ${issue?.message}` });
          }
          try {
            select = compileSelection(parsed.data);
          } catch (error) {
            if (!(error instanceof SkillExpressionError)) throw error;
            return sendJson(res, 400, { error: `skillExpressions: ${error.message}` });
          }
          selections.set(raw, select);
        }
      }
      const fault = faults.take();
      options.contactCenter.advanceTo(options.clock.nowMs());
      const whole = options.contactCenter.snapshot();
      const current = select === undefined ? whole : select(whole);
      const snapshot =
        fault?.kind === 'stale'
          ? {
              ...current,
              snapshotTime: new Date(Date.parse(current.snapshotTime) - fault.ageMs).toISOString(),
            }
          : current;
      // The newest table form the client lists in Accept (about a fifth of the work on both sides at 50,000
      // agents); the object form otherwise, and for a malformed-body fault, whose body is what the test gave.
      const form: SnapshotForm = fault?.kind === 'malformed' ? 'object' : snapshotFormFor(req.headers.accept);
      const text =
        fault?.kind === 'malformed'
          ? fault.body
          : JSON.stringify(
              form === 'table-v2'
                ? rosterTags.encode(snapshot, rosterTagOf(req.headers[ROSTER_TAG_HEADER]))
                : form === 'table'
                  ? tableEncoder.encode(snapshot)
                  : snapshot,
            );
      let body = Buffer.from(text, 'utf8');
      const headers: Record<string, string> = {
        'content-type': SNAPSHOT_FORM_MEDIA_TYPES[form],
      };
      if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        // Level 1, as nginx and most HTTP servers default to: 2.5× less CPU than level 6 on a 7 MB snapshot
        // (12 vs 30 ms) for 18 % more bytes (353 vs 298 KB), and this answer is built anew every cycle.
        body = gzipSync(body, { level: 1 });
        headers['content-encoding'] = 'gzip';
      }
      sendWithFault(res, fault, 200, headers, body);
    },
    { host: options.host, port: options.port },
  );
  return { ...server, faults };
}

/** The roster tag a request names: one header value, else none (a repeated header names nothing reliable). */
function rosterTagOf(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header.length > 0 ? header : undefined;
}
