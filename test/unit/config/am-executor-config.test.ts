import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { parseConfigText } from '../../../src/config/load-config.js';
import { fixtureText } from '../../support/fixtures.js';

describe('a prometheus-am-executor executor.yml', () => {
  it('is read as it is: one exec action per command, every alert to all of them', () => {
    const config = parseConfigText(fixtureText('am-executor-executor.yml'), 'executor.yml', {});
    expect(config.server.listen).toBe(':23222');
    expect(Object.keys(config.actions)).toEqual(['command-1-echo', 'command-2-true', 'command-3-sleep']);
    expect(config.actions['command-1-echo']).toMatchObject({ type: 'exec', cmd: 'echo', args: ['banana', 'tomato'], match_labels: { env: 'testing', owner: 'me' }, notify_on_failure: false });
    expect(config.actions['command-2-true']).toMatchObject({ cmd: '/bin/true', max: 3, ignore_resolved: true, notify_on_failure: true });
    expect(config.actions['command-3-sleep']).toMatchObject({ cmd: '/bin/sleep', args: ['10s'], resolved_signal: 'SIGUSR1' });
    expect(config.routes?.map((r) => [r.actions, r.matchers])).toEqual([[['command-1-echo', 'command-2-true', 'command-3-sleep', 'log'], []]]);
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
