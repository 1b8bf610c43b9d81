import { spawn } from 'node:child_process';
import { constants as os } from 'node:os';
import { z } from 'zod';
import { secret } from '../config/secret.js';
import { durationSchema } from '../config/units.js';
import type { EnrichedAlert, EnrichedNotification } from '../pipeline/model.js';
import type { ActionContext, ActionResult } from './action.js';
import { commonActionFields, defineActionType } from './action-config.js';
import { ActionError } from './action-error.js';
import { amxEnvironment } from './exec-environment.js';
import { logOutput } from './exec-output.js';
import { RunningCommands, signalGroup } from './running-commands.js';

const signalSchema = z.union([z.string(), z.number().int().positive()]).transform((value, ctx) => {
  const name = typeof value === 'number' ? value : value.toUpperCase().startsWith('SIG') ? value.toUpperCase() : `SIG${value.toUpperCase()}`;
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
      cmd: z.string().min(1),
      args: z.array(z.string()).default([]),
      /** Every one must equal the group's common label of the same name. */
      match_labels: z.record(z.string(), z.string()).default({}),
      notify_on_failure: z.boolean().default(true),
      /** Instances of this command running at once for the same alert; 0 or less is no limit. */
      max: z.number().int().default(0),
      ignore_resolved: z.boolean().default(false),
      /** Sent to still-running instances when their alert resolves. */
      resolved_signal: signalSchema.default('SIGKILL'),
      /** Extra environment, on top of alertpipe's own and the AMX_ variables. */
      env: z.record(z.string(), secret(z.string())).default({}),
      ...commonActionFields,
      // am-executor had no limit; a remediation may take minutes, but not forever.
      timeout: durationSchema.default(600_000),
    })
    .strict(),
  create(name, config) {
    const running = new RunningCommands();
    const commandLine = [config.cmd, ...config.args].join(' ');
    const matches = (notification: EnrichedNotification): boolean =>
      Object.entries(config.match_labels).every(([label, value]) => notification.commonLabels[label] === value);

    return {
      name,
      type: 'exec',
      // Resolutions are how running commands learn to stop.
      sendResolved: true,
      timing: config.notify_on_failure ? 'before-ack' : 'after-ack',
      timeoutMs: config.timeout,
      async handle(notification, ctx): Promise<ActionResult> {
        if (!matches(notification)) return { detail: 'skipped: match_labels differ from the group’s common labels' };
        const resolved = notification.alerts.filter((a) => a.status === 'resolved');
        let signalled = 0;
        if (!config.ignore_resolved) {
          for (const alert of resolved) signalled += running.signal(alert.fingerprint, config.resolved_signal);
        }
        if (notification.status !== 'firing') {
          return { detail: signalled > 0 ? `signalled ${signalled} running instance(s) with ${config.resolved_signal}` : 'resolved: nothing running', data: { signalled } };
        }
        const fingerprint = firstMatching(notification.alerts, config.match_labels)?.fingerprint ?? '';
        if (config.max > 0 && running.count(fingerprint) >= config.max) {
          return { detail: `skipped: ${config.max} instance(s) already running for ${fingerprint}`, data: { skipped: 'max' } };
        }
        return run(notification, fingerprint, ctx);
      },
    };

    function run(notification: EnrichedNotification, fingerprint: string, ctx: ActionContext): Promise<ActionResult> {
      const started = Date.now();
      const child = spawn(config.cmd, config.args, {
        shell: false,
        // A group of its own, so that a signal reaches the script's children too.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...config.env, ...amxEnvironment(notification) },
      });
      running.add(fingerprint, child);
      const logger = ctx.logger.child({ command: commandLine, pid: child.pid });
      logOutput(child, logger);
      const stop = (): void => void signalGroup(child, 'SIGKILL');
      ctx.signal.addEventListener('abort', stop, { once: true });

      return new Promise<ActionResult>((resolve, reject) => {
        child.once('error', (error: NodeJS.ErrnoException) => {
          running.remove(fingerprint, child);
          reject(new ActionError(`cannot run ${config.cmd}: ${error.code ?? error.message}`, { retryable: false }));
        });
        child.once('close', (code, signal) => {
          running.remove(fingerprint, child);
          ctx.signal.removeEventListener('abort', stop);
          const durationMs = Date.now() - started;
          const data = { exitCode: code, signal, durationMs, fingerprint };
          logger.info('command finished', data);
          if (code === 0) return resolve({ detail: `${commandLine}: exit 0 in ${durationMs} ms`, data });
          if (ctx.signal.aborted) return reject(new ActionError(`${commandLine}: stopped after ${durationMs} ms (timeout or shutdown)`, { retryable: false }));
          // Told to stop when its alert resolved: what was asked for, however it ended (as in am-executor).
          if (running.wasSignalled(child)) {
            return resolve({ detail: `${commandLine}: stopped by ${String(config.resolved_signal)} when its alert resolved`, data });
          }
          reject(new ActionError(`${commandLine}: ${code === null ? `killed by ${signal}` : `exit code ${code}`}`, { retryable: false }));
        });
      });
    }
  },
});

/** am-executor's fingerprint for a command: the first alert carrying every match label. */
function firstMatching(alerts: readonly EnrichedAlert[], matchLabels: Readonly<Record<string, string>>): EnrichedAlert | undefined {
  return alerts.find((alert) => Object.entries(matchLabels).every(([k, v]) => alert.labels[k] === v));
}
