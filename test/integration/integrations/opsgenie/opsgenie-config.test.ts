import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { chatAction } from '../../../support/chat-platforms.js';

describe('opsgenie config', () => {
  const problems = (fields: string): string => {
    try {
      parseConfigText(`actions:\n  og:\n    type: opsgenie\n    api_key: k\n${fields}`, 'test', {});
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  it('refuses a responder without a name, an unknown type, a priority Opsgenie lacks, and says where', () => {
    expect(problems('    responders:\n      - type: team\n')).toMatch(
      /actions\.og\.responders\.0.*a responder needs an id, a name or a username/,
    );
    expect(problems('    responders:\n      - name: x\n        type: squad\n')).toMatch(
      /actions\.og\.responders\.0\.type.*expected one of team, teams/,
    );
    expect(problems('    priority: P9\n')).toMatch(/actions\.og\.priority.*expected P1, P2, P3, P4 or P5/);
    expect(problems('    api_key: ""\n')).not.toBe('');
  });

  it('refuses, at start, a template that does not parse, with its field, line and column', () => {
    expect(problems("    message: '{{ commonLabels.alertname '\n")).toBe('');
    expect(() => chatAction('opsgenie', { api_key: 'k', message: '{{ commonLabels.alertname ' }, 'og')).toThrow(
      /actions\.og\.message: line 1, column \d+/,
    );
  });

  it('takes the EU API and a templated priority', () => {
    expect(problems('    api_url: https://api.eu.opsgenie.com/\n    priority: "{{ commonLabels.priority }}"\n')).toBe('');
  });
});
