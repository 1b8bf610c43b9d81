import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';
import { createAction } from '../../../../src/integrations/registry.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import {
  attempt,
  emailAction,
  groupWithGraph,
  haveTls,
  memoryRefs,
  PASSWORD,
  resolvedLater,
  USER,
  useSmtpServer,
} from './email-harness.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.skipIf(!haveTls)('email through a real SMTP exchange (STARTTLS, AUTH)', () => {
  const server = useSmtpServer();

  it('takes an email_configs entry pasted from alertmanager.yml, and mails the enriched group: text and HTML parts, the graph inline', async () => {
    // As in alertmanager.yml, `type: email` added; the Subject header is an alertpipe template here.
    const yaml = `
actions:
  oncall:
    type: email
    to: 'oncall@example.com, sre@example.com'
    from: 'Alertmanager <alertmanager@example.com>'
    smarthost: ${server.smtp.smarthost}
    hello: alertpipe.example.com
    auth_username: ${USER}
    auth_password: '${PASSWORD}'
    require_tls: true
    tls_config:
      ca_file: cert.pem
      insecure_skip_verify: false
    headers:
      Subject: '[{{ status | upcase }}:{{ alerts.firing | size }}] {{ commonLabels.alertname }} in {{ commonLabels.namespace }}'
      X-Alertpipe-Team: sre
    send_resolved: true
`;
    const config = parseConfigText(yaml, path.join(server.certs.dir, 'alertpipe.yml'), {});
    const action = createAction('oncall', config.actions.oncall!, {
      logger: createSilentLogger(),
      charts: createChartRenderer(),
      baseDir: server.certs.dir,
    });
    const before = server.smtp.received.length;
    const result = await action.handle(groupWithGraph(), attempt(memoryRefs()));
    const [mail] = (await server.smtp.waitForMails(before + 1)).slice(before);

    // The envelope and the session: encrypted before the credentials went, then authenticated.
    expect(mail!.from).toBe('alertmanager@example.com');
    expect(mail!.to).toEqual(['oncall@example.com', 'sre@example.com']);
    expect(mail!.secure).toBe(true);
    expect(mail!.user).toBe(USER);
    const session = server.smtp.events.slice(server.smtp.events.lastIndexOf('STARTTLS'));
    expect(session[0]).toBe('STARTTLS');
    expect(session[1]).toMatch(/^AUTH (PLAIN|LOGIN) alerts$/);

    const parsed = mail!.parsed;
    expect(parsed.subject).toBe('[FIRING:2] KubePodCrashLooping in shop');
    expect(parsed.headers.get('x-alertpipe-team')).toBe('sre');
    expect(parsed.messageId).toMatch(/^<alertpipe\.[0-9a-f]{32}@example\.com>$/);
    expect(parsed.inReplyTo).toBeUndefined();
    // The MIME a mail client reads: the text and HTML parts as alternatives, the picture related to the HTML.
    expect(mail!.raw).toMatch(/Content-Type: multipart\/alternative;/);
    expect(mail!.raw).toMatch(/Content-Type: multipart\/related;/);
    expect(parsed.text).toContain('[FIRING:2] KubePodCrashLooping shop: Pod is crash looping.');
    expect(parsed.text).toContain('CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(parsed.text).toContain('Pod shop/cart-7d9f8b6c5-x2x9z is restarting 3 times / 10 minutes.');
    expect(parsed.text).toContain('Note: pod-resources: no cAdvisor metrics for shop/checkout-5c6d7e8f9-abcde in Prometheus');
    expect(parsed.html).toContain('<b>CPU</b>');
    const [image] = parsed.attachments;
    expect(parsed.attachments).toHaveLength(1);
    expect(image!.contentType).toBe('image/png');
    expect(image!.related).toBe(true);
    expect(image!.content.subarray(0, 8).equals(PNG)).toBe(true);
    // The <img> points at that very part: nothing to fetch from anywhere.
    expect(parsed.html).toContain(`<img src="cid:${image!.cid}"`);
    expect(String(parsed.html).match(/src="(?!cid:)/g)).toBeNull();
    expect(result).toMatchObject({ detail: 'mailed 2 alerts to 2 recipients, 1 graph inline' });
  });

  it('threads the group: the resolve answers the firing mail, even from another instance sharing the store, and the next firing starts anew', async () => {
    const refs = memoryRefs();
    const fields = {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: server.smtp.smarthost,
      auth_username: USER,
      auth_password: PASSWORD,
      tls_config: { ca_file: 'cert.pem' },
    };
    const firing = groupWithGraph();
    const before = server.smtp.received.length;
    await emailAction(server.certs.dir, fields).handle(firing, attempt(refs));
    // A restart (or another replica): a new action, the same store.
    const resolved = resolvedLater(firing, 'n-resolved');
    await emailAction(server.certs.dir, fields).handle(resolved, attempt(refs));
    const again = { ...firing, id: 'n-again', receivedAt: new Date(resolved.receivedAt.getTime() + 60_000) };
    await emailAction(server.certs.dir, fields).handle(again, attempt(refs));
    const [first, second, third] = (await server.smtp.waitForMails(before + 3)).slice(before).map((m) => m.parsed);

    expect(second!.inReplyTo).toBe(first!.messageId);
    expect(second!.references).toBe(first!.messageId);
    expect(second!.messageId).not.toBe(first!.messageId);
    expect(second!.subject).toBe('✅ RESOLVED: KubePodCrashLooping (2)');
    expect(second!.text).toContain('resolved 2026-11-22 12:30 UTC');
    // No graph for what has ended.
    expect(second!.attachments).toHaveLength(0);
    expect(third!.inReplyTo).toBeUndefined();
    expect(third!.messageId).not.toBe(first!.messageId);
    expect([...refs.refs.values()]).toHaveLength(1);
    expect([...refs.refs.values()][0]!.ts).toBe(third!.messageId);
  });

  it('sends a retried mail with the Message-ID it had, so a mail that did arrive is not a second thread', async () => {
    const refs = memoryRefs();
    const action = emailAction(server.certs.dir, {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: server.smtp.smarthost,
      auth_username: USER,
      auth_password: PASSWORD,
      tls_config: { ca_file: 'cert.pem' },
    });
    const firing = groupWithGraph();
    const before = server.smtp.received.length;
    await action.handle(firing, attempt(refs));
    await action.handle(firing, attempt(refs));
    const [a, b] = (await server.smtp.waitForMails(before + 2)).slice(before).map((m) => m.parsed);
    expect(b!.messageId).toBe(a!.messageId);
    expect(b!.inReplyTo).toBeUndefined();
  });

  it('escapes everything an alert carries in the HTML part, and in html templates, and shows it as text in the text part', async () => {
    const group = groupWithGraph();
    const hostile = {
      ...group,
      commonAnnotations: {},
      alerts: group.alerts.map((a, i) =>
        i === 0
          ? {
              ...a,
              labels: { ...a.labels, pod: '<script>alert(1)</script>' },
              annotations: { summary: '<img src=x onerror=alert(1)> & "quoted"' },
            }
          : a,
      ),
    };
    const fields = {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: server.smtp.smarthost,
      auth_username: USER,
      auth_password: PASSWORD,
      tls_config: { ca_file: 'cert.pem' },
    };
    const before = server.smtp.received.length;
    await emailAction(server.certs.dir, fields).handle(hostile, attempt());
    await emailAction(server.certs.dir, {
      ...fields,
      html: '<p>{% for a in alerts %}<b>{{ a.labels.pod }}</b> {{ a.annotations.summary | default: "" }}{% endfor %}</p>',
      text: '{% for a in alerts %}{{ a.labels.pod }} {% endfor %}',
    }).handle(hostile, attempt());
    const [standard, templated] = (await server.smtp.waitForMails(before + 2)).slice(before).map((m) => m.parsed);
    for (const html of [String(standard!.html), String(templated!.html)]) {
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;');
    }
    expect(templated!.html).toContain('<p><b>');
    expect(standard!.text).toContain('<script>alert(1)</script>');
    expect(templated!.text).toBe('<script>alert(1)</script> checkout-5c6d7e8f9-abcde ');
  });

  it('folds a large group into "…and N more" at max_alerts', async () => {
    const group = groupWithGraph();
    const many = {
      ...group,
      alerts: Array.from({ length: 40 }, (_, i) => ({
        ...group.alerts[1]!,
        fingerprint: `fp${i}`,
        labels: { ...group.alerts[1]!.labels, pod: `pod-${i}` },
      })),
    };
    const before = server.smtp.received.length;
    await emailAction(server.certs.dir, {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: server.smtp.smarthost,
      auth_username: USER,
      auth_password: PASSWORD,
      tls_config: { ca_file: 'cert.pem' },
      max_alerts: 5,
    }).handle(many, attempt());
    const [mail] = (await server.smtp.waitForMails(before + 1)).slice(before);
    expect(mail!.parsed.text).toContain('…and 35 more alerts');
    expect(mail!.parsed.text).toContain('pod pod-4');
    expect(mail!.parsed.text).not.toContain('pod pod-5');
  });
});
