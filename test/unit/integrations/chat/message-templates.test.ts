import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/lib/config-error.js';
import { compileTemplates, type TemplateSources } from '../../../../src/integrations/chat/message-templates.js';
import { createTemplateEngine } from '../../../../src/integrations/chat/template-engine.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';
import { chatMessageBuilder } from '../../../../src/integrations/chat/chat-message.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';

const engine = createTemplateEngine(() => new Date('2026-11-22T12:10:00Z'));
const compile = (sources: TemplateSources, baseDir = process.cwd()) => compileTemplates('oncall', sources, engine, baseDir);

describe('message templates', () => {
  it('render title, text and a line per alert over the Alertmanager data', () => {
    const templates = compile({
      templates: {
        title: '[{{ status | toUpper }}:{{ alerts.firing | size }}] {{ commonLabels.alertname }} in {{ commonLabels.namespace }}',
        text: '{{ commonAnnotations.summary }} Receiver {{ receiver }}.',
        alert:
          '{{ alert.labels.pod | reReplaceAll: "-[a-z0-9]+-[a-z0-9]+$", "" }} since {{ alert.startsAt | since }}{% if alert.enrichment["pod-resources"] %} · CPU {{ alert.enrichment["pod-resources"].fields.CPU }}{% endif %}',
      },
    });
    const n = enrichedGroup();
    const out = templates.render(n);
    expect(out.title).toBe('[FIRING:2] KubePodCrashLooping in shop');
    expect(out.text).toBe('Pod is crash looping. Receiver pipe.');
    expect(out.alertLines?.get(n.alerts[0]!.fingerprint)).toMatch(/^cart since 5m \d+s · CPU 0\.42 cores/);
    expect(out.alertLines?.get(n.alerts[1]!.fingerprint)).toMatch(/^checkout since 5m \d+s$/);
    expect(out.notes).toEqual([]);
  });

  it('reports a template that does not parse with its line and column, at start', () => {
    try {
      compile({ templates: { title: 'ok', text: 'line one\n{{ status | nosuchfilter }}' } });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        { path: 'actions.oncall.templates.text', message: 'line 2, column 1: undefined filter: nosuchfilter' },
      ]);
    }
  });

  it('keeps the default and adds a note when a template fails at run time', () => {
    const failures: string[] = [];
    const out = compile({ templates: { title: '{{ commonLabels.nosuchlabel }}', text: 'fine' } }).render(enrichedGroup(), (f) =>
      failures.push(f.template),
    );
    expect(out.title).toBeUndefined();
    expect(out.text).toBe('fine');
    expect(out.notes).toEqual([
      'template "title" of action oncall failed (line 1, column 4: undefined variable: commonLabels.nosuchlabel); the default is shown',
    ]);
    expect(failures).toEqual(['title']);
  });

  it("takes templates from a file several actions share, the action's own winning", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-templates-'));
    writeFileSync(path.join(dir, 'short.yml'), 'title: "{{ commonLabels.alertname }} ({{ alerts | size }})"\ntext: from the file\n');
    const out = compile({ template_file: 'short.yml', templates: { text: 'own text' } }, dir).render(enrichedGroup());
    expect(out.title).toBe('KubePodCrashLooping (2)');
    expect(out.text).toBe('own text');
  });

  it('reads nothing from disk through include or render', () => {
    expect(() => compile({ templates: { text: "{% include '/etc/passwd' %}" } }).render(enrichedGroup())).not.toThrow();
    const out = compile({ templates: { text: "{% include '/etc/passwd' %}" } }).render(enrichedGroup());
    expect(out.text).toBeUndefined();
    expect(out.notes?.[0]).toContain('template "text" of action oncall failed');
  });

  it('stops a template that loops too long, and the message still goes out', () => {
    const out = compile({ templates: { text: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' } }).render(enrichedGroup());
    expect(out.text).toBeUndefined();
    expect(out.notes).toHaveLength(1);
  });
});

describe('the alert template on a large group', () => {
  it('is rendered for the alerts the message shows, not for those folded into "…and N more"', () => {
    const group = enrichedGroup();
    // Only the first ten carry the label the template reads: rendering it for the eleventh would fail.
    const alerts = Array.from({ length: 1_000 }, (_, i) => ({
      ...group.alerts[0]!,
      fingerprint: `fp${i}`,
      labels: { ...group.alerts[0]!.labels, ...(i < 10 ? { shown: `alert ${i}` } : {}) },
    }));
    const build = chatMessageBuilder(
      'chat',
      { max_alerts: 10, templates: { alert: '{{ alert.labels.shown }}' } },
      {
        logger: createSilentLogger(),
        charts: createChartRenderer(),
      },
    );
    const message = build({ ...group, alerts });
    expect(message.notes).toEqual([]);
    expect(message.alerts.map((a) => a.line)).toEqual(Array.from({ length: 10 }, (_, i) => `alert ${i}`));
    expect(message.hidden).toBe(990);
  });
});
