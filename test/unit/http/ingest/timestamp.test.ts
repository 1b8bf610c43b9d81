import { describe, expect, it } from 'vitest';
import { alertTime, parseTimestamp } from '../../../../src/http/ingest/timestamp.js';

// What ingest accepted before the fast path: this pattern, then Date.parse. The fast path must agree.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const reference = (value: string): number => (RFC3339.test(value) ? Date.parse(value) : Number.NaN);

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Every combination of the parts where a fast reader could go wrong, ~60,000 timestamps. */
function* timestamps(): Generator<string> {
  for (const year of [1, 2, 99, 100, 1900, 1970, 2000, 2024, 2026, 2100, 9999])
    for (const [month, day] of [
      [0, 1],
      [1, 0],
      [1, 31],
      [2, 28],
      [2, 29],
      [2, 30],
      [4, 30],
      [4, 31],
      [12, 31],
      [13, 1],
    ])
      for (const [hour, minute, second] of [
        [0, 0, 0],
        [23, 59, 59],
        [24, 0, 0],
        [12, 60, 0],
        [12, 0, 60],
      ])
        for (const fraction of ['', '.', '.1', '.123', '.9999', '.053593232'])
          for (const zone of ['Z', 'z', '+00:00', '-12:00', '+05:30', '+24:00', '+01:60', '+0530', ''])
            for (const separator of ['T', 't', ' '])
              yield `${pad(year, 4)}-${pad(month!, 2)}-${pad(day!, 2)}${separator}${pad(hour!, 2)}:${pad(minute!, 2)}:${pad(second!, 2)}${fraction}${zone}`;
}

describe('parseTimestamp', () => {
  it('gives the same instant as Date.parse for every RFC 3339 form it reads, and NaN where that refused', () => {
    const disagreements: string[] = [];
    let count = 0;
    for (const value of timestamps()) {
      count++;
      if (!Object.is(parseTimestamp(value), reference(value))) disagreements.push(value);
    }
    expect(count).toBeGreaterThan(50_000);
    expect(disagreements.slice(0, 10)).toEqual([]);
  });

  it('reads what is not a timestamp as NaN', () => {
    for (const value of [
      '',
      'yesterday',
      '2026-11-22',
      '1795349074',
      '2026-11-22T12:04:34',
      '２026-11-22T12:04:34Z',
      '2026-11-22T12:04:34Zjunk',
    ]) {
      expect(parseTimestamp(value), value).toBeNaN();
    }
  });
});

describe('alertTime', () => {
  it("reads Go's zero time and a missing value as not set", () => {
    expect(alertTime('0001-01-01T00:00:00Z')).toBeNull();
    expect(alertTime(null)).toBeNull();
    expect(alertTime(undefined)).toBeNull();
  });

  it('keeps a nanosecond timestamp to the millisecond, cut rather than rounded', () => {
    expect(alertTime('2026-11-22T12:04:34.053993232Z')?.toISOString()).toBe('2026-11-22T12:04:34.053Z');
    expect(alertTime('2026-11-22T14:04:34.5+02:00')?.toISOString()).toBe('2026-11-22T12:04:34.500Z');
  });
});
