import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, type SlackBlock } from '../../../../src/integrations/slack/slack-blocks.js';
import { buildSlackMessage } from '../../../support/slack-message.js';
import { normalize } from '../../../../src/http/ingest/normalize.js';
import { parseJsonBody } from '../../../../src/http/parse-json.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { checkBlocks } from '../../../support/fake-slack.js';
import { fixtureText } from '../../../support/fixtures.js';

const podEnrichment = {
  'pod-resources': {
    fields: [
      { label: 'CPU', value: '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇' },
      { label: 'Memory', value: '412 MiB · 81% of limit 512 MiB · request 256 MiB · ▂▃▅▇█' },
    ],
  },
};

function group(overrides: Partial<EnrichedNotification> = {}): EnrichedNotification {
  const n = normalize(parseJsonBody(fixtureText('alertmanagerGroup')), { now: new Date('2026-11-22T12:10:00Z') });
  return { ...n, alerts: n.alerts.map((a) => ({ ...a, enrichment: podEnrichment, notes: [] })), ...overrides };
}

const textOf = (blocks: readonly SlackBlock[]): string =>
  blocks.map((b) => ('text' in b ? b.text.text : 'elements' in b ? b.elements.map((e) => e.text).join(' ') : '---')).join('\n');

describe('buildSlackMessage', () => {
  it('puts status and alert name in the header, and the group in the fallback text', () => {
    const message = buildSlackMessage(group(), { maxAlerts: 10 });
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔥 FIRING: KubePodCrashLooping (2)', emoji: true },
    });
    expect(message.text).toBe('[FIRING:2] KubePodCrashLooping shop: Pod is crash looping.');
  });

  it("shows each alert's own labels, description and enrichment with its sparkline", () => {
    const text = textOf(buildSlackMessage(group(), { maxAlerts: 10 }).blocks);
    expect(text).toContain('pod `cart-7d9f8b6c5-x2x9z`  container `cart`');
    expect(text).toContain('Pod shop/cart-7d9f8b6c5-x2x9z is restarting 3 times / 10 minutes.');
    expect(text).toContain('*CPU*: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(text).toContain('*namespace* shop  ·  *severity* critical  ·  receiver pipe');
  });

  it('links the silence page of the Alertmanager that sent it, prefilled with the labels', () => {
    const text = textOf(buildSlackMessage(group(), { maxAlerts: 10 }).blocks);
    const filter = encodeURIComponent(
      '{alertname="KubePodCrashLooping",container="cart",namespace="shop",pod="cart-7d9f8b6c5-x2x9z",severity="critical"}',
    );
    expect(text).toContain(`<http://alertmanager:9093/#/silences/new?filter=${filter}|Silence>`);
  });

  it('links the source and runbook when the alert has them', () => {
    const n = group();
    const alert = {
      ...n.alerts[0]!,
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      annotations: { runbook_url: 'https://runbooks/x' },
    };
    const text = textOf(buildSlackMessage({ ...n, alerts: [alert] }, { maxAlerts: 10 }).blocks);
    expect(text).toContain('<http://prometheus:9090/graph?g0.expr=up|Source>  ·  <https://runbooks/x|Runbook>');
  });

  it('shows why context is missing', () => {
    const n = group();
    const alerts = n.alerts.map((a) => ({ ...a, enrichment: {}, notes: ['pod-resources: Prometheus unreachable: ECONNREFUSED'] }));
    expect(textOf(buildSlackMessage({ ...n, alerts }, { maxAlerts: 10 }).blocks)).toContain(
      ':warning: _pod-resources: Prometheus unreachable: ECONNREFUSED_',
    );
  });

  it('looks different when resolved', () => {
    const n = group();
    const alerts = n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:30:00Z') }));
    const message = buildSlackMessage({ ...n, status: 'resolved', alerts }, { maxAlerts: 10 });
    expect(message.blocks[0]).toMatchObject({ text: { text: '✅ RESOLVED: KubePodCrashLooping (2)' } });
    expect(textOf(message.blocks)).toContain('resolved 2026-11-22 12:30 UTC');
    expect(message.text.startsWith('[RESOLVED:2]')).toBe(true);
  });

  it('marks an alert whose own status differs from the group', () => {
    const n = group();
    const alerts = [n.alerts[0]!, { ...n.alerts[1]!, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:30:00Z') }];
    expect(textOf(buildSlackMessage({ ...n, alerts }, { maxAlerts: 10 }).blocks)).toContain('✅ resolved · pod `checkout-5c6d7e8f9-abcde`');
  });

  it('folds 300 alerts into "and N more" and stays inside every Slack limit', () => {
    const n = group({ truncatedAlerts: 5 });
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
    }));
    const message = buildSlackMessage({ ...n, alerts }, { maxAlerts: 15 });
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(checkBlocks(message.blocks as never)).toBeUndefined();
    expect(textOf(message.blocks)).toContain('…and 290 more alerts (see <http://alertmanager:9093|Alertmanager>)');
  });

  it('cuts huge annotations and a huge header with an ellipsis', () => {
    const n = group();
    const alerts = [{ ...n.alerts[0]!, annotations: { description: 'x'.repeat(10_000) } }];
    const message = buildSlackMessage({ ...n, alerts, commonLabels: { alertname: 'A'.repeat(400) } }, { maxAlerts: 10 });
    expect(checkBlocks(message.blocks as never)).toBeUndefined();
    const section = message.blocks.find((b) => b.type === 'section');
    expect(section && 'text' in section && section.text.text.endsWith('…')).toBe(true);
  });

  it('escapes Slack markup in values that come from alerts', () => {
    const n = group();
    const alerts = [{ ...n.alerts[0]!, annotations: { description: '<!channel> a & b <http://evil|click>' } }];
    const text = textOf(buildSlackMessage({ ...n, alerts }, { maxAlerts: 10 }).blocks);
    expect(text).toContain('&lt;!channel&gt; a &amp; b &lt;http://evil|click&gt;');
    expect(text).not.toContain('<!channel>');
  });
});
