import type { EngagementTargetReport, StatsSnapshot } from '../api/protocol/index.js';

/**
 * What the reference servers need from a running simulation (CONTRACTS.md: the pacing helper's
 * `createLiveContactCenter` in src/sim/live-contact-center.ts satisfies it structurally). Declared here so the servers
 * depend on the seam, not on the simulator's internals.
 */
export interface ReferenceContactCenter {
  /** Runs the simulation up to this virtual time (ms since the epoch); never goes back. */
  advanceTo(nowMs: number): void;
  /** The current statistics snapshot in wire shape. */
  snapshot(): StatsSnapshot;
  /** Applies one cycle's allowances to simulated visitors and reports pending invitations per target. */
  applyAllowances(cycle: {
    cycleId: number;
    publisher: string;
    allowances: { id: string; invites: number }[];
  }): EngagementTargetReport[];
  /** Ids (`${vq}:${media}`) of every target the simulation knows. */
  targetIds(): string[];
}
