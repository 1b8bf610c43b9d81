import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
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

/**
 * Draws charts as PNG. Built once at start and handed to whatever draws (the graph route, the
 * Slack app); building costs nothing: the rasteriser and the fonts are loaded at the first chart.
 */
export interface ChartRenderer {
  render(data: GraphData): Promise<Buffer>;
  /** The font files labels are drawn with; empty when the host has none of the usual ones. */
  readonly fontFiles: readonly string[];
}

/**
 * The chart as a PNG, drawn in-process: SVG rasterised by resvg compiled to WebAssembly, which
 * ships inside its npm package (no browser, no native binary, no renderer beside alertpipe). The
 * native build (`@resvg/resvg-js` 2.6) keeps about 1 MiB of resident memory per image for good,
 * garbage collection or not; the WebAssembly build frees each image explicitly and stays flat.
 * Without any font the lines are still drawn; the figures are in the message anyway.
 */
export function createChartRenderer(fontFiles: readonly string[] = findFonts()): ChartRenderer {
  let fontBuffers: Uint8Array[] | undefined;
  return {
    fontFiles,
    async render(data) {
      await loadRasteriser();
      fontBuffers ??= fontFiles.map((file) => new Uint8Array(readFileSync(file)));
      const resvg = new Resvg(resourceChartSvg(data), { font: { fontBuffers, sansSerifFamily: 'DejaVu Sans' }, background: '#ffffff' });
      try {
        const image = resvg.render();
        try {
          return Buffer.from(image.asPng());
        } finally {
          image.free();
        }
      } finally {
        resvg.free();
      }
    },
  };
}

// The WebAssembly module is the process's, not a renderer's: resvg's initWasm() refuses a second
// call (every app built in one process, as tests do, shares it). So it is loaded once, at the first
// graph anyone opens, and a failure to load is that graph's error, retried at the next.
let rasteriser: Promise<void> | undefined;

function loadRasteriser(): Promise<void> {
  rasteriser ??= initWasm(readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm'))).catch(
    (error: unknown) => {
      rasteriser = undefined;
      throw error;
    },
  );
  return rasteriser;
}

function findFonts(): string[] {
  for (const family of FONT_CANDIDATES) {
    const present = family.filter((file) => existsSync(file));
    if (present.length > 0) return present;
  }
  return [];
}
