import {
  ENGAGEMENT_WIRE_VERSION,
  type EngagementAnswer,
  type EngagementRequest,
  type EngagementRequestInput,
  type EngagementTargetReport,
  type EngagementWireAnswer,
  type EngagementWireRequest,
} from './engagement-exchange.js';

/**
 * Splits a logical request into compact wire chunks of at most `maxTargetsPerRequest` targets each. Targets
 * published under different fencing tokens (sharded: different shard Leases) go into different chunks, since a
 * chunk carries one token. An empty target list still yields one chunk, so the platform sees the cycle (and who
 * published it).
 */
export function encodeEngagementRequest(
  request: EngagementRequestInput,
  maxTargetsPerRequest: number,
): EngagementWireRequest[] {
  if (!Number.isInteger(maxTargetsPerRequest) || maxTargetsPerRequest < 1) {
    throw new RangeError(`maxTargetsPerRequest must be a positive integer, got ${maxTargetsPerRequest}`);
  }
  const slices: { fence: string | undefined; targets: EngagementRequestInput['targets'] }[] = [];
  for (const [fence, targets] of byFence(request.targets)) {
    for (let from = 0; from < targets.length; from += maxTargetsPerRequest) {
      slices.push({ fence, targets: targets.slice(from, from + maxTargetsPerRequest) });
    }
  }
  if (slices.length === 0) slices.push({ fence: undefined, targets: [] });
  return slices.map((slice, part) => {
    const groupIndex = new Map<string, number>();
    const groups: string[] = [];
    const targets: [string, number, number[]][] = slice.targets.map((t) => [
      t.id,
      t.invites,
      t.groups.map((g) => {
        let i = groupIndex.get(g);
        if (i === undefined) {
          i = groups.length;
          groupIndex.set(g, i);
          groups.push(g);
        }
        return i;
      }),
    ]);
    return {
      v: ENGAGEMENT_WIRE_VERSION,
      cluster: request.clusterId,
      cycle: request.cycleId,
      intervalMs: request.intervalMs,
      publisher: request.publisher,
      part: [part, slices.length],
      ...(slice.fence === undefined ? {} : { fence: slice.fence }),
      groups,
      targets,
    };
  });
}

/** The targets grouped by fencing token, in order of first appearance (one group when none has a token). */
function byFence(
  targets: EngagementRequestInput['targets'],
): Map<string | undefined, EngagementRequestInput['targets'][number][]> {
  const groups = new Map<string | undefined, EngagementRequestInput['targets'][number][]>();
  for (const target of targets) {
    const group = groups.get(target.fence);
    if (group === undefined) groups.set(target.fence, [target]);
    else group.push(target);
  }
  return groups;
}

/**
 * Turns one wire chunk back into logical content. Returns undefined when a group index points outside the chunk's
 * group table (the chunk is then malformed even though it passed the schema).
 */
export function decodeEngagementRequest(chunk: EngagementWireRequest): EngagementRequest | undefined {
  const targets: EngagementRequest['targets'] = [];
  for (const tuple of chunk.targets) {
    const id = tuple[0];
    const invites = tuple[1];
    const groupRefs = tuple[2];
    const groups: string[] = [];
    for (const ref of groupRefs) {
      const name = chunk.groups[ref];
      if (name === undefined) return undefined;
      groups.push(name);
    }
    targets.push(
      chunk.fence === undefined ? { id, invites, groups } : { id, invites, groups, fence: chunk.fence },
    );
  }
  return {
    clusterId: chunk.cluster,
    cycleId: chunk.cycle,
    intervalMs: chunk.intervalMs,
    publisher: chunk.publisher,
    targets,
  };
}

/** Encodes a logical answer (one chunk's worth) compactly; targets with an error are also listed in `errors`. */
export function encodeEngagementAnswer(
  answer: EngagementAnswer,
  unknownTargetIssues: [string, string, string][] = [],
): EngagementWireAnswer {
  const errors: [string, string, string][] = [];
  const targets: EngagementWireAnswer['targets'] = answer.targets.map((t) => {
    if (t.error) errors.push([t.id, t.error.code, t.error.message]);
    return [t.id, t.pending, t.sentTotal, t.acceptedTotal, t.declinedTotal, t.expiredTotal];
  });
  errors.push(...unknownTargetIssues);
  return errors.length > 0
    ? { v: ENGAGEMENT_WIRE_VERSION, cycle: answer.cycleId, targets, errors }
    : { v: ENGAGEMENT_WIRE_VERSION, cycle: answer.cycleId, targets };
}

/** Logical view of one wire answer chunk: reports with counters, plus errors for targets without counters. */
export interface DecodedEngagementAnswer {
  /** The answer's cycle id. */
  cycleId: number;
  /** Targets the platform gave counters for (with `error` set when it also reported an error for them). */
  reports: EngagementTargetReport[];
  /** Errors for targets that came without counters. */
  errorsWithoutReport: { id: string; code: string; message: string }[];
}

/** Decodes one wire answer chunk into logical reports. */
export function decodeEngagementAnswer(chunk: EngagementWireAnswer): DecodedEngagementAnswer {
  const errorById = new Map<string, { code: string; message: string }>();
  for (const [id, code, message] of chunk.errors ?? []) errorById.set(id, { code, message });
  // Indexed, not destructured: destructuring a tuple runs the iterator protocol, 10,000 times a cycle.
  const tuples = chunk.targets;
  const reports = new Array<EngagementTargetReport>(tuples.length);
  for (let i = 0; i < tuples.length; i++) {
    const t = tuples[i]!;
    const id = t[0];
    const report: EngagementTargetReport = {
      id,
      pending: t[1],
      sentTotal: t[2],
      acceptedTotal: t[3],
      declinedTotal: t[4],
      expiredTotal: t[5],
    };
    const error = errorById.get(id);
    if (error !== undefined) {
      report.error = error;
      errorById.delete(id);
    }
    reports[i] = report;
  }
  const errorsWithoutReport = [...errorById].map(([id, e]) => ({ id, ...e }));
  return { cycleId: chunk.cycle, reports, errorsWithoutReport };
}
