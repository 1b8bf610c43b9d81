import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/lib/config-error.js';
import { loadConfig, parseConfigText } from '../../../src/config/load-config.js';
import { fixtureText } from '../../support/fixtures.js';

describe('a prometheus-am-executor executor.yml', () => {
  it('is read as it is: one exec action per command, every alert to all of them', () => {
    const config = parseConfigText(fixtureText('am-executor-executor.yml'), 'executor.yml', {});
    expect(config.server.listen).toBe(':23222');
    expect(Object.keys(config.actions)).toEqual(['command-1-echo', 'command-2-true', 'command-3-sleep']);
    expect(config.actions['command-1-echo']).toMatchObject({
      type: 'exec',
      cmd: 'echo',
      args: ['banana', 'tomato'],
      match_labels: { env: 'testing', owner: 'me' },
      notify_on_failure: false,
    });
    expect(config.actions['command-2-true']).toMatchObject({ cmd: '/bin/true', max: 3, ignore_resolved: true, notify_on_failure: true });
    expect(config.actions['command-3-sleep']).toMatchObject({ cmd: '/bin/sleep', args: ['10s'], resolved_signal: 'SIGUSR1' });
    expect(config.routes?.map((r) => [r.actions, r.matchers])).toEqual([
      [['command-1-echo', 'command-2-true', 'command-3-sleep', 'log'], []],
    ]);
    expect(config.enrichers).toEqual([]);
  });

  it('takes TLS from tls_crt and tls_key', () => {
    const config = parseConfigText('tls_crt: cert.pem\ntls_key: key.pem\ncommands:\n  - cmd: /bin/true\n', 'x', {});
    expect(config.server.tls).toEqual({ cert_file: 'cert.pem', key_file: 'key.pem' });
  });

  it('reports unknown settings and bad signals with their paths', () => {
    try {
      parseConfigText('listen: ":1"\ncommands:\n  - cmd: /bin/true\n    resolved_signal: SIGNOPE\n    retries: 3\n', 'x', {});
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.map((p) => p.path);
      expect(problems).toEqual(['listen', 'commands.0.retries']);
    }
    expect(() => parseConfigText('commands:\n  - cmd: /bin/true\n    resolved_signal: SIGNOPE\n', 'x', {})).toThrow(/unknown signal/);
  });
});

describe('an executor.yml written for yaml.v2 (config_test.go: Test_readConfigFile)', () => {
  it('reads numbers and booleans in string settings as the text written, as yaml.v2 did', () => {
    const config = parseConfigText(
      [
        'listen_address: :9095',
        'commands:',
        '  - cmd: /usr/local/bin/restart',
        '    args: [5, 1.50, true, 0755]',
        '    resolved_signal: "10"',
        '    match_labels: {code: 500, canary: true, ratio: 0.10, empty: ~}',
        '    notify_on_failure: no',
        '  - cmd: /bin/true',
        '    resolved_signal: 12',
        '',
      ].join('\n'),
      'executor.yml',
      {},
    );
    const [first, second] = Object.values(config.actions);
    expect(first).toMatchObject({
      args: ['5', '1.50', 'true', '0755'],
      resolved_signal: 10,
      match_labels: { code: '500', canary: 'true', ratio: '0.10', empty: '' },
      notify_on_failure: false,
    });
    expect(second).toMatchObject({ resolved_signal: 12 });
  });

  it('accepts a signal name in any case, as ParseSignal did (signame_lower)', () => {
    const config = parseConfigText('commands:\n  - cmd: /bin/true\n    resolved_signal: sigusr2\n', 'x', {});
    expect(Object.values(config.actions)[0]).toMatchObject({ resolved_signal: 'SIGUSR2' });
  });

  it('still refuses what yaml.v2 refused too: a list where a string goes', () => {
    expect(() => parseConfigText('commands:\n  - cmd: [a, b]\n', 'x', {})).toThrow(ConfigError);
  });
});

describe('a command on the command line (config_test.go: Test_mergeConfigs)', () => {
  it('is the only command when there is no file', async () => {
    const { config } = await loadConfig({ env: {}, commandLine: { cmd: '/usr/local/bin/reboot', args: ['--now'] } });
    expect(Object.keys(config.actions)).toEqual(['command-1-reboot']);
    expect(config.actions['command-1-reboot']).toMatchObject({
      type: 'exec',
      cmd: '/usr/local/bin/reboot',
      args: ['--now'],
      notify_on_failure: true,
    });
    expect(config.server.listen).toBe(':8080');
  });

  it("joins the file's commands, once when the file already has it", () => {
    const text = 'commands:\n  - cmd: echo\n    args: [banana]\n  - cmd: /bin/true\n';
    const joined = parseConfigText(text, 'x', {}, { commandLine: { cmd: '/bin/echo', args: [] } });
    expect(Object.values(joined.actions).map((a) => (a as { cmd?: string }).cmd)).toEqual(['echo', '/bin/true', '/bin/echo']);
    const same = parseConfigText(text, 'x', {}, { commandLine: { cmd: '/bin/true', args: [] } });
    expect(Object.keys(same.actions)).toEqual(['command-1-echo', 'command-2-true']);
  });

  it("is refused with alertpipe's own format, which has exec actions for that", () => {
    expect(() => parseConfigText('actions: {}\n', 'x', {}, { commandLine: { cmd: '/bin/true', args: [] } })).toThrow(
      /command on the command line/,
    );
  });
});
