import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionTypeNames } from '../../src/integrations/registry.js';
import { collectSecrets } from '../../src/config/collect-secrets.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { fixtureText } from '../support/fixtures.js';
import { startTestService } from '../support/test-service.js';

// Every secret value below contains this marker, and nothing else in the test does.
const MARK = 'SeCrEt';

/**
 * A destination that quotes the request back in its error answer (URL, credentials, body), the
 * worst an upstream or a proxy in front of it can do.
 */
let echo: HttpStandIn;
beforeAll(async () => {
  echo = await startHttpStandIn((request) => {
    const routingKey = /"routing_key":"([^"]+)"/.exec(request.body)?.[1] ?? '';
    const quoted = `${request.url} ${request.headers.authorization ?? ''} ${request.headers['x-api-key'] ?? ''} ${routingKey}`;
    return {
      status: request.url.startsWith('/apis/') ? 403 : 400,
      body: { kind: 'Status', status: 'Failure', message: quoted, error: quoted, errors: [quoted] },
    };
  });
});
afterAll(() => echo.close());

/** One config per action type, every secret field set to a marked value and aimed at the echo. */
const EXAMPLES: Record<string, (url: string) => Record<string, unknown>> = {
  log: () => ({ type: 'log' }),
  slack: (url) => ({ type: 'slack', webhook_url: `${url}/services/T0123ABCD/B0123ABCD/${MARK}slackslackslack1` }),
  teams: (url) => ({
    type: 'teams',
    webhook_url: `${url}/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${MARK}teamsteamsteams1`,
  }),
  discord: (url) => ({ type: 'discord', webhook_url: `${url}/api/webhooks/1181818181818181818/${MARK}discorddiscord01` }),
  google_chat: (url) => ({
    type: 'google_chat',
    webhook_url: `${url}/v1/spaces/AAAA/messages?key=${MARK}googlekey000001&token=${MARK}googletoken0001`,
  }),
  pagerduty: (url) => ({ type: 'pagerduty', routing_key: `${MARK}pagerdutyroutingkey0000000000`, url: `${url}/v2/enqueue` }),
  webhook: (url) => ({
    type: 'webhook',
    url: `${url}/hook/${MARK}webhookpath00001`,
    headers: { 'X-Api-Key': `${MARK}webhookheader01` },
    auth: { bearer_token: `${MARK}webhookbearer01` },
  }),
  exec: () => ({
    type: 'exec',
    cmd: process.execPath,
    args: ['-e', 'console.log("token is", process.env.API_TOKEN); process.exit(3)'],
    env: { API_TOKEN: `${MARK}execenv00000001` },
    notify_on_failure: false,
  }),
  scale: (url) => ({
    type: 'scale',
    api_url: url,
    token: `${MARK}scaletoken00001`,
    namespace: 'shop',
    name: 'cart',
    replicas: '+1',
    max: 5,
  }),
};

/** Second modes of an action type, with secrets of their own. */
const MORE_MODES: Record<string, (url: string) => Record<string, unknown>> = {
  'slack app': (url) => ({
    type: 'slack',
    bot_token: `xoxb-${MARK}slackbottoken01`,
    channel: 'C0ALERTS1',
    signing_secret: `${MARK}signingsecret01`,
    api_url: `${url}/api/`,
  }),
};

describe('secret fields', () => {
  it('has an example for every action type in the registry', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...actionTypeNames].sort());
  });

  for (const type of [...actionTypeNames, ...Object.keys(MORE_MODES)]) {
    it(`${type}: its secret fields appear in no log line, no history answer and no error message`, async () => {
      const example = EXAMPLES[type] ?? MORE_MODES[type];
      if (!example) throw new Error(`no example for action type ${type}`);
      const yaml = `actions:\n  under-test: ${JSON.stringify(example(echo.url))}\nroutes:\n  - actions: [under-test]\n`;
      const secrets = collectSecrets(parseConfigText(yaml, 'test', {}));
      // The schema declares the secrets: every marked value is found, whatever its field is called.
      const marked = JSON.stringify(example(echo.url)).match(new RegExp(`${MARK}[A-Za-z0-9]+`, 'g')) ?? [];
      for (const value of marked)
        expect(
          secrets.some((s) => s.includes(value)),
          value,
        ).toBe(true);

      const app = await startTestService(yaml, {}, { secrets: [] });
      try {
        const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
        const record = await app.untilDone(String(body.id));
        if (type !== 'log') expect(record.jobs.map((j) => j.state)).toEqual(['failed']);
        const errors = record.jobs.flatMap((j) => j.attempts.map((a) => a.error ?? ''));
        const history = await (await fetch(`${app.url}/api/notifications`)).text();
        const one = await (await fetch(`${app.url}/api/notifications/${String(body.id)}`)).text();
        expect(JSON.stringify(errors)).not.toContain(MARK);
        expect(history).not.toContain(MARK);
        expect(one).not.toContain(MARK);
        expect(JSON.stringify(app.logs)).not.toContain(MARK);
      } finally {
        await app.stop();
      }
    });
  }
});
