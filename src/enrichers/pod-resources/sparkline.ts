const BARS = '▁▂▃▄▅▆▇█';

/**
 * The shape of a series as a line of block characters, low to high. Gaps (NaN) are spaces. A
 * series longer than `width` is averaged down to it, so a message line stays short.
 */
export function sparkline(values: readonly number[], width = 20): string {
  const points = downsample(values, width);
  const finite = points.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return points
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (max === min) return max === 0 ? BARS[0] : BARS[3];
      return BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))];
    })
    .join('');
}

function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const bucket = values
      .slice(Math.floor((i * values.length) / width), Math.floor(((i + 1) * values.length) / width))
      .filter(Number.isFinite);
    out.push(bucket.length === 0 ? Number.NaN : bucket.reduce((a, b) => a + b, 0) / bucket.length);
  }
  return out;
}
