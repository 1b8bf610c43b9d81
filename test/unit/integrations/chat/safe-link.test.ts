import { describe, expect, it } from 'vitest';
import { alertLinks, safeLink } from '../../../../src/integrations/chat/alert-links.js';
import { alertWith } from '../../../support/alerts.js';

describe('safeLink: a URL from an alert, fit for any platform’s link markup', () => {
  it('keeps a plain http(s) URL as written', () => {
    expect(safeLink('http://alertmanager:9093')).toBe('http://alertmanager:9093');
    expect(safeLink('https://runbooks.example/x/')).toBe('https://runbooks.example/x/');
    expect(safeLink('http://prometheus:9090/graph?g0.expr=up&g0.tab=1#top')).toBe('http://prometheus:9090/graph?g0.expr=up&g0.tab=1#top');
    expect(safeLink('http://[::1]:9093/')).toBe('http://[::1]:9093/');
    expect(safeLink(' HTTP://Example.COM/a b ')).toBe('http://example.com/a%20b');
  });

  it('drops what is no http(s) URL with a host, rather than passing it through', () => {
    for (const raw of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', '/relative', 'http://', 'not a url', '', undefined])
      expect(safeLink(raw), String(raw)).toBeUndefined();
    expect(safeLink('http://runbook.example>!<!channel>|<http://evil.example|Runbook_fix>')).toBeUndefined();
    expect(safeLink('http://am.example><!everyone><http://b.example')).toBeUndefined();
    expect(safeLink('http://a"b(c).example/')).toBeUndefined();
  });

  it('percent-encodes every character a chat markup reads, wherever it is in the URL', () => {
    expect(safeLink('http://runbook.example/fix>!<!channel>|<http://evil.example|Runbook_fix>')).toBe(
      'http://runbook.example/fix%3E!%3C!channel%3E%7C%3Chttp://evil.example%7CRunbook_fix%3E',
    );
    expect(safeLink('http://dash.example/d)[Login](http://evil.example')).toBe('http://dash.example/d%29%5BLogin%5D%28http://evil.example');
    expect(safeLink('http://u:p(@h.example/a\'b?q=\\x`"#f()|')).toBe('http://u:p%28@h.example/a%27b?q=%5Cx%60%22#f%28%29%7C');
  });

  it('links a silence only in an Alertmanager with a usable URL, its filter encoded like the rest', () => {
    const alert = alertWith({ alertname: 'A', pod: "x')[Login](http://evil.example" });
    expect(alertLinks(alert, 'http://am.example><!everyone><http://b.example').map((l) => l.text)).not.toContain('Silence');
    const silence = alertLinks(alert, 'http://am.example/').find((l) => l.text === 'Silence')!.url;
    expect(silence.startsWith('http://am.example/#/silences/new?filter=%7Balertname%3D%22A%22%2Cpod%3D%22x%27%29%5BLogin%5D%28http')).toBe(
      true,
    );
    expect(silence).not.toMatch(/[\s<>|()[\]"'`\\]/);
  });
});
