import type { PrometheusSample } from './prometheus-text.js';

/** What the demo shows for one pacing target at one moment, read from the leader's metrics. */
export interface DemoTargetRow {
  target: string;
  freeSlots: number | undefined;
  waiting: number | undefined;
  pending: number | undefined;
  invites: number | undefined;
  abandonPercent: number | undefined;
  goalPercent: number | undefined;
  occupancyPercent: number | undefined;
}

/** One poll of the running demo: the replicas, which one leads, and the per-target figures. */
export interface DemoSnapshot {
  elapsedSeconds: number;
  leader: string | undefined;
  replicas: { name: string; up: boolean; leading: boolean }[];
  rows: DemoTargetRow[];
}

const FIELDS: Record<string, { key: keyof DemoTargetRow; scale: number }> = {
  pacing_free_slots: { key: 'freeSlots', scale: 1 },
  pacing_waiting_interactions: { key: 'waiting', scale: 1 },
  pacing_pending_invitations: { key: 'pending', scale: 1 },
  pacing_invites_allowed: { key: 'invites', scale: 1 },
  pacing_abandonment_ratio: { key: 'abandonPercent', scale: 100 },
  pacing_abandonment_goal_ratio: { key: 'goalPercent', scale: 100 },
  pacing_occupancy_ratio: { key: 'occupancyPercent', scale: 100 },
};

/** Turns the leader's per-target gauges into table rows, sorted by target name. */
export function rowsFromMetrics(samples: readonly PrometheusSample[]): DemoTargetRow[] {
  const rows = new Map<string, DemoTargetRow>();
  for (const s of samples) {
    const field = FIELDS[s.name];
    const target = s.labels.target;
    if (!field || target === undefined) continue;
    let row = rows.get(target);
    if (!row) {
      row = {
        target,
        freeSlots: undefined,
        waiting: undefined,
        pending: undefined,
        invites: undefined,
        abandonPercent: undefined,
        goalPercent: undefined,
        occupancyPercent: undefined,
      };
      rows.set(target, row);
    }
    (row[field.key] as number | undefined) = s.value * field.scale;
  }
  return [...rows.values()].sort((a, b) => a.target.localeCompare(b.target));
}
