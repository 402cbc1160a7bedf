import { z } from 'zod';
import { fastArray, isCount, isFiniteNumber, isNonEmptyString } from './fast-checked-schema.js';
import type { SnapshotVirtualQueue } from './stats-snapshot.js';
import { refuseIndexOutOfRange, refuseRowCountMismatches, type TableColumn } from './table-column-checks.js';
// Type only (erased at run time), so the two modules do not load each other.
import type { DeepReadonly } from './stats-snapshot-table.js';

/** True for a waiting-age count: -1 (the source gives no ages for this queue) or a count. */
function isAgeCount(value: unknown): boolean {
  return value === -1 || isCount(value);
}

/** True for a finite number ≥ 0 (what `z.number().min(0)` accepts). */
function isNonNegative(value: unknown): boolean {
  return isFiniteNumber(value) && value >= 0;
}

const counts = () => fastArray(z.int().min(0), isCount);

/**
 * The virtual queues of a snapshot as columns: row i of every column is the queue `names[i]`. A queue is a handful
 * of numbers, so 10,000 of them as objects are mostly repeated keys: as columns they are about a quarter of the
 * bytes and a third of the parsing work.
 */
export const QueueTableSchema = z
  .object({
    names: fastArray(z.string().min(1), isNonEmptyString).describe('virtual queue names, one row per queue'),
    mediaNames: fastArray(z.string().min(1), isNonEmptyString).describe('distinct media names'),
    media: counts().describe('per queue: index of its media in mediaNames'),
    waiting: counts().describe('per queue: proactive interactions waiting for an agent now'),
    acceptedTotal: counts().describe('per queue: cumulative proactive interactions accepted by visitors'),
    abandonedTotal: counts().describe(
      'per queue: cumulative proactive interactions abandoned before an agent joined',
    ),
    answeredTotal: counts().describe('per queue: cumulative proactive interactions an agent joined'),
    handleSecondsTotal: fastArray(z.number().min(0), isNonNegative).describe(
      'per queue: cumulative handle time of finished interactions, seconds',
    ),
    waitingAgeCount: fastArray(z.int().min(-1), isAgeCount).describe(
      'per queue: how many of waitingAgesSeconds are its own, in row order; -1 when the source gives none',
    ),
    waitingAgesSeconds: fastArray(z.number().min(0), isNonNegative).describe(
      'the ages in seconds of the waiting interactions of every queue, one queue after the other',
    ),
  })
  .superRefine((table, ctx) => {
    // zod runs this refinement even when a column failed its own check, or is missing: only arrays are compared.
    if (!Array.isArray(table.names)) return;
    const columns: TableColumn[] = [];
    for (const name of [
      'media',
      'waiting',
      'acceptedTotal',
      'abandonedTotal',
      'answeredTotal',
      'handleSecondsTotal',
      'waitingAgeCount',
    ] as const) {
      const column: unknown = table[name];
      if (Array.isArray(column)) columns.push([column, [name]]);
    }
    refuseRowCountMismatches(ctx, table.names.length, 'names', columns);
    if (Array.isArray(table.media) && Array.isArray(table.mediaNames)) {
      refuseIndexOutOfRange(ctx, table.media, table.mediaNames.length, 'media', 'mediaNames');
    }
    if (Array.isArray(table.waitingAgeCount) && Array.isArray(table.waitingAgesSeconds)) {
      let listed = 0;
      for (const count of table.waitingAgeCount) if (typeof count === 'number' && count > 0) listed += count;
      if (listed !== table.waitingAgesSeconds.length) {
        ctx.addIssue({
          code: 'custom',
          message: `has ${table.waitingAgesSeconds.length} ages, waitingAgeCount adds up to ${listed}`,
          path: ['waitingAgesSeconds'],
        });
      }
    }
  });

/** The virtual queues of a snapshot in columns (see {@link QueueTableSchema}). */
export type QueueTable = z.infer<typeof QueueTableSchema>;

/** The queues of a snapshot as columns (what a statistics source sends in the table form, version 2). */
export function encodeQueueTable(queues: readonly DeepReadonly<SnapshotVirtualQueue>[]): QueueTable {
  const rows = queues.length;
  const names = new Array<string>(rows);
  const mediaNames: string[] = [];
  const mediaIndex = new Map<string, number>();
  const media = new Array<number>(rows);
  const waiting = new Array<number>(rows);
  const acceptedTotal = new Array<number>(rows);
  const abandonedTotal = new Array<number>(rows);
  const answeredTotal = new Array<number>(rows);
  const handleSecondsTotal = new Array<number>(rows);
  const waitingAgeCount = new Array<number>(rows);
  const waitingAgesSeconds: number[] = [];
  for (let row = 0; row < rows; row++) {
    const queue = queues[row]!;
    names[row] = queue.name;
    let index = mediaIndex.get(queue.media);
    if (index === undefined) {
      index = mediaNames.length;
      mediaNames.push(queue.media);
      mediaIndex.set(queue.media, index);
    }
    media[row] = index;
    waiting[row] = queue.waiting;
    acceptedTotal[row] = queue.acceptedTotal;
    abandonedTotal[row] = queue.abandonedTotal;
    answeredTotal[row] = queue.answeredTotal;
    handleSecondsTotal[row] = queue.handleSecondsTotal;
    const ages = queue.waitingAgesSeconds;
    waitingAgeCount[row] = ages === undefined ? -1 : ages.length;
    if (ages !== undefined) for (const age of ages) waitingAgesSeconds.push(age);
  }
  return {
    names,
    mediaNames,
    media,
    waiting,
    acceptedTotal,
    abandonedTotal,
    answeredTotal,
    handleSecondsTotal,
    waitingAgeCount,
    waitingAgesSeconds,
  };
}

/** Turns validated queue columns back into the queues of a snapshot, in row order. */
export function decodeQueueTable(table: QueueTable): SnapshotVirtualQueue[] {
  const rows = table.names.length;
  const queues = new Array<SnapshotVirtualQueue>(rows);
  let age = 0;
  for (let row = 0; row < rows; row++) {
    const name = table.names[row]!;
    const media = table.mediaNames[table.media[row]!]!;
    const count = table.waitingAgeCount[row]!;
    const from = age;
    if (count > 0) age += count;
    // Two literals, not a field added afterwards: each queue object gets its final shape at once.
    queues[row] =
      count < 0
        ? {
            name,
            media,
            waiting: table.waiting[row]!,
            acceptedTotal: table.acceptedTotal[row]!,
            abandonedTotal: table.abandonedTotal[row]!,
            answeredTotal: table.answeredTotal[row]!,
            handleSecondsTotal: table.handleSecondsTotal[row]!,
          }
        : {
            name,
            media,
            waiting: table.waiting[row]!,
            waitingAgesSeconds: table.waitingAgesSeconds.slice(from, age),
            acceptedTotal: table.acceptedTotal[row]!,
            abandonedTotal: table.abandonedTotal[row]!,
            answeredTotal: table.answeredTotal[row]!,
            handleSecondsTotal: table.handleSecondsTotal[row]!,
          };
  }
  return queues;
}
