import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/lib/config-error.js';
import { parseConfigText } from '../../../src/config/load-config.js';

const TOKEN = 'xoxb-20260101-s3cr3tT0ken';
const URL = 'https://hooks.slack.com/services/T000/B000/s3cr3tPath';
const NUMERIC = '98765432109876';

/**
 * A secret typed into the wrong field, for every kind of problem validation reports: the message
 * (and so the terminal, CI log or crash report that shows it) must not repeat it.
 */
const CASES: readonly [string, string, Record<string, string>?][] = [
  ['a string where a mapping is expected (invalid_type)', `prometheus:\n  auth: ${TOKEN}\n`],
  ['text where a number is expected (invalid_type, after coercion)', `delivery:\n  max_pending: ${TOKEN}\n`],
  ['a number past a limit (too_big)', `delivery:\n  concurrency: ${NUMERIC}\n`],
  ['a listen address (invalid_format)', `server:\n  listen: ${TOKEN}\n`],
  ['a URL field (invalid_format)', `prometheus:\n  url: ${TOKEN}\n`],
  ['an enum (invalid_value)', `delivery:\n  queue: ${TOKEN}\n`],
  ['a route status (invalid_value)', `routes:\n  - status: ${TOKEN}\n    actions: [log]\n`],
  ['an action type (discriminated invalid_union)', `actions:\n  a: { type: "${TOKEN}" }\n`],
  ['an enricher entry (invalid_union)', `enrichers:\n  - { timeout: "${TOKEN}" }\n`],
  ['an action name (invalid_key)', `actions:\n  "${URL}": { type: log }\n`],
  ['a duration (custom)', `prometheus:\n  timeout: ${TOKEN}\n`],
  ['a size (custom)', `server:\n  body_limit: ${TOKEN}\n`],
  ['a matcher (custom)', `routes:\n  - matchers: ["${TOKEN}"]\n    actions: [log]\n`],
  ['a route action name (reference)', `routes:\n  - actions: ["${URL}"]\n`],
  ['an enricher name (reference)', `enrichers: ["${TOKEN}"]\n`],
  ['a secret one level too high (unrecognized_keys)', `server:\n  bearer_token: ${TOKEN}\n`],
  ['a secret from the environment in a wrong field', 'delivery:\n  queue: ${SLACK_TOKEN}\n', { SLACK_TOKEN: TOKEN }],
  ['a signal (an action schema’s own message)', `actions:\n  x: { type: exec, cmd: /bin/true, resolved_signal: "${TOKEN}" }\n`],
];

describe('a secret typed into the wrong field', () => {
  for (const [what, text, env] of CASES) {
    it(`is not repeated in the error: ${what}`, () => {
      let error: unknown;
      try {
        parseConfigText(text, 'alertpipe.yml', env ?? {});
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const { message, problems } = error as ConfigError;
      expect(problems.length).toBeGreaterThan(0);
      for (const secret of [TOKEN, URL, NUMERIC, 's3cr3t']) expect(message).not.toContain(secret);
    });
  }
});

describe('a secret typed into a built-in enricher’s options', () => {
  it('is not repeated in the error either', () => {
    const text = `prometheus: { url: "http://prometheus:9090" }\nenrichers:\n  - { name: node-resources, options: { fill_window: "${TOKEN}" } }\n`;
    expect(() => parseConfigText(text, 'alertpipe.yml', {})).toThrow(/enrichers\.0\.options\.fill_window/);
    expect(() => parseConfigText(text, 'alertpipe.yml', {})).not.toThrow(/s3cr3t/);
  });
});
