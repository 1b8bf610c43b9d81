import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

// prometheus-am-executor's server tests (server_test.go), ported to HTTP against alertpipe run
// with an executor.yml: each case sends what its test sent and checks its answers and metrics.

/** Any method, with a body if given: fetch() refuses a body on GET, which am-executor's README sends. */
function send(
  url: string,
  method: string,
  path: string,
  body = '',
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const trigger = fixtureText('amExecutorTrigger');
const resolve = trigger
  .replaceAll('"status": "firing"', '"status": "resolved"')
  .replace('"endsAt": "0001-01-01T00:00:00Z"', '"endsAt": "2016-04-07T16:18:52Z"');

async function metric(app: TestService, series: string): Promise<number> {
  const text = (await send(app.url, 'GET', '/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

async function withExecutor(commands: string, run: (app: TestService) => Promise<void>): Promise<void> {
  const app = await startTestService(`commands:\n${commands}`);
  try {
    await run(app);
  } finally {
    await app.stop();
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("prometheus-am-executor's server tests, over HTTP", () => {
  it('answers a GET / carrying the payload, as its README replays one (Test_handleWebhook: good)', async () => {
    await withExecutor('  - cmd: echo\n', async (app) => {
      expect((await send(app.url, 'GET', '/', trigger)).status).toBe(200);
      expect(await metric(app, 'am_executor_process_duration_seconds_count')).toBe(1);
      expect(await metric(app, 'am_executor_processes_current')).toBe(0);
    });
  });

  it('answers 500 and counts two start errors when both commands fail (cmd_errors)', async () => {
    await withExecutor('  - cmd: "false"\n  - cmd: "false"\n    args: [banana]\n', async (app) => {
      expect((await send(app.url, 'GET', '/', trigger)).status).toBe(500);
      expect(await metric(app, 'am_executor_errors_total{stage="start"}')).toBe(2);
    });
  });

  it('answers 200 and counts no error when the failing commands do not notify (no_error_notify)', async () => {
    await withExecutor(
      '  - cmd: "false"\n    notify_on_failure: false\n  - cmd: "false"\n    args: [banana]\n    notify_on_failure: false\n',
      async (app) => {
        expect((await send(app.url, 'GET', '/', trigger)).status).toBe(200);
        await eventually(async () => (await metric(app, 'am_executor_process_duration_seconds_count')) === 2);
        expect(await metric(app, 'am_executor_errors_total{stage="start"}')).toBe(0);
      },
    );
  });

  it('signals the running command when its alert resolves, and counts it (resolved)', async () => {
    await withExecutor('  - cmd: sleep\n    args: ["30"]\n', async (app) => {
      const firing = send(app.url, 'GET', '/', trigger);
      await eventually(async () => (await metric(app, 'am_executor_processes_current')) === 1);
      expect((await send(app.url, 'GET', '/', resolve)).status).toBe(200);
      expect((await firing).status).toBe(200);
      expect(await metric(app, 'am_executor_signalled_total{result="ok"}')).toBe(1);
      expect(await metric(app, 'am_executor_errors_total{stage="start"}')).toBe(0);
    });
  });

  it('leaves it running with ignore_resolved, signalling nothing (ignore_resolved)', async () => {
    await withExecutor('  - cmd: sleep\n    args: ["1"]\n    ignore_resolved: true\n', async (app) => {
      const firing = send(app.url, 'GET', '/', trigger);
      await eventually(async () => (await metric(app, 'am_executor_processes_current')) === 1);
      expect((await send(app.url, 'GET', '/', resolve)).status).toBe(200);
      expect(await metric(app, 'am_executor_processes_current')).toBe(1);
      expect((await firing).status).toBe(200);
      expect(await metric(app, 'am_executor_signalled_total{result="ok"}')).toBe(0);
    });
  });

  it('runs every copy without max, and skips past max (no_max, max)', async () => {
    await withExecutor('  - cmd: sleep\n    args: ["30"]\n  - cmd: sleep\n    args: ["31"]\n    max: 1\n', async (app) => {
      const first = [send(app.url, 'GET', '/', trigger), send(app.url, 'GET', '/', trigger), send(app.url, 'GET', '/', trigger)];
      // Three of the unlimited command, one of the limited one; the other two copies skip it.
      await eventually(async () => (await metric(app, 'am_executor_processes_current')) === 4);
      expect(await metric(app, 'am_executor_skipped_total{reason="fingerover"}')).toBe(2);
      expect((await send(app.url, 'GET', '/', resolve)).status).toBe(200);
      expect((await Promise.all(first)).map((a) => a.status)).toEqual([200, 200, 200]);
      expect(await metric(app, 'am_executor_signalled_total{result="ok"}')).toBe(4);
    });
  });

  it('counts a command whose match_labels differ as skipped for nomatch', async () => {
    await withExecutor('  - cmd: echo\n    match_labels: {job: banana}\n', async (app) => {
      expect((await send(app.url, 'GET', '/', trigger)).status).toBe(200);
      expect(await metric(app, 'am_executor_skipped_total{reason="nomatch"}')).toBe(1);
    });
  });

  it('answers /_health on any method (Test_handleHealth)', async () => {
    await withExecutor('  - cmd: echo\n', async (app) => {
      for (const method of ['GET', 'POST', 'HEAD']) expect((await send(app.url, method, '/_health')).status).toBe(200);
    });
  });

  it('exports its five am_executor_* metrics, present before the first alert (Test_handleMetrics)', async () => {
    await withExecutor('  - cmd: echo\n', async (app) => {
      const text = (await send(app.url, 'GET', '/metrics')).text;
      expect(text).toContain('# TYPE am_executor_process_duration_seconds histogram');
      expect(text).toContain('am_executor_process_duration_seconds_bucket{le="1800"} 0');
      expect(text).toContain('# TYPE am_executor_processes_current gauge');
      for (const series of [
        'am_executor_errors_total{stage="read"} 0',
        'am_executor_errors_total{stage="unmarshal"} 0',
        'am_executor_errors_total{stage="start"} 0',
      ])
        expect(text).toContain(series);
      for (const series of ['am_executor_signalled_total{result="ok"} 0', 'am_executor_signalled_total{result="fail"} 0'])
        expect(text).toContain(series);
      for (const series of ['am_executor_skipped_total{reason="nomatch"} 0', 'am_executor_skipped_total{reason="fingerover"} 0'])
        expect(text).toContain(series);
    });
  });

  it('takes a notification on any other path and method, and counts a body that is not one as unmarshal', async () => {
    await withExecutor('  - cmd: echo\n', async (app) => {
      expect((await send(app.url, 'POST', '/webhook', trigger)).status).toBe(200);
      expect((await send(app.url, 'PUT', '/some/where', trigger)).status).toBe(200);
      expect((await send(app.url, 'POST', '/webhook', '{"nope": 1}')).status).toBe(400);
      expect(await metric(app, 'am_executor_errors_total{stage="unmarshal"}')).toBe(1);
      // alertpipe's own endpoints keep their methods.
      expect((await send(app.url, 'POST', '/healthz', trigger)).status).toBe(404);
      expect((await send(app.url, 'POST', '/api/notifications', trigger)).status).toBe(404);
      // The console's API, its page, the graphs and Slack's clicks are alertpipe's too.
      for (const path of ['/api/jobs/x/retry', '/api/notifications/x/graphs/y.png', '/ui/', '/slack/interactions']) {
        expect((await send(app.url, 'PUT', path, trigger)).status, path).toBe(404);
      }
      expect(await metric(app, 'am_executor_errors_total{stage="unmarshal"}')).toBe(1);
    });
  });

  it("takes the integration script's curl -d body, JSON sent as a form, and still refuses a real form", async () => {
    await withExecutor('  - cmd: echo\n', async (app) => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      expect((await send(app.url, 'POST', '/', fixtureText('amExecutorIntegration'), form)).status).toBe(200);
      expect((await send(app.url, 'POST', '/', 'alertname=Down', form)).status).toBe(415);
    });
  });
});

describe("alertpipe's own config", () => {
  it('keeps answering 404 on paths it does not have, unless server.any_path is set', async () => {
    const app = await startTestService('actions: {}\n');
    try {
      expect((await send(app.url, 'POST', '/webhook', trigger)).status).toBe(404);
      expect((await send(app.url, 'GET', '/', trigger)).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
