import { describe, expect, it } from 'vitest';
import { compileFieldTemplates, type FieldTemplateFailure } from '../../../../src/integrations/chat/field-templates.js';
import { ConfigError } from '../../../../src/lib/config-error.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { chatAction, enrichedGroup } from '../../../support/chat-platforms.js';

const problemsOf = (compile: () => unknown): string[] => {
  try {
    compile();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
};

describe('field templates', () => {
  it('take a value without markup as it is, spaces and all, and render the rest on the notification', () => {
    const templates = compileFieldTemplates('og', {
      priority: ' P2 ',
      message: '{{ commonLabels.alertname }} in {{ commonLabels.namespace }}',
    });
    const { values, notes } = templates.renderAll(enrichedGroup());
    expect(values.get('priority')).toBe(' P2 ');
    expect(values.get('message')).toBe('KubePodCrashLooping in shop');
    expect(notes).toEqual([]);
    expect(templates.render('message', enrichedGroup())).toBe('KubePodCrashLooping in shop');
    expect(templates.render('priority', enrichedGroup())).toBe(' P2 ');
  });

  it('refuse at start, every problem at once, a template that does not parse and one no example notification can render', () => {
    const problems = problemsOf(() =>
      compileFieldTemplates('og', {
        message: '{{ commonLabels.alertname ',
        priority: '{{ commonLables.severity }}',
        entity: '{{ commonLabels.team | default: "ops" }}',
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^actions\.og\.message: line 1, column \d+/);
    expect(problems[1]).toMatch(/^actions\.og\.priority: with the firing example: line 1, column \d+: undefined variable: commonLables/);
  });

  it('give a field whose template fails at run time no value, a note in renderAll, and a report each time', () => {
    const templates = compileFieldTemplates('og', { entity: '{{ commonLabels.namespace }}', source: 'alertpipe' });
    const noNamespace = enriched(notificationOf([alertWith({ alertname: 'NodeDown' })]));
    const failures: FieldTemplateFailure[] = [];
    const { values, notes } = templates.renderAll(noNamespace, (f) => failures.push(f));
    expect(values.has('entity')).toBe(false);
    expect(values.get('source')).toBe('alertpipe');
    expect(notes).toEqual([
      expect.stringMatching(
        /^template "entity" of action og failed \(line 1, column \d+: undefined variable: commonLabels\.namespace\); the default is used$/,
      ),
    ]);
    expect(templates.render('entity', noNamespace, (f) => failures.push(f))).toBeUndefined();
    expect(failures.map((f) => f.field)).toEqual(['entity', 'entity']);
  });

  // Opsgenie and Splunk On-Call parsed their templates at start but did not try them on the example
  // notifications; now they refuse what Pushover and SNS refuse.
  it.each([
    ['opsgenie', { api_key: 'k', priority: '{{ commonLables.priority }}' }, 'priority'],
    ['victorops', { api_key: 'k', routing_key: 'r', state_message: '{{ commonLabels.team }}' }, 'state_message'],
    ['pushover', { token: 'a'.repeat(30), user_key: 'u'.repeat(30), title: '{{ commonLables.alertname }}' }, 'title'],
    [
      'sns',
      { topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts', sigv4: { access_key: 'AKID', secret_key: 's' }, subject: '{{ nope }}' },
      'subject',
    ],
  ])('%s refuses at start a template that reads what no example notification has', (type, fields, field) => {
    expect(problemsOf(() => chatAction(type, fields, 'a'))).toEqual([
      expect.stringMatching(new RegExp(`^actions\\.a\\.${field}: with the firing example:`)),
    ]);
    const defaulted = { ...fields, [field]: '{{ commonLabels.team | default: "P3" }}' };
    expect(problemsOf(() => chatAction(type, defaulted, 'a'))).toEqual([]);
  });
});
