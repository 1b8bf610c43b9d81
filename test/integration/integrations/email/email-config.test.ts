import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { ConfigError } from '../../../../src/lib/config-error.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';
import { emailAction } from './email-harness.js';

const base = { type: 'email', to: 'oncall@example.com', from: 'alertpipe@example.com', smarthost: 'smtp.example.com:587' };

function problems(action: Record<string, unknown>): string {
  try {
    parseConfigText(`actions:\n  mail: ${JSON.stringify(action)}\n`, 'alertpipe.yml', {});
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

function createProblems(fields: Record<string, unknown>): string {
  try {
    emailAction(process.cwd(), fields);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the action to be refused');
}

describe('email config', () => {
  it('says, per field, what is wrong with an entry', () => {
    const message = problems({
      ...base,
      to: 'oncall',
      smarthost: 'smtp.example.com',
      auth_password: 'x-password',
      tls_config: { cert_file: 'client.pem' },
      headers: { subject: 'a', Subject: 'b', 'Message-ID': '<c@d>' },
      unknown_field: true,
    });
    expect(message).toContain('actions.mail.to: expected the address (or comma-separated addresses) to mail');
    expect(message).toContain('actions.mail.smarthost: expected host:port of the SMTP server');
    expect(message).toContain('actions.mail.auth_username: expected the user name that goes with auth_password');
    expect(message).toContain('actions.mail.tls_config: cert_file and key_file go together');
    expect(message).toContain('actions.mail.headers: header subject is given twice');
    expect(message).toContain("actions.mail.headers: message-id is set by alertpipe to thread the group's mails");
    expect(message).toMatch(/unknown_field/);
    expect(message).not.toContain('x-password');
  });

  it('takes Alertmanager defaults and extras as they are pasted: IPv6 smarthost, threading, force_implicit_tls, min_version', () => {
    const config = parseConfigText(
      `actions:\n  mail: ${JSON.stringify({ ...base, smarthost: '[::1]:465', threading: { enabled: true }, force_implicit_tls: true, tls_config: { min_version: 'TLS13' } })}\n`,
      'alertpipe.yml',
      {},
    );
    expect(config.actions.mail).toMatchObject({ hello: 'localhost', require_tls: true, send_resolved: true });
  });

  it('refuses a Go template (Alertmanager syntax) with its place, and a template that fails on the example notifications', () => {
    expect(createProblems({ ...base, headers: { Subject: '{{ .CommonLabels.alertname }}' } })).toMatch(/actions\.mail\.headers\.Subject: /);
    expect(createProblems({ ...base, html: '{{ commonLables.alertname }}' })).toMatch(
      /actions\.mail\.html: with the firing example: .*commonLables/,
    );
  });

  it("reads Alertmanager's own default templates as alertpipe's defaults", async () => {
    const action = emailAction(process.cwd(), {
      ...base,
      html: '{{ template "email.default.html" . }}',
      headers: { Subject: '{{ template "email.default.subject" . }}' },
    });
    const preview = action.preview!(enrichedGroup());
    const body = preview.body as { html: string; headers: Record<string, string> };
    expect(body.html).toContain('<h2');
    expect(body.headers.Subject).toBe('🔥 FIRING: KubePodCrashLooping (2)');
    expect(preview.problems).toEqual([]);
  });

  it('a tls_config file that cannot be read stops the start, naming the field', () => {
    expect(createProblems({ ...base, tls_config: { ca_file: 'no-such-ca.pem' } })).toContain(
      'actions.mail.tls_config.ca_file: cannot read the file: ENOENT',
    );
  });
});
