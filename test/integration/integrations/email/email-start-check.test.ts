import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { preflight } from '../../../../src/app/preflight.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { emailAction, haveTls, PASSWORD, USER, useSmtpServer } from './email-harness.js';

/** A loopback port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!haveTls)('email: the SMTP check at start', () => {
  const server = useSmtpServer();
  const fields = (overrides: Record<string, unknown> = {}) => ({
    to: 'oncall@example.com',
    from: 'alertpipe@example.com',
    smarthost: server.smtp.smarthost,
    auth_username: USER,
    auth_password: PASSWORD,
    tls_config: { ca_file: 'cert.pem' },
    ...overrides,
  });
  const startCheck = (overrides: Record<string, unknown> = {}) =>
    emailAction(server.certs.dir, fields(overrides)).capabilities!.startCheck!(new AbortController().signal);

  it('greets the server, takes STARTTLS and logs in, and sends no mail', async () => {
    const before = { mails: server.smtp.received.length, events: server.smtp.events.length };
    expect(await startCheck()).toEqual({});
    expect(server.smtp.events.slice(before.events)).toEqual(['STARTTLS', `AUTH PLAIN ${USER}`]);
    expect(server.smtp.received).toHaveLength(before.mails);
  });

  it('warns of refused credentials with the reply, the password kept out', async () => {
    const wrong = 'wrong-password-of-the-relay';
    const { warning } = await startCheck({ auth_password: wrong });
    expect(warning).toMatch(/could not be used at start: SMTP server 127\.0\.0\.1:\d+ answered 535/);
    expect(warning).toContain('will fail until the config or the server changes');
    expect(warning).not.toContain(wrong);
  });

  it('warns of a server that does not answer, and says the mails wait', async () => {
    const { warning } = await startCheck({ smarthost: `127.0.0.1:${await closedPort()}` });
    expect(warning).toMatch(/could not be used at start: .*ECONNREFUSED|could not be used at start: .*connect/i);
    expect(warning).toContain('its mails wait in the queue until it answers');
  });

  it('is a warning at start, and check-config does not connect at all', async () => {
    const port = await closedPort();
    const text = `actions:\n  mail: { type: email, to: oncall@example.com, from: alertpipe@example.com, smarthost: "127.0.0.1:${port}" }\nroutes:\n  - actions: [mail]\n`;
    const loaded = { config: parseConfigText(text, 'test.yml', {}), source: 'file' as const, baseDir: server.certs.dir, file: 'test.yml' };
    const options = { logger: createSilentLogger(), charts: createChartRenderer() };
    const atStart = await preflight(loaded, options);
    expect(atStart.warnings).toEqual([expect.stringMatching(/^actions\.mail: the mail server could not be used at start/)]);
    const listening = createServer((socket) => socket.end('554 nobody should connect\r\n'));
    let connections = 0;
    listening.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
    try {
      const checked = await preflight(loaded, { ...options, occasion: 'check-config' });
      expect(checked.warnings).toEqual([]);
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    }
  });
});
