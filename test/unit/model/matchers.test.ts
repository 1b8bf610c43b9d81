import { describe, expect, it } from 'vitest';
import { MatcherSyntaxError, matchesAll, parseMatchers } from '../../../src/model/matchers.js';

const labels = { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'shop' };
const matches = (text: string, set: Record<string, string> = labels) => matchesAll(parseMatchers(text), set);

describe('parseMatchers', () => {
  it('matches labels named constructor or __proto__ only when the alert has them (no inherited property)', () => {
    expect(matches('constructor=""')).toBe(true);
    expect(matches('constructor!=""')).toBe(false);
    expect(matches('constructor=~".+"')).toBe(false);
    expect(matches('__proto__=""')).toBe(true);
    expect(matches('toString=~".*Object.*"')).toBe(false);
    const own = JSON.parse('{"alertname":"A","constructor":"web","__proto__":"p"}') as Record<string, string>;
    expect(matches('constructor="web"', own)).toBe(true);
    expect(matches('__proto__="p"', own)).toBe(true);
  });

  it('reads the four operators', () => {
    expect(matches('severity="critical"')).toBe(true);
    expect(matches('severity!="critical"')).toBe(false);
    expect(matches('severity=~"crit.*"')).toBe(true);
    expect(matches('severity!~"crit.*"')).toBe(false);
  });

  it('anchors regexes at both ends, as Alertmanager does', () => {
    expect(matches('severity=~"crit"')).toBe(false);
    expect(matches('namespace=~"sh|shop"')).toBe(true);
    expect(matches('namespace=~"sh|sho"')).toBe(false);
  });

  it('treats a missing label as the empty string', () => {
    expect(matches('team=""')).toBe(true);
    expect(matches('team!="db"')).toBe(true);
    expect(matches('team=~".+"')).toBe(false);
  });

  it('reads a {...} list, with commas inside quotes left alone', () => {
    const list = parseMatchers('{alertname="KubePodCrashLooping", namespace=~"shop|a,b"}');
    expect(list.map((m) => [m.name, m.operator, m.value])).toEqual([
      ['alertname', '=', 'KubePodCrashLooping'],
      ['namespace', '=~', 'shop|a,b'],
    ]);
    expect(matchesAll(list, labels)).toBe(true);
  });

  it('accepts unquoted values and escaped quotes', () => {
    expect(matches('severity=critical')).toBe(true);
    expect(matches('summary="say \\"hi\\""', { summary: 'say "hi"' })).toBe(true);
  });

  it('keeps regex escapes JSON does not know', () => {
    expect(matches('instance=~"10\\.0\\.0\\.1:.*"', { instance: '10.0.0.1:9100' })).toBe(true);
    expect(matches('instance=~"10\\.0\\.0\\.1:.*"', { instance: '10x0x0x1:9100' })).toBe(false);
  });

  it('follows Alertmanager: . does not match a newline unless the regex says (?s)', () => {
    expect(matches('summary=~"foo.bar"', { summary: 'foo-bar' })).toBe(true);
    expect(matches('summary=~"foo.bar"', { summary: 'foo\nbar' })).toBe(false);
    expect(matches('summary=~"(?s)foo.bar"', { summary: 'foo\nbar' })).toBe(true);
    expect(matches('summary=~".*bar"', { summary: 'foo-bar' })).toBe(true);
    expect(matches('summary!~".*bar"', { summary: 'foo-bar' })).toBe(false);
    expect(matches('summary="foo\nbar"', { summary: 'foo\nbar' })).toBe(true);
  });

  it('reads RE2 syntax that JavaScript regexes lack: named groups, classes, Unicode groups, \\z', () => {
    expect(matches('pod=~"(?P<app>cart)-[[:alnum:]]+"', { pod: 'cart-7d9f' })).toBe(true);
    expect(matches('team=~"\\p{Greek}+"', { team: 'αβγ' })).toBe(true);
    expect(matches('team=~"a\\z"', { team: 'a' })).toBe(true);
  });

  it('refuses what is not RE2 (lookaheads, lookbehinds, backreferences), saying why', () => {
    expect(() => parseMatchers('pod=~"(?!canary).*"')).toThrow(/invalid regular expression \(RE2 syntax.*lookaheads/);
    expect(() => parseMatchers('pod=~"(?<=x)y"')).toThrow(/lookbehinds/);
    expect(() => parseMatchers('pod=~"(a)\\1"')).toThrow(/backreferences/);
  });

  it('never repeats the matcher in its error, which might be a misplaced secret', () => {
    expect(() => parseMatchers('xoxb-s3cr3t-t0ken')).toThrow(MatcherSyntaxError);
    expect(() => parseMatchers('xoxb-s3cr3t-t0ken')).not.toThrow(/s3cr3t/);
    expect(() => parseMatchers('a=~"s3cr3t("')).not.toThrow(/s3cr3t/);
  });

  it('says what is wrong with a bad matcher', () => {
    expect(() => parseMatchers('severity')).toThrow(MatcherSyntaxError);
    expect(() => parseMatchers('severity=~"("')).toThrow(/invalid regular expression/);
    expect(() => parseMatchers('{a="b"')).toThrow(/closing/);
    expect(() => parseMatchers('a="b')).toThrow(/unterminated/);
    expect(() => parseMatchers('1a="b"')).toThrow(/not a valid label name/);
  });
});
