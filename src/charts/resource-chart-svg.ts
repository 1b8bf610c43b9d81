import { formatBytes, formatCores } from '../lib/format-units.js';
import type { GraphData, GraphPanel } from './graph-data.js';
import { escapeHtml } from '../lib/escape.js';

/** Pixel geometry of the chart; exported so tests can find where a value is drawn. */
export const CHART = { width: 720, panelHeight: 170, top: 34, left: 78, right: 16, gap: 34, bottom: 26 } as const;

export const COLORS = {
  background: '#ffffff',
  grid: '#e3e6ea',
  text: '#333333',
  usage: '#1f6fd1',
  request: '#e39b17',
  limit: '#d62728',
} as const;

/** The chart's height for a number of panels. */
export const chartHeight = (panels: number): number => CHART.top + panels * CHART.panelHeight + (panels - 1) * CHART.gap + CHART.bottom;

/** The panel's value scale: zero to a little above the highest of usage, request and limit. */
export function panelScale(panel: GraphPanel): number {
  const values = [...panel.points.map(([, v]) => v ?? 0), panel.request ?? 0, panel.limit ?? 0].filter(Number.isFinite);
  const max = Math.max(...values, 0);
  return max > 0 ? max * 1.1 : 1;
}

/** The y pixel of `value` in panel `index`. */
export function yOf(value: number, index: number, scale: number): number {
  const top = CHART.top + index * (CHART.panelHeight + CHART.gap);
  return top + CHART.panelHeight - (value / scale) * CHART.panelHeight;
}

/**
 * The last hour of a pod's (or node's) CPU and memory as SVG: one panel per resource, usage as a
 * line, the request dashed and the limit solid, so "how close to the limit, and since when" reads
 * at a glance. Plain shapes only, for any SVG rasteriser; text is a bonus when fonts exist.
 */
export function resourceChartSvg(data: GraphData): string {
  const height = chartHeight(data.panels.length);
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const span = Math.max(1, data.end - data.start);
  const xOf = (t: number): number => CHART.left + ((t - data.start) / span) * plotWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${height}" viewBox="0 0 ${CHART.width} ${height}">`,
    `<rect width="100%" height="100%" fill="${COLORS.background}"/>`,
    text(CHART.left, 20, `${data.subject} · last ${Math.round(span / 60)} min`, 14, 'start', 'bold'),
  ];
  data.panels.forEach((panel, index) => {
    const scale = panelScale(panel);
    const top = CHART.top + index * (CHART.panelHeight + CHART.gap);
    const format = panel.unit === 'bytes' ? formatBytes : formatCores;
    for (let i = 0; i <= 4; i++) {
      const value = (scale * i) / 4;
      const y = yOf(value, index, scale);
      parts.push(
        `<line x1="${CHART.left}" y1="${fix(y)}" x2="${CHART.width - CHART.right}" y2="${fix(y)}" stroke="${COLORS.grid}" stroke-width="1"/>`,
      );
      parts.push(text(CHART.left - 6, y + 4, format(value), 10, 'end'));
    }
    parts.push(text(CHART.left + 4, top + 12, panel.title, 11, 'start', 'bold'));
    if (panel.request !== undefined)
      parts.push(level(panel.request, index, scale, COLORS.request, '6 4', `request ${format(panel.request)}`));
    if (panel.limit !== undefined)
      parts.push(level(panel.limit, index, scale, COLORS.limit, undefined, `${panel.limitLabel ?? 'limit'} ${format(panel.limit)}`));
    for (const run of runsOf(panel.points)) {
      const path = run.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${fix(xOf(t))},${fix(yOf(v, index, scale))}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${COLORS.usage}" stroke-width="2.5" stroke-linejoin="round"/>`);
    }
  });
  const axisY = height - 8;
  parts.push(
    text(CHART.left, axisY, `−${Math.round(span / 60)} min`, 10, 'start'),
    text(CHART.width - CHART.right, axisY, 'now', 10, 'end'),
    '</svg>',
  );
  return parts.join('');
}

/** A horizontal line across the plot at `value`, labelled at its right end. */
function level(value: number, index: number, scale: number, color: string, dash: string | undefined, label: string): string {
  const y = fix(yOf(value, index, scale));
  const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
  return (
    `<line x1="${CHART.left}" y1="${y}" x2="${CHART.width - CHART.right}" y2="${y}" stroke="${color}" stroke-width="2"${dashed}/>` +
    text(CHART.width - CHART.right - 4, Number(y) - 4, label, 10, 'end', 'normal', color)
  );
}

/** The points split at gaps, so a missing scrape is a break in the line rather than a drop to zero. */
function runsOf(points: ReadonlyArray<readonly [number, number | null]>): Array<Array<[number, number]>> {
  const runs: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  for (const [t, v] of points) {
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else current.push([t, v]);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

function text(
  x: number,
  y: number,
  content: string,
  size: number,
  anchor: 'start' | 'end',
  weight = 'normal',
  color: string = COLORS.text,
): string {
  return `<text x="${fix(x)}" y="${fix(y)}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}" fill="${color}">${escapeHtml(content)}</text>`;
}

const fix = (n: number): string => n.toFixed(1);
