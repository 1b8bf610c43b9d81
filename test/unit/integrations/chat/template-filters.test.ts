import { describe, expect, it } from 'vitest';
import {
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  reReplaceAll,
  since,
  sortedPairs,
  title,
} from '../../../../src/integrations/chat/template-filters.js';

describe('template filters', () => {
  it('humanize writes SI prefixes with four significant digits, as Prometheus does', () => {
    expect(humanize(1234567)).toBe('1.235M');
    expect(humanize(0.0012)).toBe('1.2m');
    expect(humanize(0)).toBe('0');
    expect(humanize('250')).toBe('250');
  });

  it('humanize1024 writes binary prefixes', () => {
    expect(humanize1024(1048576)).toBe('1Mi');
    expect(humanize1024(412 * 1024 * 1024)).toBe('412Mi');
    expect(humanize1024(512)).toBe('512');
  });

  it('humanizeDuration writes days to seconds, and fractions of a second', () => {
    expect(humanizeDuration(93784)).toBe('1d 2h 3m 4s');
    expect(humanizeDuration(61)).toBe('1m 1s');
    expect(humanizeDuration(1.5)).toBe('1.5s');
    expect(humanizeDuration(0.0015)).toBe('1.5ms');
  });

  it('humanizePercentage turns a ratio into a percentage', () => {
    expect(humanizePercentage(0.8534)).toBe('85.34%');
  });

  it('title capitalises each word', () => {
    expect(title('pod is crash looping')).toBe('Pod Is Crash Looping');
  });

  it('reReplaceAll uses RE2 and Go-style group references', () => {
    expect(reReplaceAll('cart-7d9f8b6c5-x2x9z', '^(.*)-[a-z0-9]+-[a-z0-9]+$', '$1')).toBe('cart');
    expect(reReplaceAll('host:9100', '(.*):(\\d+)', '${1}')).toBe('host');
    // A pattern that backtracks exponentially elsewhere runs in linear time here.
    expect(reReplaceAll(`${'a'.repeat(5000)}!`, '(a+)+$', 'x')).toBe(`${'a'.repeat(5000)}!`);
  });

  it('sortedPairs lists labels by name', () => {
    expect(sortedPairs({ pod: 'p', namespace: 'n' })).toEqual([
      { name: 'namespace', value: 'n' },
      { name: 'pod', value: 'p' },
    ]);
  });

  it('since says how long ago a date was', () => {
    expect(since('2026-11-22T12:00:00Z', new Date('2026-11-22T12:05:30Z'))).toBe('5m 30s');
  });

  it('refuses what is not a number, rather than printing NaN', () => {
    expect(() => humanize('lots')).toThrow('humanize: expected a number');
  });
});
