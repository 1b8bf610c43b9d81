import { describe, expect, it } from 'vitest';
import { amxEnvironment } from '../../../../src/integrations/exec/exec-environment.js';
import { fingerprintOf } from '../../../../src/http/ingest/fingerprint.js';
import { normalize } from '../../../../src/http/ingest/normalize.js';
import { parseJsonBody } from '../../../../src/http/parse-json.js';
import { enriched } from '../../../support/alerts.js';
import { fixtureText } from '../../../support/fixtures.js';

describe('amxEnvironment', () => {
  it("gives prometheus-am-executor's example payload the variables am-executor gave it", () => {
    const notification = enriched(normalize(parseJsonBody(fixtureText('amExecutorPayload'))));
    const env = amxEnvironment(notification);
    const fingerprints = notification.alerts.map((a) => fingerprintOf(a.labels));
    expect(env).toEqual({
      AMX_RECEIVER: 'default',
      AMX_STATUS: 'firing',
      AMX_EXTERNAL_URL: 'http://oldpad:9093',
      AMX_ALERT_LEN: '2',
      AMX_LABEL_alertname: 'InstanceDown',
      AMX_LABEL_instance: 'localhost:1234',
      AMX_LABEL_job: 'broken',
      AMX_LABEL_monitor: 'codelab-monitor',
      AMX_GLABEL_alertname: 'InstanceDown',
      AMX_ALERT_1_STATUS: 'firing',
      AMX_ALERT_1_START: '1460045332',
      AMX_ALERT_1_END: '0',
      AMX_ALERT_1_URL: 'http://oldpad:9090/graph#%5B%7B%22expr%22%3A%22up%20%3D%3D%200%22%2C%22tab%22%3A0%7D%5D',
      AMX_ALERT_1_FINGERPRINT: fingerprints[0],
      AMX_ALERT_1_LABEL_alertname: 'InstanceDown',
      AMX_ALERT_1_LABEL_instance: 'localhost:1234',
      AMX_ALERT_1_LABEL_job: 'broken',
      AMX_ALERT_1_LABEL_monitor: 'codelab-monitor',
      AMX_ALERT_2_STATUS: 'firing',
      AMX_ALERT_2_START: '1460045332',
      AMX_ALERT_2_END: '0',
      AMX_ALERT_2_URL: 'http://oldpad:9090/graph#%5B%7B%22expr%22%3A%22up%20%3D%3D%200%22%2C%22tab%22%3A0%7D%5D',
      AMX_ALERT_2_FINGERPRINT: fingerprints[1],
      AMX_ALERT_2_LABEL_alertname: 'InstanceDown',
      AMX_ALERT_2_LABEL_instance: 'localhost:5678',
      AMX_ALERT_2_LABEL_job: 'broken',
      AMX_ALERT_2_LABEL_monitor: 'codelab-monitor',
    });
  });

  it('writes an ended alert as epoch seconds and keeps label names as they are', () => {
    const notification = enriched(
      normalize({
        alerts: [
          {
            status: 'resolved',
            labels: { alertname: 'A', 'odd-name': 'x' },
            annotations: { summary: 's' },
            startsAt: '2026-11-22T12:00:00Z',
            endsAt: '2026-11-22T12:30:00.900Z',
          },
        ],
      }),
    );
    const env = amxEnvironment(notification);
    expect(env.AMX_ALERT_1_END).toBe('1795350600'); // 2026-11-22T12:30:00Z, fraction dropped
    expect(env['AMX_ALERT_1_LABEL_odd-name']).toBe('x');
    expect(env.AMX_ALERT_1_ANNOTATION_summary).toBe('s');
    expect(env.AMX_ANNOTATION_summary).toBe('s');
  });
});
