import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/lib/config-error.js';
import { parseConfigText } from '../../../src/config/load-config.js';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfigText(text, 'test.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const slack = 'type: slack, webhook_url: "https://hooks.slack.com/services/T0/B0/x"';

describe('${VAR:-} with nothing set', () => {
  it('leaves an optional secret out, as the README prints it, instead of failing on an empty string', () => {
    const text = 'prometheus:\n  url: http://prometheus:9090\n  auth: { bearer_token: "${PROMETHEUS_TOKEN:-}" }\n';
    expect(parseConfigText(text, 't', {}).prometheus.auth).toEqual({});
    expect(parseConfigText(text, 't', { PROMETHEUS_TOKEN: 'abc' }).prometheus.auth).toEqual({ bearer_token: 'abc' });
  });

  it('lets a field with a default take its default, and keeps an empty argument in a list', () => {
    const config = parseConfigText(
      'delivery:\n  data_dir: "${DATA:-}"\nactions:\n  x: { type: exec, cmd: /bin/true, args: ["${A:-}", b] }\n',
      't',
      {},
    );
    expect(config.delivery.data_dir).toBe('./data');
    const exec = config.actions.x;
    expect(exec?.type === 'exec' ? exec.args : undefined).toEqual(['', 'b']);
  });

  it('keeps text around an empty reference', () => {
    expect(parseConfigText('prometheus:\n  headers: { X-Org: "org-${ORG:-}" }\n', 't', {}).prometheus.headers).toEqual({ 'X-Org': 'org-' });
  });

  it('says to quote a ${VAR} written unquoted inside { }, which YAML cannot read', () => {
    const error = problemsOf('prometheus:\n  auth: { bearer_token: ${PROMETHEUS_TOKEN:-} }\n');
    expect(error.problems[0]!.path).toMatch(/^line 2, column \d+$/);
    expect(error.problems[0]!.message).toContain('quote a ${VAR}');
  });
});

describe('numbers and booleans from the environment', () => {
  it('reads numeric text as a number and true/false as a boolean where the schema wants one', () => {
    const config = parseConfigText(
      `delivery:\n  max_pending: \${MAX}\n  concurrency: "\${CONC:-8}"\n  dedup_window: \${DEDUP}\nactions:\n  s: { ${slack}, send_resolved: "\${RESOLVED}" }\n`,
      't',
      { MAX: '500', DEDUP: '90', RESOLVED: 'false' },
    );
    expect(config.delivery).toMatchObject({ max_pending: 500, concurrency: 8, dedup_window: 90_000 });
    expect(config.actions.s).toMatchObject({ send_resolved: false });
  });

  it('reports text that is not a number, at its path', () => {
    expect(problemsOf('delivery:\n  max_pending: ${MAX}\n', { MAX: 'lots' }).problems).toEqual([
      { path: 'delivery.max_pending', message: 'expected a number; got text that is not one' },
    ]);
    expect(problemsOf(`actions:\n  s: { ${slack}, send_resolved: "\${R}" }\n`, { R: 'nope' }).problems[0]).toEqual({
      path: 'actions.s.send_resolved',
      message: 'expected true or false; got text that is not one',
    });
  });

  it('still applies the field’s own limits to a coerced number', () => {
    expect(problemsOf('delivery:\n  concurrency: ${C}\n', { C: '1000' }).problems.map((p) => p.path)).toEqual(['delivery.concurrency']);
  });
});

describe('durations past Node’s timer limit', () => {
  it('refuses 25d, where setTimeout would fire after 1 ms, and accepts 24d', () => {
    const error = problemsOf(`actions:\n  s: { ${slack}, timeout: 25d }\nprometheus:\n  timeout: .inf\n`);
    expect(error.problems.map((p) => p.path).sort()).toEqual(['actions.s.timeout', 'prometheus.timeout']);
    expect(error.problems.find((p) => p.path === 'actions.s.timeout')!.message).toContain('at most 24d20h31m23s');
    expect(parseConfigText(`actions:\n  s: { ${slack}, timeout: 24d }\n`, 't', {}).actions.s).toMatchObject({ timeout: 24 * 86_400_000 });
    expect(parseConfigText('server:\n  request_timeout: 24d20h31m23s\n', 't', {}).server.request_timeout).toBe(2 ** 31 - 1 - 647);
  });
});

describe('hostile YAML', () => {
  it('refuses an alias bomb with one clean problem, not a stack trace', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const error = problemsOf(lines.join('\n'));
    expect(error.problems).toEqual([{ path: '', message: expect.stringContaining('aliases expand past 100') }]);
  });

  it('still takes a few anchors and aliases', () => {
    const config = parseConfigText(`actions:\n  a: &c { ${slack} }\n  b: *c\n`, 't', {});
    expect(Object.keys(config.actions)).toEqual(['a', 'b']);
  });
});

describe('route regexes', () => {
  it('reports RE2-only syntax at the route’s path, saying why', () => {
    const error = problemsOf(
      'routes:\n  - actions: [log]\n  - matchers: [\'severity="critical"\', \'pod=~"(?!canary-).*"\']\n    actions: [log]\n',
    );
    expect(error.problems).toEqual([
      { path: 'routes.1.matchers.1', message: expect.stringMatching(/invalid regular expression \(RE2 syntax.*lookaheads/) },
    ]);
  });
});
