import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMakeCertificates, makeTestCertificate } from '../support/test-certificate.js';
import { fixtureText } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/test-service.js';

const json = { 'content-type': 'application/json' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('inbound auth', () => {
  let app: TestService;
  beforeAll(async () => {
    app = await startTestService(
      'server:\n  auth:\n    bearer_token: s3cret\n    basic:\n      username: am\n      password: pa55word\n',
      {},
      {
        secrets: ['s3cret', 'pa55word'],
      },
    );
  });
  afterAll(() => app.stop());

  it('answers 401 without credentials, on every ingest path and the history, with a challenge', async () => {
    for (const path of ['/alert', '/', '/api/v2/alerts']) {
      const answer = await app.post(path, fixtureText('singleAlert'));
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="alertpipe", Basic realm="alertpipe"');
    }
    expect((await fetch(`${app.url}/api/notifications`)).status).toBe(401);
  });

  it('accepts the bearer token Alertmanager sends (the fixture was captured with Bearer s3cret)', async () => {
    const answer = await app.post('/alert', fixtureText('alertmanagerGroup'), { ...json, authorization: 'Bearer s3cret' });
    expect(answer.status).toBe(200);
  });

  it('accepts basic auth', async () => {
    expect((await app.post('/alert', fixtureText('singleAlert'), { ...json, authorization: basic('am', 'pa55word') })).status).toBe(200);
  });

  it('refuses wrong credentials of either kind', async () => {
    for (const authorization of [
      'Bearer s3cre',
      'Bearer s3cret2',
      basic('am', 'wrong'),
      basic('root', 'pa55word'),
      'Token s3cret',
      'Bearer',
    ]) {
      const answer = await app.post('/alert', fixtureText('singleAlert'), { ...json, authorization });
      expect(answer.status, authorization).toBe(401);
      expect(answer.body.error).toBe('the credentials sent are not valid');
    }
  });

  it('checks credentials before reading the body, so a stranger cannot make it parse anything', async () => {
    expect((await app.post('/alert', 'not even json')).status).toBe(401);
  });

  it('leaves probes and metrics open', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
  });

  it('never writes the secrets into its log', () => {
    const text = JSON.stringify(app.logs);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('pa55word');
  });
});

describe.skipIf(!canMakeCertificates)('TLS listener (needs openssl to make a test certificate)', () => {
  let app: TestService;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-tls-'));
    makeTestCertificate(dir);
    app = await startTestService(`server:\n  tls:\n    cert_file: ${dir}/cert.pem\n    key_file: ${dir}/key.pem\n`);
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves ingest over HTTPS with the configured certificate', async () => {
    expect(app.url).toMatch(/^https:\/\//);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${app.url}/alert`, { method: 'POST', headers: json, ca: readFileSync(path.join(dir, 'cert.pem')) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(fixtureText('singleAlert'));
    });
    expect(status).toBe(200);
  });
});
