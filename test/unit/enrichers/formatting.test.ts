import { describe, expect, it } from 'vitest';
import { formatBytes, formatCores, formatDuration, formatPercent } from '../../../src/lib/format-units.js';
import { anyOf, promqlString } from '../../../src/prometheus/promql-selector.js';
import { escapeRegex } from '../../../src/lib/escape.js';
import { sparkline } from '../../../src/enrichers/pod-resources/sparkline.js';

describe('sparkline', () => {
  it('draws low to high with eight bars', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
  });
  it('draws a flat line for a constant series, and nothing for no data', () => {
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([])).toBe('');
    expect(sparkline([Number.NaN])).toBe('');
  });
  it('shows gaps as spaces', () => {
    expect(sparkline([0, Number.NaN, 7])).toBe('▁ █');
  });
  it('averages a long series down to the width', () => {
    const line = sparkline(
      Array.from({ length: 61 }, (_, i) => i),
      20,
    );
    expect(line).toHaveLength(20);
    expect(line[0]).toBe('▁');
    expect(line.at(-1)).toBe('█');
  });
});

describe('format-units', () => {
  it('writes bytes in IEC units with two significant digits', () => {
    expect(formatBytes(432_013_312)).toBe('412 MiB');
    expect(formatBytes(1.2 * 1024 ** 3)).toBe('1.2 GiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(Number.NaN)).toBe('n/a');
  });
  it('writes cores, percentages and durations as people read them', () => {
    expect(formatCores(0.4213)).toBe('0.42 cores');
    expect(formatCores(1)).toBe('1 core');
    expect(formatCores(0.005)).toBe('0.005 cores');
    expect(formatPercent(0.843)).toBe('84%');
    expect(formatPercent(0.0625)).toBe('6.3%');
    expect(formatDuration(45 * 60)).toBe('45 min');
    expect(formatDuration(3.2 * 3600)).toBe('3.2 h');
    expect(formatDuration(60 * 3600)).toBe('2.5 days');
  });
});

describe('promql-selector', () => {
  it('quotes label values as PromQL strings', () => {
    expect(promqlString('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
  });
  it('escapes every RE2 metacharacter in alternations', () => {
    expect(escapeRegex('api-1.svc(x)|[y]*+?{2}^$\\')).toBe('api-1\\.svc\\(x\\)\\|\\[y\\]\\*\\+\\?\\{2\\}\\^\\$\\\\');
  });
  it('builds one sorted, de-duplicated alternation, so the same pods give the same query', () => {
    expect(anyOf('pod', ['b', 'a.1', 'b'])).toBe('pod=~"(a\\\\.1|b)"');
    expect(anyOf('pod', ['only'])).toBe('pod=~"only"');
  });
  it('keeps a hostile label value inside its string', () => {
    expect(anyOf('pod', ['x"}) or vector(1) #'])).toBe('pod=~"x\\"\\\\}\\\\) or vector\\\\(1\\\\) #"');
  });
});
