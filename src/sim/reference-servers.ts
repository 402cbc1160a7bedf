import type { Scenario } from './scenario.js';
import { createLiveContactCenter } from './live-contact-center.js';
import {
  startReferenceEngagementServer,
  type ReferenceEngagementServer,
} from './reference-engagement-server.js';
import { startReferenceStatsServer, type ReferenceStatsServer } from './reference-stats-server.js';
import { startReferenceTokenServer, type ReferenceTokenServer } from './reference-token-server.js';

/** Options of {@link startReferenceServers}. */
export interface ReferenceServersOptions {
  /** The scenario the live simulation runs. */
  scenario: Scenario;
  /** Simulation seed (the same seed gives the same visitors). */
  seed: number;
  /** Wall clock; simulated time follows it one to one from the start. */
  clock: { nowMs(): number };
  /** Listen address of all three servers (default 127.0.0.1). */
  host?: string;
  /** Ports (0 picks free ones). */
  ports: { stats: number; engagement: number; auth: number };
  /** Exchange path on the engagement server. */
  targetEndpoint?: string;
  /** OAuth2 clients of the token server: client id to secret. */
  clients: Record<string, string>;
  /** Lifetime of issued tokens, seconds. */
  tokenLifetimeSeconds?: number;
  /** When set, the statistics server requires this bearer token. */
  statsBearerToken?: string;
  /**
   * How often the simulation catches up with the clock between requests, ms (default 200; 0: only when asked).
   * A real statistics source keeps its figures current as events happen, so a snapshot read costs a read, not
   * the simulation of everything since the last one (about 90 ms for 5 s of 50,000 agents).
   */
  advanceEveryMs?: number;
}

/** The three running reference servers around one live simulation. */
export interface ReferenceServers {
  stats: ReferenceStatsServer;
  engagement: ReferenceEngagementServer;
  tokens: ReferenceTokenServer;
  /** Stops all three. */
  close(): Promise<void>;
}

/**
 * Starts the statistics, engagement and OAuth2 token servers over one live simulation of `scenario`, so an operator
 * can run against a contact center that reacts to its allowances in real time (the demo's `pacing-operator serve`).
 * The engagement server accepts only tokens issued by the token server.
 */
export async function startReferenceServers(options: ReferenceServersOptions): Promise<ReferenceServers> {
  const contactCenter = createLiveContactCenter(options.scenario, options.seed, options.clock.nowMs());
  const host = options.host ?? '127.0.0.1';
  const tokens = await startReferenceTokenServer({
    clients: options.clients,
    clock: options.clock,
    host,
    port: options.ports.auth,
    ...(options.tokenLifetimeSeconds !== undefined
      ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds }
      : {}),
  });
  const started: { close(): Promise<void> }[] = [tokens];
  try {
    const stats = await startReferenceStatsServer({
      contactCenter,
      clock: options.clock,
      host,
      port: options.ports.stats,
      ...(options.statsBearerToken ? { bearerToken: options.statsBearerToken } : {}),
    });
    started.push(stats);
    const engagement = await startReferenceEngagementServer({
      contactCenter,
      clock: options.clock,
      host,
      port: options.ports.engagement,
      verifyToken: (token) => tokens.verifyToken(token),
      ...(options.targetEndpoint ? { targetEndpoint: options.targetEndpoint } : {}),
    });
    const everyMs = options.advanceEveryMs ?? 200;
    const catchUp =
      everyMs > 0
        ? setInterval(() => {
            try {
              contactCenter.advanceTo(options.clock.nowMs());
            } catch {
              // The next request advances too and answers the same failure with a 500, where a client sees it.
              clearInterval(catchUp);
            }
          }, everyMs).unref()
        : undefined;
    return {
      stats,
      engagement,
      tokens,
      close: async () => {
        if (catchUp !== undefined) clearInterval(catchUp);
        await Promise.all([stats.close(), engagement.close(), tokens.close()]);
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
}
