import { describe, expect, it } from 'vitest';
import { groupSilenceMatchers, matcherText } from '../../../src/alertmanager/silence-matchers.js';

describe('silence matchers for a group', () => {
  it('matches one alert by all its labels, each with =', () => {
    expect(groupSilenceMatchers([{ labels: { alertname: 'A', pod: 'cart-1' } }]).map(matcherText)).toEqual([
      'alertname="A"',
      'pod="cart-1"',
    ]);
  });

  it('matches shared labels with = and differing ones with an anchored alternation, regex characters escaped', () => {
    const matchers = groupSilenceMatchers([
      { labels: { alertname: 'A', path: '/api/v1.0' } },
      { labels: { alertname: 'A', path: '/api/(x)|y' } },
    ]);
    expect(matchers.map(matcherText)).toEqual(['alertname="A"', 'path=~"/api/\\\\(x\\\\)\\\\|y|/api/v1\\\\.0"']);
    const regex = new RegExp(`^(?:${matchers[1]!.value})$`);
    expect(['/api/v1.0', '/api/(x)|y'].every((v) => regex.test(v))).toBe(true);
    expect(['/api/v1x0', '/api/x', 'y'].some((v) => regex.test(v))).toBe(false);
  });

  it('leaves out a label some alert lacks, so that no matcher matches the empty string', () => {
    const matchers = groupSilenceMatchers([
      { labels: { alertname: 'A', pod: 'p' } },
      { labels: { alertname: 'A', pod: '' } },
      { labels: { alertname: 'A' } },
    ]);
    expect(matchers.map(matcherText)).toEqual(['alertname="A"']);
  });

  it('gives alerts that share no label no matchers at all, rather than ones that match every alert', () => {
    const matchers = groupSilenceMatchers([
      { labels: { alertname: 'DiskFull' } },
      { labels: { instance: 'db1' } },
      { labels: { job: 'node' } },
    ]);
    expect(matchers).toEqual([]);
    const mixed = groupSilenceMatchers([{ labels: { alertname: 'DiskFull', job: 'node' } }, { labels: { instance: 'db1', job: 'db' } }]);
    expect(mixed.map(matcherText)).toEqual(['job=~"db|node"']);
    expect(mixed.every((m) => !new RegExp(`^(?:${m.value})$`).test(''))).toBe(true);
  });
});
