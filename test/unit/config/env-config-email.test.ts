import { describe, expect, it } from 'vitest';
import { collectSecrets } from '../../../src/config/collect-secrets.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/config-error.js';

async function emailOf(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const { config } = await loadConfig({ env });
  return config.actions.email as unknown as Record<string, unknown>;
}

async function problemsOf(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    await loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the environment to be refused');
}

describe('SMTP_URL and EMAIL_TO', () => {
  it('add an email action: smtp:// is STARTTLS on 587 by default, the user and password URL-decoded, the password a secret', async () => {
    const env = { SMTP_URL: 'smtp://alerts%40example.com:p%40ss%3Aw0rd@smtp.example.com', EMAIL_TO: 'oncall@example.com, sre@example.com' };
    const email = await emailOf(env);
    expect(email).toMatchObject({
      type: 'email',
      smarthost: 'smtp.example.com:587',
      auth_username: 'alerts@example.com',
      auth_password: 'p@ss:w0rd',
      require_tls: true,
      to: 'oncall@example.com, sre@example.com',
      // No EMAIL_FROM: the SMTP user, an address.
      from: 'alerts@example.com',
    });
    expect(email.force_implicit_tls).toBeUndefined();
    expect(collectSecrets((await loadConfig({ env })).config)).toContain('p@ss:w0rd');
  });

  it('smtps:// is TLS from the start on 465; EMAIL_FROM names the sender; ?require_tls=false for a relay without TLS', async () => {
    expect(
      await emailOf({ SMTP_URL: 'smtps://u:p@mail.example.org', EMAIL_TO: 'a@example.org', EMAIL_FROM: 'Alerts <alerts@example.org>' }),
    ).toMatchObject({
      smarthost: 'mail.example.org:465',
      force_implicit_tls: true,
      from: 'Alerts <alerts@example.org>',
    });
    expect(await emailOf({ SMTP_URL: 'smtp://relay.internal.example.net:25?require_tls=false', EMAIL_TO: 'a@example.org' })).toMatchObject({
      smarthost: 'relay.internal.example.net:25',
      require_tls: false,
      from: 'alertpipe@relay.internal.example.net',
    });
    expect((await emailOf({ SMTP_URL: 'smtp://relay.internal.example.net:25', EMAIL_TO: 'a@example.org' })).auth_username).toBeUndefined();
  });

  it('says what is missing or wrong, and never quotes the URL (it holds a password)', async () => {
    expect(await problemsOf({ SMTP_URL: 'smtp://u:hunter2secret@smtp.example.com:587' })).toMatch(/actions\.email\.to/);
    expect(await problemsOf({ EMAIL_TO: 'a@example.org' })).toMatch(/actions\.email\.smarthost/);
    const wrong = await problemsOf({ SMTP_URL: 'http://u:hunter2secret@smtp.example.com', EMAIL_TO: 'a@example.org' });
    expect(wrong).toMatch(/actions\.email\.smarthost: from the environment: SMTP_URL must be smtp:\/\/user:password@host:port/);
    expect(wrong).not.toContain('hunter2secret');
  });

  it('without either, no email action', async () => {
    expect((await loadConfig({ env: {} })).config.actions.email).toBeUndefined();
  });
});
