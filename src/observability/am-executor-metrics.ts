import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * prometheus-am-executor's own metrics, with its names, types, labels, buckets and meaning, so
 * dashboards and alerts built on them keep working: the commands alertpipe runs (`exec` actions)
 * are what they count.
 */
export interface AmExecutorMetrics {
  /** How long each command ran, whatever its end (exit, failure, signal). */
  readonly processDuration: Histogram<string>;
  /** Commands running now. */
  readonly processesCurrent: Gauge<string>;
  /**
   * `read`: a request body that could not be read; `unmarshal`: a body that is not a notification;
   * `start`: a command that failed where its failure is reported to the sender (`notify_on_failure`).
   */
  readonly errors: Counter<'stage'>;
  /** Running commands signalled because their alert resolved: `ok` or `fail`. */
  readonly signalled: Counter<'result'>;
  /** Commands not run: `nomatch` (match_labels), `fingerover` (max instances running). */
  readonly skipped: Counter<'reason'>;
}

export function createAmExecutorMetrics(registry: Registry): AmExecutorMetrics {
  const registers = [registry];
  const metrics: AmExecutorMetrics = {
    processDuration: new Histogram({
      name: 'am_executor_process_duration_seconds',
      help: 'Time the commands run for notifications took (prometheus-am-executor compatible).',
      buckets: [1, 10, 60, 600, 900, 1800],
      registers,
    }),
    processesCurrent: new Gauge({
      name: 'am_executor_processes_current',
      help: 'Commands running now (prometheus-am-executor compatible).',
      registers,
    }),
    errors: new Counter({
      name: 'am_executor_errors_total',
      help: 'Errors while taking notifications or running commands, by stage: read, unmarshal, start (prometheus-am-executor compatible).',
      labelNames: ['stage'],
      registers,
    }),
    signalled: new Counter({
      name: 'am_executor_signalled_total',
      help: 'Running commands signalled because their alert resolved, by result (prometheus-am-executor compatible).',
      labelNames: ['result'],
      registers,
    }),
    skipped: new Counter({
      name: 'am_executor_skipped_total',
      help: 'Commands not run for a notification, by reason: nomatch, fingerover (prometheus-am-executor compatible).',
      labelNames: ['reason'],
      registers,
    }),
  };
  // Present at 0 from the start, as there, so rate() and absent() work before the first event.
  for (const stage of ['read', 'unmarshal', 'start']) metrics.errors.inc({ stage }, 0);
  for (const result of ['ok', 'fail']) metrics.signalled.inc({ result }, 0);
  for (const reason of ['nomatch', 'fingerover']) metrics.skipped.inc({ reason }, 0);
  return metrics;
}
