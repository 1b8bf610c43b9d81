import { h } from 'preact';
import htm from 'htm';

const html = htm.bind(h);
const BARS = '▁▂▃▄▅▆▇█';

/**
 * Enrichers keep a series as a line of block characters (that is what a chat message can show);
 * here it is drawn as a line. Each character's height is its level, a gap (space) breaks the line.
 */
export function Sparkline({ text, label }) {
  const levels = [...text].map((c) => BARS.indexOf(c));
  const width = Math.max(1, levels.length - 1) * 6;
  const segments = [];
  let current = [];
  levels.forEach((level, i) => {
    if (level < 0) {
      if (current.length) segments.push(current);
      current = [];
    } else current.push(`${i * 6},${22 - level * 3}`);
  });
  if (current.length) segments.push(current);
  return html`<svg
    class="spark"
    role="img"
    aria-label=${`${label}: ${text}`}
    viewBox=${`-1 -1 ${width + 2} 26`}
    width=${width + 2}
    height="26"
  >
    ${segments.map((points) => html`<polyline points=${points.join(' ')} />`)}
  </svg>`;
}

/** Every `sparkline` string inside an enricher's data, with the path that names it. */
export function sparklinesIn(data, prefix = '') {
  const found = [];
  for (const [key, value] of Object.entries(data ?? {})) {
    if (key === 'sparkline' && typeof value === 'string' && value.trim()) found.push({ label: prefix || key, text: value });
    else if (value && typeof value === 'object' && !Array.isArray(value))
      found.push(...sparklinesIn(value, prefix ? `${prefix}.${key}` : key));
  }
  return found;
}
