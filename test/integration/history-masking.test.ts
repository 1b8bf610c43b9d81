import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { startTestService, type TestService } from '../support/test-service.js';

const AWS_KEY_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const SLACK_TOKEN = ['xoxb', '123456789012', '1234567890123', 'abcdefghijABCDEFGHIJ1234'].join('-');
const CONTROLLER_TOKEN = 'controller-token-5f2a9c';

let receiver: HttpStandIn;
let app: TestService;
beforeAll(async () => {
  receiver = await startHttpStandIn();
  app = await startTestService(
    ['actions:', `  hook: { type: webhook, url: "${receiver.url}", auth: { bearer_token: "${CONTROLLER_TOKEN}" } }`].join('\n'),
  );
});
afterAll(async () => {
  await app.stop();
  await receiver.close();
});

const alert = {
  labels: {
    alertname: 'CredentialInLabels',
    password: 'hunter2',
    api_key: 'k-9f8e7d',
    access: AWS_KEY_ID,
    secret_name: 'db-creds',
    pod: 'cart-1',
  },
  annotations: { description: `rotated ${SLACK_TOKEN}; controller uses ${CONTROLLER_TOKEN}`, summary: 'Credentials in labels.' },
};

describe('what the history API masks', () => {
  it('masks credential-named labels, credential-shaped values and configured secrets, and nothing else', async () => {
    const { body } = await app.post('/alert', alert);
    await app.untilDone(String(body.id));
    const answer = (await (await fetch(`${app.url}/api/notifications/${String(body.id)}`)).json()) as {
      notification: { alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> };
    };
    const shown = answer.notification.alerts[0]!;
    expect(shown.labels).toEqual({
      alertname: 'CredentialInLabels',
      password: '***',
      api_key: '***',
      access: '***',
      secret_name: 'db-creds',
      pod: 'cart-1',
    });
    expect(shown.annotations).toEqual({ description: 'rotated ***; controller uses ***', summary: 'Credentials in labels.' });
    const list = await (await fetch(`${app.url}/api/notifications?limit=1`)).text();
    for (const secret of ['hunter2', 'k-9f8e7d', AWS_KEY_ID, SLACK_TOKEN, CONTROLLER_TOKEN]) expect(list).not.toContain(secret);
  });

  it('leaves what actions receive as the sender sent it', async () => {
    const before = receiver.requests.length;
    await app.post('/alert', { ...alert, labels: { ...alert.labels, alertname: 'SentAsIs' } });
    const [request] = (await receiver.waitForRequests(before + 1)).slice(before);
    const sent = JSON.parse(request!.body) as { alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> };
    expect(sent.alerts[0]!.labels).toMatchObject({ password: 'hunter2', api_key: 'k-9f8e7d', access: AWS_KEY_ID });
    expect(sent.alerts[0]!.annotations.description).toContain(SLACK_TOKEN);
  });

  it('masks the same in the log', async () => {
    const logged = JSON.stringify(app.logs);
    expect(logged).toContain('CredentialInLabels');
    for (const secret of ['hunter2', 'k-9f8e7d', AWS_KEY_ID, SLACK_TOKEN, CONTROLLER_TOKEN]) expect(logged).not.toContain(secret);
  });
});
