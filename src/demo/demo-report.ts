import type { DemoSnapshot } from './demo-snapshot.js';

const WIDTH = 640;
const HEIGHT = 200;
const PAD = 36;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

type Metric = 'invites' | 'freeSlots' | 'abandonPercent' | 'occupancyPercent';

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** Draws one metric of every target over the run as an SVG line chart. */
export function lineChartSvg(title: string, history: readonly DemoSnapshot[], metric: Metric): string {
  const targets = [...new Set(history.flatMap((h) => h.rows.map((r) => r.target)))].sort();
  const tMax = Math.max(1, ...history.map((h) => h.elapsedSeconds));
  const values = history.flatMap((h) => h.rows.map((r) => r[metric] ?? 0));
  const yMax = Math.max(1, ...values);
  const x = (t: number) => PAD + ((WIDTH - 2 * PAD) * t) / tMax;
  const y = (v: number) => HEIGHT - PAD + (-(HEIGHT - 2 * PAD) * v) / yMax;
  const lines = targets.map((target, i) => {
    const points = history
      .map((h) => ({ t: h.elapsedSeconds, v: h.rows.find((r) => r.target === target)?.[metric] }))
      .filter((p): p is { t: number; v: number } => p.v !== undefined && !Number.isNaN(p.v))
      .map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
      .join(' ');
    const colour = COLOURS[i % COLOURS.length]!;
    return (
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"/>` +
      `<text x="${WIDTH - PAD + 4}" y="${PAD + 14 * i}" font-size="10" fill="${colour}">${escapeXml(target)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH + 160}" height="${HEIGHT}" font-family="sans-serif">`,
    `<text x="${PAD}" y="16" font-size="13">${escapeXml(title)}</text>`,
    `<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#888"/>`,
    `<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${HEIGHT - PAD}" stroke="#888"/>`,
    `<text x="4" y="${PAD + 4}" font-size="10">${yMax.toFixed(yMax < 10 ? 1 : 0)}</text>`,
    `<text x="${WIDTH - PAD - 30}" y="${HEIGHT - PAD + 14}" font-size="10">${Math.round(tMax)} s</text>`,
    ...lines,
    '</svg>',
  ].join('\n');
}

/** Builds the HTML report of a demo run: a summary table of the last poll and four charts over time. */
export function renderDemoReport(history: readonly DemoSnapshot[], startedAt: Date): string {
  const last = history.at(-1);
  const rows = (last?.rows ?? [])
    .map(
      (r) =>
        `<tr><td>${escapeXml(r.target)}</td><td>${r.invites ?? ''}</td><td>${r.freeSlots ?? ''}</td>` +
        `<td>${r.abandonPercent?.toFixed(2) ?? ''}</td><td>${r.goalPercent ?? ''}</td><td>${r.occupancyPercent?.toFixed(1) ?? ''}</td></tr>`,
    )
    .join('\n');
  const leaders = [...new Set(history.map((h) => h.leader).filter((l) => l !== undefined))];
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Agent Pacing Operator demo report</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}</style>
</head><body>
<h1>Agent Pacing Operator demo report</h1>
<p>Started ${startedAt.toISOString()}, ${history.length} polls over ${Math.round(last?.elapsedSeconds ?? 0)} s.
Leaders seen: ${leaders.map(escapeXml).join(', ') || 'none'}.</p>
<table><tr><th>target</th><th>invites</th><th>free slots</th><th>abandon %</th><th>goal %</th><th>occupancy %</th></tr>
${rows}
</table>
${lineChartSvg('Invitations allowed per interval', history, 'invites')}
${lineChartSvg('Free slots', history, 'freeSlots')}
${lineChartSvg('Abandonment % (operator view)', history, 'abandonPercent')}
${lineChartSvg('Occupancy %', history, 'occupancyPercent')}
</body></html>
`;
}
