import type { ChildProcess } from 'node:child_process';
import { constants as os } from 'node:os';
import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { durationSchema } from '../../lib/units.js';
import type { EnrichedAlert, EnrichedNotification } from '../../model/model.js';
import type { ActionContext, ActionResult } from '../action.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { ActionError } from '../action-error.js';
import { runCommand } from './command-process.js';
import { amxEnvironment } from './exec-environment.js';
import { RunningCommands } from './running-commands.js';

// A command line and an environment are C strings: a NUL byte can never reach the command.
const noNul = z.string().regex(/^[^\0]*$/, 'cannot contain a NUL byte');

// A number may come as text ("10", as am-executor's YAML library gave every value to its string field).
const signalSchema = z.union([z.string(), z.number().int().positive()]).transform((value, ctx) => {
  if (typeof value === 'string' && /^\d+$/.test(value) && Number(value) > 0) value = Number(value);
  const name =
    typeof value === 'number' ? value : value.toUpperCase().startsWith('SIG') ? value.toUpperCase() : `SIG${value.toUpperCase()}`;
  if (typeof name === 'number' || name in os.signals) return name as NodeJS.Signals | number;
  ctx.addIssue({ code: 'custom', message: `unknown signal ${JSON.stringify(value)}; use a name such as SIGTERM or SIGUSR1, or a number` });
  return z.NEVER;
});

/**
 * Runs a command for matching notifications, the way prometheus-am-executor did: once per group
 * (not per alert), only when every `match_labels` entry equals the group's common labels, with the
 * group in `AMX_*` environment variables and never through a shell. With `notify_on_failure` (the
 * default) it runs before the answer and a failure answers 500, so Alertmanager sends the
 * notification again; without it, it runs from the queue and a failure is recorded, not retried:
 * running a remediation script over and over is worse than running it once.
 */
export const execActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('exec'),
      cmd: noNul.min(1),
      args: z.array(noNul).default([]),
      /** Every one must equal the group's common label of the same name. */
      match_labels: z.record(z.string(), z.string()).default({}),
      notify_on_failure: z.boolean().default(true),
      /** Instances of this command running at once for the same alert; 0 or less is no limit. */
      max: z.number().int().default(0),
      ignore_resolved: z.boolean().default(false),
      /** Sent to still-running instances when their alert resolves. */
      resolved_signal: signalSchema.default('SIGKILL'),
      /**
       * A copy of a notification this command already ran for (same group, same alerts in the same
       * states) within this window is not run again: the other Alertmanager of an HA pair, or
       * Prometheus resending. Alertmanager's repeats come later and run it, as in am-executor.
       * 0: every notification runs it. Applies to commands run from the queue (notify_on_failure: false).
       */
      dedup_window: durationSchema.default(60_000),
      /** Extra environment, on top of alertpipe's own and the AMX_ variables. */
      env: z.record(noNul.regex(/^[^=]+$/, 'an environment variable name cannot contain "="'), secret(noNul)).default({}),
      ...commonActionFields,
      // am-executor had no limit; a remediation may take minutes, but not forever.
      timeout: durationSchema.default(600_000),
    })
    .strict(),
  create(name, config, deps) {
    const running = new RunningCommands();
    const amx = deps.metrics?.amExecutor;
    const commandLine = [config.cmd, ...config.args].join(' ');
    const matches = (notification: EnrichedNotification): boolean =>
      Object.entries(config.match_labels).every(([label, value]) => notification.commonLabels[label] === value);

    return {
      name,
      type: 'exec',
      // Resolutions are how running commands learn to stop.
      sendResolved: true,
      timing: config.notify_on_failure ? 'before-ack' : 'after-ack',
      // Once means once: a remediation that timed out is not started again (before-ack, the sender
      // decides; from the queue, nobody does).
      retry: 'never',
      dedup: { scope: 'group', windowMs: config.dedup_window },
      timeoutMs: config.timeout,
      async handle(notification, ctx): Promise<ActionResult> {
        if (!matches(notification)) {
          if (notification.status === 'firing') amx?.skipped.inc({ reason: 'nomatch' });
          return { detail: 'skipped: match_labels differ from the group’s common labels' };
        }
        const resolved = notification.alerts.filter((a) => a.status === 'resolved');
        let signalled = 0;
        if (!config.ignore_resolved) {
          for (const alert of resolved) {
            const { sent, failed } = running.signal(alert.fingerprint, config.resolved_signal);
            signalled += sent;
            if (sent > 0) amx?.signalled.inc({ result: 'ok' }, sent);
            if (failed > 0) amx?.signalled.inc({ result: 'fail' }, failed);
          }
        }
        if (notification.status !== 'firing') {
          return {
            detail:
              signalled > 0 ? `signalled ${signalled} running instance(s) with ${config.resolved_signal}` : 'resolved: nothing running',
            data: { signalled },
          };
        }
        const fingerprint = firstMatching(notification.alerts, config.match_labels)?.fingerprint ?? '';
        if (config.max > 0 && running.count(fingerprint) >= config.max) {
          amx?.skipped.inc({ reason: 'fingerover' });
          return { detail: `skipped: ${config.max} instance(s) already running for ${fingerprint}`, data: { skipped: 'max' } };
        }
        return run(notification, fingerprint, ctx);
      },
    };

    async function run(notification: EnrichedNotification, fingerprint: string, ctx: ActionContext): Promise<ActionResult> {
      let child: ChildProcess | undefined;
      const started = Date.now();
      // am-executor's own metrics, so its dashboards keep working: a failed start or a failing
      // command counts as an error only where am-executor counted it (notify_on_failure).
      const finished = (failed: boolean): void => {
        if (child !== undefined) amx?.processesCurrent.dec();
        amx?.processDuration.observe((Date.now() - started) / 1000);
        if (failed && config.notify_on_failure) amx?.errors.inc({ stage: 'start' });
      };
      let exit;
      try {
        exit = await runCommand({
          cmd: config.cmd,
          args: config.args,
          env: { ...process.env, ...config.env, ...amxEnvironment(notification) },
          signal: ctx.signal,
          logger: ctx.logger.child({ command: commandLine }),
          onStart: (startedChild) => {
            child = startedChild;
            running.add(fingerprint, startedChild);
            amx?.processesCurrent.inc();
          },
        });
      } catch (error) {
        finished(true);
        throw error;
      } finally {
        if (child !== undefined) running.remove(fingerprint, child);
      }
      const { code, signal, durationMs, droppedBytes, replacedVariables } = exit;
      const signalled = child !== undefined && running.wasSignalled(child);
      finished(code !== 0 && !signalled);
      const data = {
        exitCode: code,
        signal,
        durationMs,
        fingerprint,
        ...(droppedBytes > 0 ? { droppedBytes } : {}),
        ...(replacedVariables > 0 ? { replacedVariables } : {}),
      };
      ctx.logger.info('command finished', { command: commandLine, ...data });
      const dropped = droppedBytes > 0 ? `; ${droppedBytes} bytes of output dropped` : '';
      if (code === 0) return { detail: `${commandLine}: exit 0 in ${durationMs} ms${dropped}`, data };
      if (ctx.signal.aborted)
        throw new ActionError(`${commandLine}: stopped after ${durationMs} ms (timeout or shutdown)${dropped}`, { retryable: false });
      // Told to stop when its alert resolved: what was asked for, however it ended (as in am-executor).
      if (signalled)
        return { detail: `${commandLine}: stopped by ${String(config.resolved_signal)} when its alert resolved${dropped}`, data };
      throw new ActionError(`${commandLine}: ${code === null ? `killed by ${signal}` : `exit code ${code}`}${dropped}`, {
        retryable: false,
      });
    }
  },
});

/** am-executor's fingerprint for a command: the first alert carrying every match label. */
function firstMatching(alerts: readonly EnrichedAlert[], matchLabels: Readonly<Record<string, string>>): EnrichedAlert | undefined {
  return alerts.find((alert) => Object.entries(matchLabels).every(([k, v]) => alert.labels[k] === v));
}
