import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/lib/config-error.js';
import { loadConfig, parseConfigText } from '../../../src/config/load-config.js';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): { path: string; message: string }[] {
  try {
    parseConfigText(text, 'test.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('builds a working config from the environment alone', async () => {
    const { config, source } = await loadConfig({ env: { PORT: '9999', PROMETHEUS_URL: 'http://prom:9090' } });
    expect(source).toBe('environment');
    expect(config.server.listen).toBe(':9999');
    expect(config.prometheus.url).toBe('http://prom:9090');
    expect(Object.keys(config.actions)).toEqual(['log']);
    expect(config.routes).toBeUndefined();
  });

  it('takes inbound credentials from AUTH_TOKEN, AUTH_USER and AUTH_PASSWORD', async () => {
    const { config } = await loadConfig({ env: { AUTH_TOKEN: 't0ken', AUTH_USER: 'am', AUTH_PASSWORD: 'pw' } });
    expect(config.server.auth).toEqual({ bearer_token: 't0ken', basic: { username: 'am', password: 'pw' } });
  });

  it('adds a telegram action from TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID, and says which half is missing', async () => {
    const env = { TELEGRAM_BOT_TOKEN: '7012345678:AAexampleexampleexample', TELEGRAM_CHAT_ID: '-1001234567890' };
    const { config } = await loadConfig({ env: { ...env, TELEGRAM_API_URL: 'http://bot-api:8081' } });
    expect(config.actions.telegram).toMatchObject({
      type: 'telegram',
      bot_token: env.TELEGRAM_BOT_TOKEN,
      chat_id: -1001234567890,
      api_url: 'http://bot-api:8081',
      parse_mode: 'HTML',
    });
    expect((await loadConfig({ env })).config.actions.telegram).toMatchObject({ api_url: 'https://api.telegram.org' });
    await expect(loadConfig({ env: { TELEGRAM_BOT_TOKEN: env.TELEGRAM_BOT_TOKEN } })).rejects.toThrow(/actions\.telegram\.chat_id/);
  });

  it('adds a mattermost action from MATTERMOST_WEBHOOK_URL alone, beside the log', async () => {
    const url = 'https://mattermost.example.com/hooks/xxxgeneratedkeyxxx';
    const { config } = await loadConfig({ env: { MATTERMOST_WEBHOOK_URL: url } });
    expect(Object.keys(config.actions)).toEqual(['log', 'mattermost']);
    expect(config.actions.mattermost).toMatchObject({ type: 'mattermost', webhook_url: url, send_resolved: true });
    await expect(loadConfig({ env: { MATTERMOST_WEBHOOK_URL: 'mattermost.example.com/hooks/x' } })).rejects.toThrow(
      /actions\.mattermost\.webhook_url: expected the http\(s\) URL of a Mattermost incoming webhook/,
    );
  });

  it('adds an ntfy action for the topic in NTFY_URL, and says when it is no topic URL', async () => {
    const { config } = await loadConfig({ env: { NTFY_URL: 'https://ntfy.sh/shop-alerts' } });
    expect(config.actions.ntfy).toMatchObject({
      type: 'ntfy',
      url: 'https://ntfy.sh/shop-alerts',
      graph: true,
      severity_label: 'severity',
    });
    await expect(loadConfig({ env: { NTFY_URL: 'https://ntfy.sh/' } })).rejects.toThrow(
      /actions\.ntfy\.url: expected the topic in the path/,
    );
  });

  it('uses the SQLite queue under ./data by default, and DATA_DIR when set', async () => {
    expect((await loadConfig({ env: {} })).config.delivery).toMatchObject({ queue: 'sqlite', data_dir: './data' });
    expect((await loadConfig({ env: { DATA_DIR: '/var/lib/alertpipe' } })).config.delivery.data_dir).toBe('/var/lib/alertpipe');
  });

  it('listens on 8080 with nothing set', async () => {
    const { config } = await loadConfig({ env: {} });
    expect(config.server.listen).toBe(':8080');
    expect(config.server.body_limit).toBe(5 * 1024 * 1024);
  });

  it('reads CONFIG_FILE, resolving relative paths against the working directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-config-'));
    writeFileSync(path.join(dir, 'c.yml'), 'server:\n  listen: 127.0.0.1:7000\n');
    try {
      const loaded = await loadConfig({ env: { CONFIG_FILE: 'c.yml' }, cwd: dir });
      expect(loaded.config.server.listen).toBe('127.0.0.1:7000');
      expect(loaded.baseDir).toBe(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when the file cannot be read', async () => {
    await expect(loadConfig({ env: {}, file: '/nonexistent/alertpipe.yml' })).rejects.toThrow(/cannot read the file: ENOENT/);
  });
});

describe('parseConfigText', () => {
  it('parses durations and sizes into milliseconds and bytes', () => {
    const config = parseConfigText(
      'server:\n  body_limit: 1mb\n  request_timeout: 1m30s\nprometheus:\n  url: http://p:9090\n  timeout: 500ms\n',
      't',
      {},
    );
    expect(config.server.body_limit).toBe(1024 * 1024);
    expect(config.server.request_timeout).toBe(90_000);
    expect(config.prometheus.timeout).toBe(500);
  });

  it('takes ${VAR} and ${VAR:-default} from the environment, and $$ as a literal dollar', () => {
    const config = parseConfigText('prometheus:\n  url: ${PROM}\n  headers:\n    X-Org: ${ORG:-acme}\n    X-Price: $$5\n', 't', {
      PROM: 'http://prom:9090',
    });
    expect(config.prometheus.url).toBe('http://prom:9090');
    expect(config.prometheus.headers).toEqual({ 'X-Org': 'acme', 'X-Price': '$5' });
  });

  it('does not let a variable change the structure of the file', () => {
    const config = parseConfigText('prometheus:\n  headers:\n    X: "${V}"\n', 't', { V: 'a\nb: c' });
    expect(config.prometheus.headers).toEqual({ X: 'a\nb: c' });
  });

  it('lets the file win over PORT and PROMETHEUS_URL, which fill only what it leaves out', () => {
    const config = parseConfigText('server:\n  listen: :7000\n', 't', { PORT: '9000', PROMETHEUS_URL: 'http://p:9090' });
    expect(config.server.listen).toBe(':7000');
    expect(config.prometheus.url).toBe('http://p:9090');
  });

  it('points every pagerduty action without a url of its own at PAGERDUTY_EVENTS_URL', () => {
    const text =
      'actions:\n  a: { type: pagerduty, routing_key: k }\n  b: { type: pagerduty, routing_key: k, url: "http://own:1/v2/enqueue" }\n';
    const urls = (env: NodeJS.ProcessEnv) =>
      Object.values(parseConfigText(text, 't', env).actions).map((a) => (a.type === 'pagerduty' ? a.url : ''));
    expect(urls({})).toEqual(['https://events.pagerduty.com/v2/enqueue', 'http://own:1/v2/enqueue']);
    expect(urls({ PAGERDUTY_EVENTS_URL: 'http://proxy:8080/v2/enqueue' })).toEqual([
      'http://proxy:8080/v2/enqueue',
      'http://own:1/v2/enqueue',
    ]);
  });

  it('keeps the sign of replicas: +1 (a change) even unquoted, where YAML would read the number 1', () => {
    const replicas = (value: string) => {
      const action = parseConfigText(`actions:\n  s: { type: scale, max: 9, replicas: ${value} }\n`, 't', {}).actions.s;
      return action?.type === 'scale' ? action.replicas : undefined;
    };
    expect([replicas('+1'), replicas('"+1"'), replicas('-2'), replicas('5')]).toEqual(['+1', '+1', -2, 5]);
  });

  it('reports every problem with its path, not just the first', () => {
    const problems = problemsOf(
      [
        'server:',
        '  listen: nowhere',
        '  body_limit: lots',
        'prometheus:',
        '  url: ftp://x',
        'routes:',
        '  - matchers: [\'severity=~"("\']',
        '    actions: [pager]',
        'actions:',
        '  loud:',
        '    type: siren',
        'unknown_section: 1',
      ].join('\n'),
    );
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['server.listen', 'server.body_limit', 'prometheus.url', 'routes.0.matchers.0', 'actions.loud.type', '']),
    );
    expect(problems.find((p) => p.path === 'routes.0.matchers.0')!.message).toContain('invalid regular expression');
  });

  it('reports routes that name actions which do not exist', () => {
    expect(problemsOf('routes:\n  - actions: [pager]\n')).toEqual([
      { path: 'routes.0.actions.0', message: 'no action by that name; defined: log' },
    ]);
  });

  it('reports unknown enrichers and built-in enrichers without a Prometheus', () => {
    const problems = problemsOf('enrichers:\n  - pod-resources\n  - crystal-ball\n');
    expect(problems.map((p) => p.path)).toEqual(['enrichers.0', 'enrichers.1']);
    expect(problems[0]!.message).toContain('PROMETHEUS_URL');
  });

  it('reports unset variables with their path', () => {
    expect(problemsOf('prometheus:\n  url: ${NOPE}\n')[0]).toEqual({
      path: 'prometheus.url',
      message: 'environment variable NOPE is not set (write ${NOPE:-default} for a default)',
    });
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('server:\n  listen: [\n')[0]!.path).toMatch(/^line \d+, column \d+$/);
  });
});
