import { describe, expect, it } from 'vitest';
import type { GraphData } from '../../src/charts/graph-data.js';
import { createChartRenderer } from '../../src/charts/render-chart-png.js';
import { reportFigure } from '../support/figures.js';

const MiB = 1024 ** 2;
const IMAGES = 1000;
// Generous: a renderer that kept each image's pixmap (about 1.1 MiB) would grow by over 1 GiB.
const RSS_BOUND = 200 * MiB;

const end = 1_800_000_000;
const graph: GraphData = {
  subject: 'shop/cart-1',
  start: end - 3600,
  end,
  panels: [
    {
      title: 'CPU',
      unit: 'cores',
      points: Array.from({ length: 21 }, (_, i): [number, number] => [end - 3600 + i * 180, 0.2 + i / 100]),
      limit: 0.5,
    },
    {
      title: 'Memory',
      unit: 'bytes',
      points: Array.from({ length: 21 }, (_, i): [number, number] => [end - 3600 + i * 180, (200 + i) * MiB]),
      limit: 512 * MiB,
    },
  ],
};

describe('drawing graphs for a long time', () => {
  it(`keeps resident memory flat over ${IMAGES} images: each image's memory is freed, not left to a collector that never sees it`, async () => {
    const renderer = createChartRenderer();
    await renderer.render(graph); // the WebAssembly memory reaches its working size
    const before = process.memoryUsage().rss;
    let peak = before;
    for (let i = 0; i < IMAGES; i++) {
      await renderer.render(graph);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    reportFigure('graph rendering: resident growth', { images: IMAGES, growthMiB: Number(((peak - before) / MiB).toFixed(1)) });
    expect(peak - before).toBeLessThan(RSS_BOUND);
  }, 60_000);
});
