/** One named line of a chart. */
export interface LineSeries {
  readonly name: string;
  readonly values: readonly number[];
}

/** One named point of a scatter chart. */
export interface ScatterPoint {
  readonly name: string;
  readonly x: number;
  readonly y: number;
}

const palette = ['#1b6ac9', '#d1495b', '#edae49', '#00798c', '#66a182', '#8d6a9f', '#30343f', '#e07a5f'];
const width = 760;
const height = 300;
const margin = { left: 56, right: 170, top: 34, bottom: 40 };

/** Escapes text for SVG. */
function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A "nice" upper bound for an axis. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function axes(title: string, xLabel: string, yLabel: string, xMax: number, yMax: number): string[] {
  const w = width - margin.left - margin.right;
  const h = height - margin.top - margin.bottom;
  const parts = [
    `<text x="${margin.left}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    `<text x="${margin.left + w / 2}" y="${height - 6}" font-size="11" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="12" y="${margin.top + h / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${margin.top + h / 2})">${escapeXml(yLabel)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = margin.top + h - (h * i) / 4;
    const x = margin.left + (w * i) / 4;
    parts.push(`<line x1="${margin.left}" x2="${margin.left + w}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(
      `<text x="${margin.left - 4}" y="${y + 4}" font-size="10" text-anchor="end">${+((yMax * i) / 4).toFixed(2)}</text>`,
    );
    parts.push(
      `<text x="${x}" y="${margin.top + h + 14}" font-size="10" text-anchor="middle">${+((xMax * i) / 4).toFixed(2)}</text>`,
    );
  }
  return parts;
}

function legend(names: readonly string[]): string[] {
  return names.map((name, i) => {
    const y = margin.top + 12 + i * 16;
    const x = width - margin.right + 12;
    return `<rect x="${x}" y="${y - 8}" width="10" height="10" fill="${palette[i % palette.length]}"/><text x="${x + 14}" y="${y + 1}" font-size="11">${escapeXml(name)}</text>`;
  });
}

/** A line chart as an SVG `<g>` fragment; x is the index times `xStep`. An optional dashed line marks `yMark`. */
export function lineChart(options: {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xStep: number;
  readonly series: readonly LineSeries[];
  readonly yMark?: number;
  readonly yMax?: number;
}): string {
  const points = Math.max(1, ...options.series.map((s) => s.values.length));
  const xMax = (points - 1) * options.xStep || 1;
  const yMax =
    options.yMax ?? niceMax(Math.max(options.yMark ?? 0, ...options.series.flatMap((s) => [...s.values])));
  const w = width - margin.left - margin.right;
  const h = height - margin.top - margin.bottom;
  const px = (i: number): number => margin.left + (w * i * options.xStep) / xMax;
  const py = (v: number): number => margin.top + h - (h * Math.min(v, yMax)) / yMax;
  const parts = axes(options.title, options.xLabel, options.yLabel, xMax, yMax);
  if (options.yMark !== undefined) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + w}" y1="${py(options.yMark)}" y2="${py(options.yMark)}" stroke="#000" stroke-dasharray="4 3"/>`,
    );
  }
  options.series.forEach((series, i) => {
    const d = series.values
      .map((v, k) => `${k === 0 ? 'M' : 'L'}${px(k).toFixed(1)},${py(v).toFixed(1)}`)
      .join('');
    parts.push(`<path d="${d}" fill="none" stroke="${palette[i % palette.length]}" stroke-width="1.3"/>`);
  });
  parts.push(...legend(options.series.map((s) => s.name)));
  return parts.join('\n');
}

/** A scatter chart as an SVG `<g>` fragment, with a dashed vertical line at `xMark`. */
export function scatterChart(options: {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly ScatterPoint[];
  readonly xMark?: number;
}): string {
  const xMax = niceMax(Math.max(options.xMark ?? 0, ...options.points.map((p) => p.x)) * 1.1);
  const yMax = 100;
  const w = width - margin.left - margin.right;
  const h = height - margin.top - margin.bottom;
  const px = (v: number): number => margin.left + (w * Math.min(v, xMax)) / xMax;
  const py = (v: number): number => margin.top + h - (h * Math.min(v, yMax)) / yMax;
  const parts = axes(options.title, options.xLabel, options.yLabel, xMax, yMax);
  if (options.xMark !== undefined) {
    parts.push(
      `<line x1="${px(options.xMark)}" x2="${px(options.xMark)}" y1="${margin.top}" y2="${margin.top + h}" stroke="#000" stroke-dasharray="4 3"/>`,
    );
  }
  options.points.forEach((point, i) => {
    parts.push(
      `<circle cx="${px(point.x).toFixed(1)}" cy="${py(point.y).toFixed(1)}" r="5" fill="${palette[i % palette.length]}"/>`,
    );
  });
  parts.push(...legend(options.points.map((p) => p.name)));
  return parts.join('\n');
}

/** Stacks chart fragments vertically into one SVG document. */
export function svgDocument(charts: readonly string[]): string {
  const body = charts
    .map((chart, i) => `<g transform="translate(0 ${i * height})">\n${chart}\n</g>`)
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height * charts.length}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${body}\n</svg>\n`;
}
