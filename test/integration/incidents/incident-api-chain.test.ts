import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentJson } from '../../../src/http/incidents/incident-json.js';
import { groupBody, groupKeyOf, sleep, stepsRun } from '../../support/escalation-scene.js';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { until } from '../../support/until.js';

const CHANGE = { 'content-type': 'application/json', 'x-alertpipe-console': '1' };

describe('the incidents API on a walking chain, with 1-second steps', () => {
  let slack: FakeSlack;
  let app: TestService;
  beforeAll(async () => {
    slack = await startFakeSlack();
    app = await startTestService(
      [
        'actions:',
        `  chat: { type: slack, webhook_url: "${slack.url}" }`,
        'escalations:',
        '  page:',
        '    steps:',
        '      - actions: [chat]',
        '      - { after: 1s, actions: [chat] }',
        '      - { after: 1s, actions: [chat] }',
        'routes:',
        '  - { matchers: [\'severity="critical"\'], escalation: page }',
        'delivery: { queue: memory }',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  async function episodeOf(alertname: string): Promise<IncidentJson | undefined> {
    const answer = await fetch(`${app.url}/api/incidents?state=all&groupKey=${encodeURIComponent(groupKeyOf(alertname))}`);
    return ((await answer.json()) as { incidents: IncidentJson[] }).incidents[0];
  }

  async function command(id: string, name: string): Promise<{ status: number; incident: IncidentJson }> {
    const answer = await fetch(`${app.url}/api/incidents/${id}/${name}`, { method: 'POST', headers: CHANGE, body: '{"by": "carol"}' });
    return { status: answer.status, incident: ((await answer.json()) as { incident: IncidentJson }).incident };
  }

  it('an acknowledgement stops the chain before its next step, an unacknowledgement walks it on, a resolve ends it', async () => {
    expect((await app.post('/alert', groupBody('ApiWalk', 'firing'))).status).toBe(200);
    await until(async () => (await episodeOf('ApiWalk'))?.step === 1, 3_000, 'step 1 run');
    const first = (await episodeOf('ApiWalk')) as IncidentJson;
    expect(first).toMatchObject({ state: 'triggered', policy: 'page', nextStep: 2 });
    expect(Date.parse(first.nextStepAt ?? '')).toBeGreaterThan(Date.now() - 100);

    const ack = await command(first.id, 'acknowledge');
    expect(ack.status).toBe(200);
    expect(ack.incident).toMatchObject({ state: 'acknowledged', nextStepAt: null, acknowledgedBy: { name: 'carol', via: 'api' } });
    // Past the second step's time: it did not run.
    await sleep(1_800);
    expect(stepsRun(app, first.id).map((s) => s.step)).toEqual([1]);

    const unack = await command(first.id, 'unacknowledge');
    expect(unack.incident).toMatchObject({ state: 'triggered', nextStep: 2 });
    // Its delay counted from the unacknowledgement.
    expect(Date.parse(unack.incident.nextStepAt ?? '')).toBeGreaterThan(Date.now() + 500);
    await until(() => stepsRun(app, first.id).length === 2, 3_000, 'step 2 run after the unacknowledgement');

    const resolved = await command(first.id, 'resolve');
    expect(resolved.incident).toMatchObject({ state: 'resolved', nextStepAt: null, resolvedBy: { name: 'carol', via: 'api' } });
    await sleep(1_500);
    expect(stepsRun(app, first.id).map((s) => s.step)).toEqual([1, 2]);
    expect((await episodeOf('ApiWalk'))?.runs.map((r) => r.step)).toEqual([1, 2]);
  });
});
