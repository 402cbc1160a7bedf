import type { EngagementTargetReport, StatsSnapshot } from '../../../src/api/protocol/index.js';
import type { ReferenceContactCenter } from '../../../src/sim/reference-contact-center.js';

/**
 * A deterministic stand-in for the simulator, for unit tests of the reference servers and clients: every snapshot
 * accepts one more proactive interaction and abandons one every third, so cumulative counters move predictably;
 * allowances become pending invitations one to one.
 */
export class FixedContactCenter implements ReferenceContactCenter {
  readonly #targets: string[];
  readonly #agentCount: number;
  #nowMs: number;
  #snapshots = 0;
  readonly #sent = new Map<string, number>();
  readonly #pending = new Map<string, number>();
  /** Every cycle applied, in order (tests read it). */
  readonly cycles: { cycleId: number; publisher: string; allowances: { id: string; invites: number }[] }[] =
    [];

  constructor(options: { startMs: number; targets?: string[]; agentCount?: number }) {
    this.#nowMs = options.startMs;
    this.#targets = options.targets ?? ['Proactive Chat:chat', 'Proactive Voice:voice'];
    this.#agentCount = options.agentCount ?? 3;
  }

  advanceTo(nowMs: number): void {
    this.#nowMs = Math.max(this.#nowMs, nowMs);
  }

  snapshot(): StatsSnapshot {
    this.#snapshots += 1;
    return {
      snapshotTime: new Date(this.#nowMs).toISOString(),
      agents: Array.from({ length: this.#agentCount }, (_, i) => ({
        id: `a-${i}`,
        groups: ['Proactive Chat'],
        skills: { Spanish: i % 10 },
        media: {
          chat: { state: i % 3 === 0 ? ('busy' as const) : ('ready' as const), capacity: 2, load: i % 2 },
        },
      })),
      virtualQueues: this.#targets.map((id) => {
        const [name = id, media = 'chat'] = id.split(':');
        return {
          name,
          media,
          waiting: this.#snapshots % 4,
          acceptedTotal: this.#snapshots,
          abandonedTotal: Math.floor(this.#snapshots / 3),
          answeredTotal: this.#snapshots - Math.floor(this.#snapshots / 3),
          handleSecondsTotal: 120 * this.#snapshots,
        };
      }),
    };
  }

  applyAllowances(cycle: {
    cycleId: number;
    publisher: string;
    allowances: { id: string; invites: number }[];
  }): EngagementTargetReport[] {
    this.cycles.push(cycle);
    return cycle.allowances.map(({ id, invites }) => {
      const sentTotal = (this.#sent.get(id) ?? 0) + invites;
      this.#sent.set(id, sentTotal);
      this.#pending.set(id, invites);
      return { id, pending: invites, sentTotal, acceptedTotal: 0, declinedTotal: 0, expiredTotal: 0 };
    });
  }

  targetIds(): string[] {
    return [...this.#targets];
  }
}
