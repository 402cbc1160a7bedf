import { Agent, type Dispatcher } from 'undici';

/** Options of {@link createStatsDispatcher}. */
export interface StatsDispatcherOptions {
  /** Connect timeout, ms (default 5000). */
  connectTimeoutMs?: number;
  /** Idle keep-alive time of pooled sockets, ms (default 30000, longer than a refresh period). */
  keepAliveTimeoutMs?: number;
  /** Extra CA certificates (PEM) to trust for an HTTPS statistics source. */
  ca?: string | string[];
}

/**
 * A keep-alive connection pool for the statistics source: one socket is reused every cycle instead of a new
 * handshake each time. Close it with `close()` on shutdown.
 */
export function createStatsDispatcher(options: StatsDispatcherOptions = {}): Dispatcher {
  return new Agent({
    // One read per refresh period: a single kept-alive socket per source is enough, and without a second one the
    // pool never opens a new connection while the previous answer is still being released.
    connections: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 5_000, ...(options.ca ? { ca: options.ca } : {}) },
  });
}
