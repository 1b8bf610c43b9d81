import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/lib/config-error.js';
import { envConfigInput } from '../../../src/config/env-config.js';
import { builtinEnricherCost, DEFAULT_ENRICHERS } from '../../../src/enrichers/builtin-enrichers.js';

describe('enrichers from the environment', () => {
  it('with a Prometheus and no choice made, all six built-ins are the default, each with its cost', () => {
    expect([...DEFAULT_ENRICHERS]).toEqual(['pod-resources', 'node-resources', 'related-alerts', 'restarts', 'workload', 'graph']);
    for (const name of DEFAULT_ENRICHERS) expect(builtinEnricherCost(name)).toMatch(/quer/);
    expect(envConfigInput({ PROMETHEUS_URL: 'http://127.0.0.1:9090' }).enrichers).toBeUndefined();
  });

  it('DISABLE_ENRICHERS turns the named ones off, and all turns every one off', () => {
    const env = { PROMETHEUS_URL: 'http://127.0.0.1:9090' };
    expect(envConfigInput({ ...env, DISABLE_ENRICHERS: 'graph, workload' }).enrichers).toEqual([
      'pod-resources',
      'node-resources',
      'related-alerts',
      'restarts',
    ]);
    expect(envConfigInput({ ...env, DISABLE_ENRICHERS: 'all' }).enrichers).toEqual([]);
  });

  it('refuses a name that is no built-in, naming the variable', () => {
    expect(() => envConfigInput({ PROMETHEUS_URL: 'http://127.0.0.1:9090', DISABLE_ENRICHERS: 'grpah' })).toThrow(ConfigError);
  });

  it('EXTERNAL_URL becomes server.external_url, so the graph is linked', () => {
    expect(envConfigInput({ EXTERNAL_URL: 'https://alertpipe.example.com' }).server).toMatchObject({
      external_url: 'https://alertpipe.example.com',
    });
  });
});
