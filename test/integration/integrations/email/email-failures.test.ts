import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../../../src/integrations/action-error.js';
import type { Action } from '../../../../src/integrations/action.js';
import { startFakeSmtp, type FakeSmtp } from '../../../support/fake-smtp.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';
import { attempt, certificateDir, emailAction, haveTls, PASSWORD, USER } from './email-harness.js';

async function failure(action: Action): Promise<ActionError> {
  try {
    await action.handle(enrichedGroup(), attempt());
  } catch (error) {
    if (error instanceof ActionError) return error;
    throw error;
  }
  throw new Error('expected the attempt to fail');
}

describe.skipIf(!haveTls)('email: what the SMTP server refuses, and whether a retry could help', () => {
  let certs: ReturnType<typeof certificateDir>;
  let smtp: FakeSmtp;
  let plain: FakeSmtp;
  const fields = () => ({
    to: 'oncall@example.com',
    from: 'alertpipe@example.com',
    smarthost: smtp.smarthost,
    auth_username: USER,
    auth_password: PASSWORD,
    tls_config: { ca_file: 'cert.pem' },
  });
  beforeAll(async () => {
    certs = certificateDir();
    smtp = await startFakeSmtp({ key: certs.key, cert: certs.cert, users: { [USER]: PASSWORD } });
    plain = await startFakeSmtp({ key: certs.key, cert: certs.cert, users: { [USER]: PASSWORD }, noStartTls: true });
  });
  afterAll(async () => {
    await smtp?.close();
    await plain?.close();
    certs?.remove();
  });

  it('wrong credentials: 535, permanent, and the password in no error', async () => {
    const error = await failure(emailAction(certs.dir, { ...fields(), auth_password: 'not-the-password-1' }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/answered 535.*5\.7\.8 Authentication credentials invalid.*permanent refusal: not retried/);
    expect(error.message).not.toContain('not-the-password-1');
    expect(smtp.events).toContain(`AUTH refused ${USER}`);
  });

  it('require_tls (the default) with a server that offers no STARTTLS: refused before any credential or mail is sent', async () => {
    const before = plain.events.length;
    const error = await failure(emailAction(certs.dir, { ...fields(), smarthost: plain.smarthost }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/answered 500 to STARTTLS: .*require_tls is true, the default, and the server does not take STARTTLS/);
    expect(plain.events.slice(before).filter((e) => /AUTH|MAIL|DATA/.test(e))).toEqual([]);
    expect(plain.received).toHaveLength(0);
  });

  it('require_tls: false with a server that wants TLS first: its 538 to AUTH, or 530 to MAIL, is permanent', async () => {
    const refusedAuth = await failure(emailAction(certs.dir, { ...fields(), require_tls: false }));
    expect(refusedAuth.retryable).toBe(false);
    expect(refusedAuth.message).toMatch(/answered 538 to AUTH.*Must issue a STARTTLS command first/);
    const { auth_username: _u, auth_password: _p, ...anonymous } = fields();
    const refusedMail = await failure(emailAction(certs.dir, { ...anonymous, require_tls: false }));
    expect(refusedMail.retryable).toBe(false);
    expect(refusedMail.message).toMatch(/answered 530 to MAIL.*5\.7\.0 Must issue a STARTTLS command first/);
    expect(smtp.events).toContain('MAIL refused 530 (no TLS)');
  });

  it('a certificate that does not verify (no ca_file): permanent; insecure_skip_verify takes it', async () => {
    const { tls_config: _, ...rest } = fields();
    const error = await failure(emailAction(certs.dir, rest));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/TLS with SMTP server .* failed: .*self-signed|self signed/);
    const before = smtp.received.length;
    await emailAction(certs.dir, { ...rest, tls_config: { insecure_skip_verify: true } }).handle(enrichedGroup(), attempt());
    expect(smtp.received).toHaveLength(before + 1);
  });

  for (const [refusal, retryable] of [
    [{ stage: 'MAIL', code: 451, text: '4.7.1 Try again later: too many messages from your address' }, true],
    [{ stage: 'MAIL', code: 421, text: '4.7.0 Too many connections, closing' }, true],
    [{ stage: 'RCPT', code: 452, text: '4.5.3 Too many recipients' }, true],
    [{ stage: 'RCPT', code: 550, text: '5.1.1 The email account that you tried to reach does not exist' }, false],
    [{ stage: 'DATA', code: 554, text: '5.7.1 Message rejected as spam' }, false],
  ] as const) {
    it(`${refusal.stage} answered ${refusal.code}: ${retryable ? 'transient, retried' : 'permanent, not retried'}`, async () => {
      const before = smtp.received.length;
      smtp.refuse(refusal);
      const error = await failure(emailAction(certs.dir, fields()));
      expect(error.retryable).toBe(retryable);
      expect(error.message).toContain(`answered ${refusal.code}`);
      expect(error.message).toContain(refusal.text);
      expect(smtp.received).toHaveLength(before);
    });
  }

  it("a mail past the server's SIZE: 552, permanent", async () => {
    const small = await startFakeSmtp({ key: certs.key, cert: certs.cert, users: { [USER]: PASSWORD }, size: 2_000 });
    try {
      const error = await failure(emailAction(certs.dir, { ...fields(), smarthost: small.smarthost }));
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/answered 552/);
    } finally {
      await small.close();
    }
  });

  it('no server listening, or one that never greets: retried later', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await failure(emailAction(certs.dir, { ...fields(), smarthost: `127.0.0.1:${port}` }));
    expect(refused.retryable).toBe(true);
    expect(refused.message).toMatch(/unreachable.*ECONNREFUSED|unreachable/);

    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const error = await failure(
        emailAction(certs.dir, { ...fields(), smarthost: `127.0.0.1:${(silent.address() as AddressInfo).port}`, timeout: '1s' }),
      );
      expect(error.retryable).toBe(true);
      // Bounded by the action's timeout, not nodemailer's 30 s default.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
