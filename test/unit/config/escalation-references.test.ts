import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/config-error.js';

const text = `
actions:
  hook: { type: webhook, url: 'http://127.0.0.1:9/hook' }
escalations:
  page-critical:
    repeat: 1
    steps:
      - actions: [hook]
      - { after: 5m, actions: [hook] }
routes:
  - matchers: ['severity="critical"']
    escalation: page-critical
`;

function problemsOf(yaml: string): Array<{ path: string; message: string }> {
  try {
    parseConfigText(yaml, 'alertpipe.yml', {});
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('escalations in the config', () => {
  it('accepts a policy and a route that names it (the loop runs them)', () => {
    const config = parseConfigText(text, 'alertpipe.yml', {});
    expect(config.routes?.[0]?.escalation).toBe('page-critical');
    expect(config.escalations?.['page-critical']?.steps.map((step) => step.after)).toEqual([0, 300_000]);
  });

  it('reports a route naming no policy and a step naming no action, each at its path', () => {
    const problems = problemsOf(
      text
        .replace('escalation: page-critical', 'escalation: page-nobody')
        .replace('- { after: 5m, actions: [hook] }', '- { after: 5m, actions: [nope] }'),
    );
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['routes.0.escalation', 'escalations.page-critical.steps.1.actions.0']),
    );
  });
});
