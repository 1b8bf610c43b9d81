import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/config-error.js';

// Nothing walks an escalation chain yet: a route naming a policy would deliver nothing, so the
// config is refused with a reason instead of accepted and silent.
describe('escalations before the escalation loop runs', () => {
  const text = `
actions:
  hook: { type: webhook, url: 'http://127.0.0.1:9/hook' }
escalations:
  page-critical:
    steps:
      - actions: [hook]
routes:
  - matchers: ['severity="critical"']
    escalation: page-critical
`;

  it('refuses the section and the route that names it, each at its path', () => {
    let caught: unknown;
    try {
      parseConfigText(text, 'alertpipe.yml', {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['escalations', 'routes.0.escalation']));
    expect(problems.find((p) => p.path === 'escalations')?.message).toMatch(/not run by this version/);
  });

  it('still accepts the same routes with actions', () => {
    const config = parseConfigText(
      text.replace(/escalations:[\s\S]*?routes:/, 'routes:').replace('escalation: page-critical', 'actions: [hook]'),
      'alertpipe.yml',
      {},
    );
    expect(config.routes?.[0]?.actions).toEqual(['hook']);
  });
});
