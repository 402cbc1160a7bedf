import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { PacingCluster, PacingClusterDurationsMs } from '../api/index.js';
import {
  ClientCredentialsTokenSource,
  createEngagementDispatcher,
  EngagementClient,
  type EngagementRequestMetrics,
} from '../engagement/index.js';
import { createStatsDispatcher, StatsClient } from '../stats/index.js';
import type { Clock } from './clock.js';
import type { ClusterConfig } from './cluster-config.js';
import type { CycleGate } from './cycle-gate.js';
import type { CycleOutcomeSink } from './cycle-outcome.js';
import { HttpEngagementExchange } from './http-engagement-exchange.js';
import { HttpStatsSource, type StatsReadMetrics } from './http-stats-source.js';
import type { LeaseFence } from './lease-fence.js';
import type { LearnedStateStore } from './learned-state.js';
import type { PacingDecider } from './pacing-decider.js';
import { PacingRoomDecider } from './pacing-room-decider.js';
import type { WorkerCredentials } from './worker-credentials.js';
import type { DesiredWorker } from './worker-registry.js';

/** What every worker of this process shares: time, randomness, identity, lease, state store, sinks. */
export interface HttpWorkerDeps {
  /** Time. */
  readonly clock: Clock;
  /** Random source in [0, 1) (engagement retry jitter). */
  readonly random: () => number;
  /** Identity of this instance (publisher). */
  readonly identity: string;
  /** Lease check before publishing. */
  readonly fence: LeaseFence;
  /** Learned state between leaders. */
  readonly stateStore?: LearnedStateStore | undefined;
  /** Outcome consumers. */
  readonly sink: CycleOutcomeSink;
  /** Root logger; a child with `cluster` is made per worker. */
  readonly logger: Logger;
  /** Told when each cycle starts and ends; none by default. */
  readonly cycleGate?: CycleGate | undefined;
  /** Decider; the src/pacing one by default. */
  readonly decider?: PacingDecider | undefined;
  /** Called after each engagement HTTP attempt, for metrics. */
  readonly onEngagementRequest?:
    ((clusterKey: string, metrics: EngagementRequestMetrics) => void) | undefined;
  /** Called after each statistics answer read, for metrics. */
  readonly onStatsRead?: ((clusterKey: string, metrics: StatsReadMetrics) => void) | undefined;
}

/** The worker configuration a PacingCluster spec resolves to. */
export function clusterConfigOf(
  cluster: PacingCluster,
  durationsMs: PacingClusterDurationsMs,
): ClusterConfig {
  const key = `${cluster.metadata.namespace ?? 'default'}/${cluster.metadata.name}`;
  return {
    key,
    clusterId: cluster.spec.engagement.clusterId ?? key,
    refreshPeriodMs: durationsMs.refreshPeriodMs,
    statsStaleAfterMs: durationsMs.statsStaleAfterMs,
    policy: cluster.spec.policy,
    // Long enough for both requests to time out on their own (they say which one failed); a longer cycle
    // overruns the next slots, which are skipped and counted.
    cycleTimeoutMs: Math.max(
      durationsMs.refreshPeriodMs,
      durationsMs.statsTimeoutMs + durationsMs.engagementTimeoutMs,
    ),
    stateSaveIntervalMs: durationsMs.learnedStateSavePeriodMs,
  };
}

/**
 * The production worker of a PacingCluster: HTTP statistics client, OAuth2 engagement client (through the
 * forward proxy when set), the src/pacing decider. The fingerprint covers every connection setting and secret
 * (hashed), so a change of any of them replaces the worker and its connection pools.
 */
export function createHttpDesiredWorker(
  cluster: PacingCluster,
  durationsMs: PacingClusterDurationsMs,
  credentials: WorkerCredentials,
  deps: HttpWorkerDeps,
): DesiredWorker {
  const config = clusterConfigOf(cluster, durationsMs);
  const { statsSource, engagement } = cluster.spec;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ statsSource, engagement, credentials, durationsMs }))
    .digest('hex');
  return {
    config,
    connectionFingerprint: fingerprint,
    buildPorts: () => {
      const statsDispatcher = createStatsDispatcher(credentials.statsCa ? { ca: credentials.statsCa } : {});
      const statsClient = new StatsClient({
        url: statsSource.url,
        ...(credentials.statsBearerToken ? { bearerToken: credentials.statsBearerToken } : {}),
        dispatcher: statsDispatcher,
        clock: deps.clock,
        timeoutMs: durationsMs.statsTimeoutMs,
        maxAgeMs: durationsMs.statsStaleAfterMs,
      });
      const proxy = engagement.forwardProxy;
      const engagementDispatcher = createEngagementDispatcher(
        proxy ? { proxy: { url: proxy.url, ...(credentials.proxy ?? {}) } } : {},
      );
      const tokenSource = new ClientCredentialsTokenSource({
        tokenUrl: engagement.baseAuthURL,
        credentials: () => ({ clientId: credentials.clientId, clientSecret: credentials.clientSecret }),
        dispatcher: engagementDispatcher,
        clock: deps.clock,
        timeoutMs: durationsMs.engagementTimeoutMs,
      });
      const engagementClient = new EngagementClient({
        baseServiceUrl: engagement.baseServiceURL,
        targetEndpoint: engagement.targetEndpoint,
        tokenSource,
        dispatcher: engagementDispatcher,
        clock: deps.clock,
        random: deps.random,
        timeoutMs: durationsMs.engagementTimeoutMs,
        ...(deps.onEngagementRequest
          ? { onRequest: (m: EngagementRequestMetrics) => deps.onEngagementRequest?.(config.key, m) }
          : {}),
      });
      return {
        stats: new HttpStatsSource(
          statsClient,
          deps.onStatsRead ? (m) => deps.onStatsRead?.(config.key, m) : undefined,
        ),
        engagement: new HttpEngagementExchange(engagementClient),
        decider: deps.decider ?? new PacingRoomDecider(),
        fence: deps.fence,
        clock: deps.clock,
        publisher: deps.identity,
        stateStore: deps.stateStore,
        sink: deps.sink,
        cycleGate: deps.cycleGate,
        logger: deps.logger.child({ cluster: config.key }),
        close: async () => {
          await Promise.allSettled([statsDispatcher.close(), engagementDispatcher.close()]);
        },
      };
    },
  };
}
