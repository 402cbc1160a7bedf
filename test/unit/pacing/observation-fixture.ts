import type { Observation } from '../../../src/pacing/index.js';

/** An observation of a healthy 10-slot chat target; override only what a test is about. */
export function anObservation(overrides: Partial<Observation> = {}): Observation {
  return {
    targetId: 'Proactive Chat:chat',
    media: 'chat',
    nowMs: 1_767_600_000_000,
    intervalMs: 2000,
    statsAgeMs: 500,
    isStale: false,
    isPaused: false,
    goalRatio: 0.03,
    maxInvitesPerInterval: undefined,
    freeSlots: 4,
    busySlots: 6,
    staffedSlots: 10,
    agentCount: 10,
    waiting: 0,
    waitingAgesSeconds: undefined,
    pending: 3,
    hasEngagementReport: true,
    deltas: {
      sent: 2,
      inviteAccepted: 1,
      declined: 1,
      expired: 0,
      queueAccepted: 1,
      abandoned: 0,
      answered: 1,
      handleSeconds: 300,
      statsSeconds: 2,
    },
    ...overrides,
  };
}
