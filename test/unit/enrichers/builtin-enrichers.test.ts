import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../src/config/json-schema.js';
import { parseConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/config-error.js';

const env = { PROMETHEUS_URL: 'http://prometheus:9090' };

describe('built-in enrichers in the config', () => {
  it("are typed in the JSON Schema, so editors complete each built-in's options", () => {
    const text = JSON.stringify(configJsonSchema());
    for (const option of ['rate_window', 'history', 'step', 'fill_window']) expect(text).toContain(`"${option}"`);
    expect(text).toContain('"const":"pod-resources"');
    expect(text).toContain('"const":"node-resources"');
  });

  it('parse their options once: durations in milliseconds, defaults filled', () => {
    const config = parseConfigText('enrichers:\n  - name: pod-resources\n    options: { history: 2h }\n  - node-resources\n', 'test', env);
    expect(config.enrichers?.[0]).toEqual({ name: 'pod-resources', options: { rate_window: '5m', history: 7_200_000, step: 180_000 } });
  });

  it('still report a bad option with its path', () => {
    expect(() => parseConfigText('enrichers:\n  - name: node-resources\n    options: { fill_window: soon }\n', 'test', env)).toThrow(
      ConfigError,
    );
    try {
      parseConfigText('enrichers:\n  - name: node-resources\n    options: { fill_window: soon }\n', 'test', env);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        { path: 'enrichers.0.options.fill_window', message: 'expected a PromQL duration such as 5m' },
      ]);
    }
  });
});
