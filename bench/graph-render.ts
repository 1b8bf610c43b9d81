/**
 * What one graph costs to draw: time per PNG (median and p99 over 1,000 renders after a warm-up)
 * and memory (resident growth over a warm process while drawing, which includes resvg's native
 * pixmap in WebAssembly memory, outside the V8 heap). Run: npm run bench:graph.
 */
import { writeFileSync } from 'node:fs';
import { createChartRenderer } from '../src/charts/render-chart-png.js';
import type { GraphData } from '../src/charts/graph-data.js';

const MiB = 1024 ** 2;
const end = Math.floor(Date.now() / 1000);
// A pod's hour at the pod-resources step (3 min) and at a fine one (15 s): 21 and 241 points.
const sample = (step: number): GraphData => {
  const points = (f: (i: number) => number): [number, number][] =>
    Array.from({ length: 3600 / step + 1 }, (_, i) => [end - 3600 + i * step, f(i * step)]);
  return {
    subject: 'shop/cart-7d9f8b6c5-x2x9z',
    start: end - 3600,
    end,
    panels: [
      { title: 'CPU', unit: 'cores', points: points((s) => 0.3 + 0.18 * Math.sin(s / 600) ** 2), request: 0.25, limit: 0.5 },
      { title: 'Memory', unit: 'bytes', points: points((s) => (300 + s / 20) * MiB), request: 256 * MiB, limit: 512 * MiB },
    ],
  };
};

const renderer = createChartRenderer();
for (const [name, data] of [
  ['21 points', sample(180)],
  ['241 points', sample(15)],
] as const) {
  for (let i = 0; i < 20; i++) await renderer.render(data);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 1000; i++) {
    const started = performance.now();
    bytes = (await renderer.render(data)).length;
    times.push(performance.now() - started);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): string => (times[Math.floor(q * (times.length - 1))] as number).toFixed(1);
  console.log(
    JSON.stringify({
      graph: name,
      fonts: renderer.fontFiles.length,
      pngBytes: bytes,
      p50ms: at(0.5),
      p99ms: at(0.99),
      maxms: at(1),
      rssGrowthMiB: ((peak - baseline) / MiB).toFixed(1),
    }),
  );
}
if (process.argv[2]) writeFileSync(process.argv[2], await renderer.render(sample(180)));
