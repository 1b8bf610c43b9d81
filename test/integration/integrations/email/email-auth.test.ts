import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSmtp, type FakeSmtp } from '../../../support/fake-smtp.js';
import { attempt, certificateDir, emailAction, groupWithGraph, haveTls, PASSWORD, USER } from './email-harness.js';

describe.skipIf(!haveTls)('email: the AUTH mechanisms Alertmanager offers', () => {
  let certs: ReturnType<typeof certificateDir>;
  let smtp: FakeSmtp;
  beforeAll(async () => {
    certs = certificateDir();
    smtp = await startFakeSmtp({ key: certs.key, cert: certs.cert, users: { [USER]: PASSWORD } });
  });
  afterAll(async () => {
    await smtp?.close();
    certs?.remove();
  });

  it('authenticates with PLAIN and an authorization identity when auth_identity is set', async () => {
    const before = smtp.received.length;
    await emailAction(certs.dir, {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: smtp.smarthost,
      auth_username: USER,
      auth_password: PASSWORD,
      auth_identity: 'ops@example.com',
      tls_config: { ca_file: 'cert.pem' },
    }).handle(groupWithGraph(), attempt());
    await smtp.waitForMails(before + 1);
    const session = smtp.events.slice(smtp.events.lastIndexOf('STARTTLS'));
    expect(session[1]).toBe(`AUTH PLAIN ${USER} for ops@example.com`);
    const wrong = emailAction(certs.dir, {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: smtp.smarthost,
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
    const before = smtp.received.length;
    await emailAction(certs.dir, {
      to: 'oncall@example.com',
      from: 'alertpipe@example.com',
      smarthost: smtp.smarthost,
      auth_username: USER,
      auth_secret: PASSWORD,
      tls_config: { ca_file: 'cert.pem' },
    }).handle(groupWithGraph(), attempt());
    await smtp.waitForMails(before + 1);
    const session = smtp.events.slice(smtp.events.lastIndexOf('STARTTLS'));
    expect(session[1]).toBe(`AUTH CRAM-MD5 ${USER}`);
  });
});
