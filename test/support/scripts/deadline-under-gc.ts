// Test program, run with --expose-gc: starts one 1 s deadline (the helper's, or a whole runJob
// attempt whose action never settles), collects garbage every 20 ms, and prints one JSON line:
// whether and when the deadline fired. It gives up after the seconds in its second argument.
import { runJob } from '../../../src/pipeline/run-job.js';
import { startDeadline } from '../../../src/lib/deadline.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { alertWith, enriched, notificationOf } from '../alerts.js';

const [subject = 'deadline', giveUpSeconds = '15'] = process.argv.slice(2);
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run me with --expose-gc');

const started = performance.now();
const report = (fired: boolean, extra: Record<string, unknown> = {}): never => {
  process.stdout.write(`${JSON.stringify({ subject, fired, afterMs: Math.round(performance.now() - started), ...extra })}\n`);
  process.exit(0);
};
setInterval(() => {
  for (let i = 0; i < 1000; i++) void new Array(64).fill(i);
  collect();
}, 20);
setTimeout(() => report(false), Number(giveUpSeconds) * 1000);

const shutdown = new AbortController();
if (subject === 'deadline') {
  const deadline = startDeadline(1000, { parents: [shutdown.signal] });
  deadline.signal.addEventListener('abort', () => report(true, { expired: deadline.expired }));
} else {
  const notification = enriched(notificationOf([alertWith({ alertname: 'Hung' })], 'n-gc'));
  const now = Date.now();
  const update = await runJob(
    {
      job: {
        id: 'n-gc:hung',
        notificationId: 'n-gc',
        action: 'hung',
        fingerprints: [notification.alerts[0]!.fingerprint],
        state: 'running',
        createdAt: now,
        nextAttemptAt: now,
        attempts: [],
      },
      notification,
    },
    {
      // An action that ignores its signal and never settles: only the deadline can end the attempt.
      actions: new Map([
        ['hung', { name: 'hung', type: 'test', sendResolved: false, timeoutMs: 1000, handle: () => new Promise<never>(() => {}) }],
      ]),
      logger: createSilentLogger(),
      metrics: createMetrics({ defaultMetrics: false }),
      retryPolicy: 'never',
      shutdownSignal: shutdown.signal,
    },
  );
  report(true, { state: update.state, error: update.attempt.error });
}
