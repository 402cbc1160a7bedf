import type { StatsSnapshot } from '../../src/api/protocol/index.js';

/** A virtual queue of a statistics snapshot. */
type SnapshotQueue = StatsSnapshot['virtualQueues'][number];

/** A virtual queue with nothing waiting and every counter at 0; override what the case is about. */
export function aQueue(name: string, overrides: Partial<SnapshotQueue> = {}): SnapshotQueue {
  return {
    name,
    media: 'chat',
    waiting: 0,
    acceptedTotal: 0,
    abandonedTotal: 0,
    answeredTotal: 0,
    handleSecondsTotal: 0,
    ...overrides,
  };
}
