import Table from 'cli-table3';
import type { DemoSnapshot } from './demo-snapshot.js';

const dash = '–';

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? dash : value.toFixed(digits);
}

/** Renders one poll of the demo as the text a person watches in the terminal. */
export function renderDemoView(snapshot: DemoSnapshot): string {
  const replicas = snapshot.replicas
    .map((r) => `${r.name}${r.leading ? ' (leader)' : ''}${r.up ? '' : ' [down]'}`)
    .join(', ');
  const head = [
    `Agent Pacing Operator demo — ${Math.round(snapshot.elapsedSeconds)} s`,
    `leader: ${snapshot.leader ?? 'none yet'}    replicas: ${replicas}`,
  ];
  const table = new Table({
    head: ['target', 'free slots', 'waiting', 'pending', 'invites', 'abandon % / goal', 'occupancy %'],
    style: { head: [], border: [] },
  });
  for (const r of snapshot.rows) {
    table.push([
      r.target,
      fixed(r.freeSlots, 0),
      fixed(r.waiting, 0),
      fixed(r.pending, 0),
      fixed(r.invites, 0),
      `${fixed(r.abandonPercent, 1)} / ${fixed(r.goalPercent, 0)}`,
      fixed(r.occupancyPercent, 1),
    ]);
  }
  const body = snapshot.rows.length > 0 ? table.toString() : '(waiting for the first pacing cycle)';
  return `${head.join('\n')}\n${body}\n`;
}
