import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import type { GraphData } from './graph-data.js';
import { resourceChartSvg } from './resource-chart-svg.js';

// Sans fonts common on Linux, macOS and Windows hosts; the first family found is used.
const FONT_CANDIDATES: readonly (readonly string[])[] = [
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'],
  ['/System/Library/Fonts/Supplemental/Arial.ttf', '/System/Library/Fonts/Supplemental/Arial Bold.ttf'],
  ['C:\\Windows\\Fonts\\arial.ttf', 'C:\\Windows\\Fonts\\arialbd.ttf'],
];

/** Draws charts as PNG. Built once at start: finding the fonts is the slow part. */
export interface ChartRenderer {
  render(data: GraphData): Buffer;
  /** The font files labels are drawn with; empty when the host has none of the usual ones. */
  readonly fontFiles: readonly string[];
}

/**
 * The chart as a PNG, drawn in-process: SVG rasterised by resvg (prebuilt for each platform as an
 * npm package; no browser, no renderer to run beside alertpipe). Scanning every system font costs
 * 30 to 90 ms per image, so one sans family is looked up once and loaded alone (about 5 ms).
 * Without any font the lines are still drawn; the figures are in the message anyway.
 */
export function createChartRenderer(fontFiles: readonly string[] = findFonts()): ChartRenderer {
  return {
    fontFiles,
    render(data) {
      const font = { loadSystemFonts: false, fontFiles: [...fontFiles] };
      return new Resvg(resourceChartSvg(data), { font, background: '#ffffff' }).render().asPng();
    },
  };
}

function findFonts(): string[] {
  for (const family of FONT_CANDIDATES) {
    const present = family.filter((file) => existsSync(file));
    if (present.length > 0) return present;
  }
  return [];
}
