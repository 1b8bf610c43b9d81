import { describe, expect, it } from 'vitest';
import { attempt, emailAction, groupWithGraph, haveTls, PASSWORD, USER, useSmtpServer } from './email-harness.js';

describe.skipIf(!haveTls)('email: the AUTH mechanisms Alertmanager offers', () => {
  const server = useSmtpServer();

  it('authenticates with PLAIN and an authorization identity when auth_identity is set', async () => {
    const before = server.smtp.received.length;
    await emailAction(server.certs.dir, {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: server.smtp.smarthost,
      auth_username: USER,
      auth_password: PASSWORD,
      auth_identity: 'ops@example.com',
      tls_config: { ca_file: 'cert.pem' },
    }).handle(groupWithGraph(), attempt());
    await server.smtp.waitForMails(before + 1);
    const session = server.smtp.events.slice(server.smtp.events.lastIndexOf('STARTTLS'));
    expect(session[1]).toBe(`AUTH PLAIN ${USER} for ops@example.com`);
    const wrong = emailAction(server.certs.dir, {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: server.smtp.smarthost,
      auth_username: USER,
      auth_password: 'wrong-password-9',
      auth_identity: USER,
      tls_config: { ca_file: 'cert.pem' },
    });
    await expect(wrong.handle(groupWithGraph(), attempt())).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/answered 535/),
    });
  });

  it('authenticates with CRAM-MD5 when auth_secret is set', async () => {
    const before = server.smtp.received.length;
    await emailAction(server.certs.dir, {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: server.smtp.smarthost,
      auth_username: USER,
      auth_secret: PASSWORD,
      tls_config: { ca_file: 'cert.pem' },
    }).handle(groupWithGraph(), attempt());
    await server.smtp.waitForMails(before + 1);
    const session = server.smtp.events.slice(server.smtp.events.lastIndexOf('STARTTLS'));
    expect(session[1]).toBe(`AUTH CRAM-MD5 ${USER}`);
  });
});
