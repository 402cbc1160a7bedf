import { StatsSnapshotSchema, EngagementTargetReportSchema } from '../../../src/api/protocol/index.js';
import { createLiveContactCenter } from '../../../src/sim/live-contact-center.js';
import type { ReferenceContactCenter } from '../../../src/sim/reference-contact-center.js';
import { startReferenceEngagementServer } from '../../../src/sim/reference-engagement-server.js';
import { startReferenceStatsServer } from '../../../src/sim/reference-stats-server.js';
import { startReferenceTokenServer } from '../../../src/sim/reference-token-server.js';
import { parseScenario } from '../../../src/sim/scenario.js';
import { exampleScenario, type ReferenceWorld } from '../../support/operator-harness.js';

/** The OAuth client the example Secret (deploy/examples) names. */
export const exampleClient = { id: 'demo-client', secret: 'demo-secret-for-local-demo-only' } as const;

/**
 * The examples' contact center with impatient visitors (mean patience 4 s instead of 60 s), a routing delay
 * and reactive traffic competing for the agents, so that abandoned interactions can occur during a short chaos run
 * and the "nothing lost" check has abandonments to count, not only acceptances (the policy keeps them rare).
 */
export const chaosScenario = parseScenario({
  ...exampleScenario,
  name: 'chaos',
  targets: exampleScenario.targets.map((t) => ({
    ...t,
    acceptProbability: 0.5,
    patience: { dist: 'exponential', mean: 4 },
    routingDelay: { dist: 'uniform', min: 0, max: 4 },
    // Reactive traffic competing for the same agents, so an accepted visitor sometimes has to wait.
    reactive: { ratePerSecond: 0.25 },
  })),
});

/** Cumulative accepted and abandoned interactions of one virtual queue in one served snapshot. */
export interface QueueTruth {
  readonly accepted: number;
  readonly abandoned: number;
}

/** Ground truth: what the statistics source served, by snapshot time (ms) and target id (`vq:media`). */
export interface GroundTruth {
  /** The queue counters of the snapshot served with this snapshot time, if one was served. */
  at(snapshotMs: number, targetId: string): QueueTruth | undefined;
  /** The counters of the newest snapshot served. */
  latest(targetId: string): QueueTruth | undefined;
}

/** The reference servers over the chaos scenario, with every served snapshot's counters recorded. */
export interface ChaosWorld extends ReferenceWorld {
  readonly truth: GroundTruth;
  /** How many exchanges the engagement server refused for an unknown, expired or revoked bearer token. */
  rejectedTokens(): number;
}

/** Starts the statistics, engagement and token servers on loopback over one live chaos contact center. */
export async function startChaosWorld(seed = 11): Promise<ChaosWorld> {
  const clock = { nowMs: () => Date.now() };
  const live = createLiveContactCenter(chaosScenario, seed, Date.now());
  const served = new Map<number, Map<string, QueueTruth>>();
  let newest: Map<string, QueueTruth> | undefined;
  const center: ReferenceContactCenter = {
    advanceTo: (nowMs) => live.advanceTo(nowMs),
    snapshot: () => {
      const snapshot = StatsSnapshotSchema.parse(live.snapshot());
      const queues = new Map<string, QueueTruth>(
        snapshot.virtualQueues.map((q) => [
          `${q.name}:${q.media}`,
          { accepted: q.acceptedTotal, abandoned: q.abandonedTotal },
        ]),
      );
      served.set(Date.parse(snapshot.snapshotTime), queues);
      newest = queues;
      return snapshot;
    },
    applyAllowances: (cycle) => live.applyAllowances(cycle).map((r) => EngagementTargetReportSchema.parse(r)),
    targetIds: () => live.targetIds(),
  };
  const tokens = await startReferenceTokenServer({
    clients: { [exampleClient.id]: exampleClient.secret },
    clock,
  });
  const stats = await startReferenceStatsServer({ contactCenter: center, clock });
  let rejected = 0;
  const engagement = await startReferenceEngagementServer({
    contactCenter: center,
    clock,
    targetEndpoint: '/v1/pacing',
    verifyToken: (token) => {
      const isValid = tokens.verifyToken(token);
      if (!isValid) rejected += 1;
      return isValid;
    },
  });
  return {
    stats,
    engagement,
    tokens,
    truth: {
      at: (snapshotMs, targetId) => served.get(snapshotMs)?.get(targetId),
      latest: (targetId) => newest?.get(targetId),
    },
    rejectedTokens: () => rejected,
    close: async () => {
      await Promise.all([stats.close(), engagement.close(), tokens.close()]);
    },
  };
}
