import { EngagementTargetReportSchema, StatsSnapshotSchema } from '../../../src/api/protocol/index.js';
import { createLiveContactCenter } from '../../../src/sim/live-contact-center.js';
import type { ReferenceContactCenter } from '../../../src/sim/reference-contact-center.js';
import {
  startReferenceEngagementServer,
  type ReferenceEngagementServer,
} from '../../../src/sim/reference-engagement-server.js';
import {
  startReferenceStatsServer,
  type ReferenceStatsServer,
} from '../../../src/sim/reference-stats-server.js';
import {
  startReferenceTokenServer,
  type ReferenceTokenServer,
} from '../../../src/sim/reference-token-server.js';
import { exampleScenario } from '../operator-harness.js';

/**
 * The reference statistics, engagement and token servers over one live contact center (like the operator
 * harness's world), whose engagement server can be stopped and started again on the same port: the outage
 * behind the PacingRequestsFailed story.
 */
export interface RestartableReferenceWorld {
  readonly stats: ReferenceStatsServer;
  /** The engagement server currently configured (its URL stays the same across restarts). */
  readonly engagement: ReferenceEngagementServer;
  readonly tokens: ReferenceTokenServer;
  /** Closes the engagement server: connections are refused from now on. */
  stopEngagement(): Promise<void>;
  /** Starts it again on the port it had, over the same contact center. */
  restartEngagement(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the three servers with the example Secret's client registered. */
export async function startRestartableReferenceWorld(): Promise<RestartableReferenceWorld> {
  const clock = { nowMs: () => Date.now() };
  const live = createLiveContactCenter(exampleScenario, 7, Date.now());
  const center: ReferenceContactCenter = {
    advanceTo: (nowMs) => live.advanceTo(nowMs),
    snapshot: () => StatsSnapshotSchema.parse(live.snapshot()),
    applyAllowances: (cycle) => live.applyAllowances(cycle).map((r) => EngagementTargetReportSchema.parse(r)),
    targetIds: () => live.targetIds(),
  };
  const tokens = await startReferenceTokenServer({
    clients: { 'demo-client': 'demo-secret-for-local-demo-only' },
    clock,
  });
  const stats = await startReferenceStatsServer({ contactCenter: center, clock });
  const startEngagement = (port?: number) =>
    startReferenceEngagementServer({
      contactCenter: center,
      clock,
      targetEndpoint: '/v1/pacing',
      verifyToken: (token) => tokens.verifyToken(token),
      ...(port === undefined ? {} : { port }),
    });
  let engagement = await startEngagement();
  let isEngagementUp = true;
  return {
    stats,
    tokens,
    get engagement() {
      return engagement;
    },
    stopEngagement: async () => {
      isEngagementUp = false;
      await engagement.close();
    },
    restartEngagement: async () => {
      engagement = await startEngagement(engagement.port);
      isEngagementUp = true;
    },
    close: async () => {
      await Promise.all([
        stats.close(),
        tokens.close(),
        isEngagementUp ? engagement.close() : Promise.resolve(),
      ]);
    },
  };
}
