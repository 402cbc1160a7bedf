import type { StatsSnapshot } from '../../../src/api/protocol/index.js';

/** A small valid statistics snapshot (the values of the OpenAPI example): one blended agent, one queue with ages. */
export const EXAMPLE_SNAPSHOT: StatsSnapshot = {
  snapshotTime: '2026-11-25T18:00:00.000Z',
  agents: [
    {
      id: 'a-17',
      groups: ['Proactive Chat'],
      skills: { Spanish: 6, Sales: 2.5 },
      media: {
        chat: { state: 'ready', capacity: 2, load: 1 },
        voice: { state: 'not-ready', capacity: 1, load: 0 },
      },
    },
  ],
  virtualQueues: [
    {
      name: 'Proactive Chat',
      media: 'chat',
      waiting: 3,
      waitingAgesSeconds: [12.5, 3.1, 0.4],
      acceptedTotal: 1200,
      abandonedTotal: 31,
      answeredTotal: 1160,
      handleSecondsTotal: 348000,
    },
  ],
};
