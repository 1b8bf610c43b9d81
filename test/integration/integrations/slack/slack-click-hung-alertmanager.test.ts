import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsPayload, signedInteraction, startFakeSlackApi, type FakeSlackApi } from '../../../support/fake-slack-api.js';
import { startHttpStandIn, type HttpStandIn } from '../../../support/http-stand-in.js';
import { startTestService, type TestService } from '../../../support/test-service.js';
import { until } from '../../../support/until.js';
import { firingGroup } from '../../../support/webhook-group.js';

const SECRET = 'hung-alertmanager-signing-secret';

const group = (instances: readonly string[]) =>
  firingGroup(
    'DiskFilling',
    instances.map((instance) => ({ instance })),
  );

describe('a Silence click while Alertmanager hangs', () => {
  let slack: FakeSlackApi;
  let alertmanager: HttpStandIn;
  let app: TestService;
  let release: () => void = () => {};

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    // Holds every silence until the test releases it, as an overloaded Alertmanager would.
    const held = new Promise<void>((resolve) => (release = resolve));
    alertmanager = await startHttpStandIn(async () => {
      await held;
      return { status: 200, body: { silenceID: '7d3b1f52-0c3f-4b9e-9a0e-1c2d3e4f5a6b' } };
    });
    app = await startTestService(
      [
        'actions:',
        `  oncall: { type: slack, bot_token: ${slack.token}, channel: C0ALERTS1, api_url: "${slack.url}", signing_secret: ${SECRET}, alertmanager_url: "${alertmanager.url}" }`,
        'delivery: { queue: memory }',
      ].join('\n'),
    );
    await app.untilDone((await app.post('/alert', group(['db-1:9100']))).body.id as string);
  });
  afterAll(async () => {
    release();
    await app?.stop();
    await alertmanager?.close();
    await slack?.close();
  });

  it("does not hold the group's next notification, and applies the silence once Alertmanager answers", async () => {
    const message = slack.topLevel()[0]!;
    const signed = signedInteraction(SECRET, blockActionsPayload(message, 'silence_1h'));
    expect((await fetch(`${app.url}/slack/interactions`, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
    await alertmanager.waitForRequests(1);

    // The group grows while the silence is still being created: its message is edited all the same.
    const grown = await app.post('/alert', group(['db-1:9100', 'db-2:9100']));
    await app.untilDone(grown.body.id as string, 15_000);
    const clicked = await (await fetch(`${app.url}/metrics`)).text();
    // The click has not ended (it waits for Alertmanager), yet the notification went out.
    expect(clicked).not.toMatch(/alertpipe_slack_clicks_total\{button="silence_1h"/);
    expect(JSON.stringify(slack.calls('chat.update').at(-1))).toContain('db-2:9100');

    release();
    const silencedLine = () => slack.thread(message.ts).find((m) => /silenced alertname="DiskFilling"/.test(m.text ?? ''));
    await until(() => silencedLine() !== undefined, 10_000, 'the silence in the thread');
    expect(JSON.stringify(slack.calls('chat.update').at(-1))).toContain('Silenced by');
  });
});
