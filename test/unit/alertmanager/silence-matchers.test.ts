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

  it('lets an alert without a label match through an empty alternative, never an empty equality', () => {
    const matchers = groupSilenceMatchers([{ labels: { alertname: 'A', pod: 'p' } }, { labels: { alertname: 'A' } }]);
    expect(matchers.map(matcherText)).toEqual(['alertname="A"', 'pod=~"|p"']);
  });
});
