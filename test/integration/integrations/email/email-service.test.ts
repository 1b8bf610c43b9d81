import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSmtp, type FakeSmtp } from '../../../support/fake-smtp.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';
import { certificateDir, haveTls, PASSWORD, USER } from './email-harness.js';

/** The fixture's group, resolved twenty minutes on. */
function resolvedGroup(): string {
  const group = JSON.parse(fixtureText('alertmanagerGroup')) as { status: string; alerts: { status: string; endsAt: string }[] };
  group.status = 'resolved';
  for (const alert of group.alerts) Object.assign(alert, { status: 'resolved', endsAt: '2026-11-22T12:25:00Z' });
  return JSON.stringify(group);
}

describe.skipIf(!haveTls)('email through the service', () => {
  let certs: ReturnType<typeof certificateDir>;
  let smtp: FakeSmtp;
  let yaml: string;
  beforeAll(async () => {
    certs = certificateDir();
    smtp = await startFakeSmtp({ key: certs.key, cert: certs.cert, users: { [USER]: PASSWORD } });
    yaml = `
actions:
  oncall:
    type: email
    to: oncall@example.com
    from: alertpipe@example.com
    smarthost: ${smtp.smarthost}
    auth_username: ${USER}
    auth_password: '${PASSWORD}'
    tls_config: { ca_file: '${path.join(certs.dir, 'cert.pem')}' }
routes:
  - actions: [oncall]
`;
  });
  afterAll(async () => {
    await smtp?.close();
    certs?.remove();
  });

  it("honours the server's throttling (451): the mail is retried later and arrives once", async () => {
    const app = await startTestService(yaml);
    try {
      const before = smtp.received.length;
      smtp.refuse({ stage: 'MAIL', code: 451, text: '4.7.1 Try again later: sending rate exceeded' });
      const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
      const record = await app.untilDone(String(body.id), 15_000);
      const job = record.jobs[0]!;
      expect(job.state).toBe('succeeded');
      expect(job.attempts.map((a) => a.outcome)).toEqual(['retry', 'success']);
      expect(job.attempts[0]!.error).toMatch(/answered 451 to MAIL.*transient: retried later/);
      expect(smtp.received.length - before).toBe(1);
      expect(JSON.stringify(app.logs)).not.toContain(PASSWORD);
    } finally {
      await app.stop();
    }
  });

  it('a permanent refusal (550) is tried once and not again', async () => {
    const app = await startTestService(yaml);
    try {
      smtp.refuse({ stage: 'RCPT', code: 550, text: '5.1.1 <oncall@example.com>: Recipient address rejected: User unknown' });
      const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
      const record = await app.untilDone(String(body.id));
      expect(record.jobs[0]!.state).toBe('failed');
      expect(record.jobs[0]!.attempts).toHaveLength(1);
      expect(record.jobs[0]!.attempts[0]!.error).toMatch(/answered 550 to RCPT.*not retried/);
    } finally {
      await app.stop();
    }
  });

  it('threads the resolve under the firing mail across a restart: the first Message-ID is in the store', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'alertpipe-email-'));
    try {
      const before = smtp.received.length;
      const first = await startTestService(yaml, { DATA_DIR: dataDir });
      try {
        const { body } = await first.post('/alert', fixtureText('alertmanagerGroup'));
        expect((await first.untilDone(String(body.id))).jobs[0]!.state).toBe('succeeded');
      } finally {
        await first.stop();
      }
      const second = await startTestService(yaml, { DATA_DIR: dataDir });
      try {
        const { body } = await second.post('/alert', resolvedGroup());
        expect((await second.untilDone(String(body.id))).jobs[0]!.state).toBe('succeeded');
      } finally {
        await second.stop();
      }
      const [firing, resolved] = (await smtp.waitForMails(before + 2)).slice(before).map((m) => m.parsed);
      expect(firing!.subject).toBe('🔥 FIRING: KubePodCrashLooping (2)');
      expect(resolved!.subject).toBe('✅ RESOLVED: KubePodCrashLooping (2)');
      expect(resolved!.inReplyTo).toBe(firing!.messageId);
      expect(resolved!.references).toBe(firing!.messageId);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
