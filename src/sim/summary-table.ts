import type { PolicySummary } from './summarize-runs.js';

const columns: readonly [string, (s: PolicySummary) => string][] = [
  ['policy', (s) => s.policy],
  ['abandon %', (s) => s.abandonmentPercent.toFixed(2)],
  ['worst seed %', (s) => s.abandonmentPercentWorstSeed.toFixed(2)],
  ['max rolling hour %', (s) => s.rollingHourMaxPercent.toFixed(2)],
  ['occupancy %', (s) => s.occupancyPercent.toFixed(1)],
  ['accepted/h', (s) => s.acceptedPerHour.toFixed(1)],
  ['invites/h', (s) => s.invitesPerHour.toFixed(1)],
  ['mean wait s', (s) => s.meanWaitSeconds.toFixed(1)],
  ['excess after shocks', (s) => s.excessAbandonedAfterShocks.toFixed(1)],
];

/** A Markdown table of policy summaries (one row per policy), readable in a terminal too. */
export function renderSummaryTable(summaries: readonly PolicySummary[]): string {
  const rows = summaries.map((s) => columns.map(([, cell]) => cell(s)));
  const header = columns.map(([name]) => name);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
