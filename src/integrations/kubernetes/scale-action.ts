import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { durationSchema } from '../../lib/units.js';
import type { ActionContext } from '../action.js';
import { secretsScrubber, withScrubbedErrors } from '../url-scrubber.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { ActionError } from '../action-error.js';
import { KubernetesConfigError, resolveKubernetesConnection } from './kubernetes-connection.js';
import { describeTarget, KubernetesScaleClient, type ScaleTarget } from './kubernetes-scale-client.js';
import { ResolvedAlerts } from '../resolved-alerts.js';
import { scaleTargetOf, targetKey } from './scale-target.js';

/** What happened to one target, as the history shows it. */
interface TargetOutcome {
  readonly target: string;
  readonly outcome: 'scaled' | 'restored' | 'unchanged' | 'cooldown' | 'dry-run' | 'nothing to restore';
  readonly from?: number;
  readonly to?: number;
}

// A read-modify-write loses to a concurrent change (an HPA, a kubectl scale) with a 409; read again.
const CONFLICT_RETRIES = 3;

const replicasSchema = z.union([z.number().int(), z.string().regex(/^[+-]?\d+$/, 'expected a count (5) or a change (+1, -2)')]);

/**
 * Changes the replicas of a Deployment or StatefulSet through its scale subresource when an alert
 * fires (add capacity when the queue backs up), and optionally puts the count back when it
 * resolves. One change per target per notification, whatever the number of its alerts; clamped
 * to [min, max]; then a cooldown per target so that a flapping alert does not walk the count up.
 * The count to restore and the cooldowns are kept in memory: after a restart a resolve finds
 * nothing to restore, and says so.
 */
export const scaleActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('scale'),
      kind: z.enum(['deployment', 'statefulset']).default('deployment'),
      /** A namespace, or a label template such as `{{ namespace }}` (the default). */
      namespace: z.string().min(1).default('{{ namespace }}'),
      /** A name, or a label template; by default the `deployment` (or `statefulset`) label. */
      name: z.string().min(1).optional(),
      /** `5` sets the count; `+1` or `-2` changes it (quote it or not: the sign is kept). */
      replicas: replicasSchema,
      min: z.number().int().min(0).default(1),
      max: z.number().int().min(0),
      cooldown: durationSchema.default(300_000),
      on_resolved: z.enum(['restore', 'none']).default('none'),
      dry_run: z.boolean().default(false),
      /** Refuse targets outside these namespaces (they may come from alert labels). */
      allowed_namespaces: z.array(z.string().min(1)).optional(),
      /** The API server: in-cluster or a kubeconfig unless given. */
      api_url: z.url({ protocol: /^https?$/ }).optional(),
      token: secret(z.string().min(1)).optional(),
      kubeconfig: z.string().min(1).optional(),
      context: z.string().min(1).optional(),
      ...commonActionFields,
    })
    .strict()
    .refine((c) => c.min <= c.max, { message: 'min must not be above max', path: ['min'] }),
  create(name, config) {
    const change = parseReplicas(config.replicas);
    const templates = {
      kind: config.kind,
      namespace: config.namespace,
      name: config.name ?? `{{ ${config.kind} }}`,
      ...(config.allowed_namespaces ? { allowedNamespaces: config.allowed_namespaces } : {}),
    };
    const lastScaledAt = new Map<string, number>();
    const resolvedAlerts = new ResolvedAlerts();
    const restoreTo = new Map<string, number>();
    let client: KubernetesScaleClient | undefined;

    // Found on first use, so that a config can be checked (and the service started) outside a cluster.
    const clientFor = (): KubernetesScaleClient => {
      if (client) return client;
      try {
        const connection = resolveKubernetesConnection({
          ...(config.api_url ? { apiUrl: config.api_url } : {}),
          ...(config.token ? { token: config.token } : {}),
          ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
          ...(config.context ? { context: config.context } : {}),
        });
        client = new KubernetesScaleClient(connection, config.timeout);
        return client;
      } catch (error) {
        if (error instanceof KubernetesConfigError) throw new ActionError(error.message, { retryable: false });
        throw error;
      }
    };

    const clamp = (count: number): number => Math.min(config.max, Math.max(config.min, count));

    async function scale(target: ScaleTarget, ctx: ActionContext): Promise<TargetOutcome> {
      const key = targetKey(target);
      const label = describeTarget(target);
      const last = lastScaledAt.get(key);
      if (last !== undefined && Date.now() - last < config.cooldown) return { target: label, outcome: 'cooldown' };
      return withFreshRead(target, ctx, async (current) => {
        const desired = clamp(change.relative ? current.replicas + change.amount : change.amount);
        if (desired === current.replicas) return { target: label, outcome: 'unchanged', from: current.replicas, to: desired };
        if (config.dry_run) return { target: label, outcome: 'dry-run', from: current.replicas, to: desired };
        await clientFor().patchScale(target, desired, current.resourceVersion, ctx.signal);
        // The count before the first change is the one to restore, however many changes follow.
        if (!restoreTo.has(key)) restoreTo.set(key, current.replicas);
        lastScaledAt.set(key, Date.now());
        return { target: label, outcome: 'scaled', from: current.replicas, to: desired };
      });
    }

    async function restore(target: ScaleTarget, ctx: ActionContext): Promise<TargetOutcome> {
      const key = targetKey(target);
      const label = describeTarget(target);
      const original = restoreTo.get(key);
      if (original === undefined) return { target: label, outcome: 'nothing to restore' };
      return withFreshRead(target, ctx, async (current) => {
        if (config.dry_run) return { target: label, outcome: 'dry-run', from: current.replicas, to: original };
        if (current.replicas !== original) await clientFor().patchScale(target, original, current.resourceVersion, ctx.signal);
        restoreTo.delete(key);
        return { target: label, outcome: current.replicas === original ? 'unchanged' : 'restored', from: current.replicas, to: original };
      });
    }

    async function withFreshRead(
      target: ScaleTarget,
      ctx: ActionContext,
      apply: (current: { replicas: number; resourceVersion: string }) => Promise<TargetOutcome>,
    ): Promise<TargetOutcome> {
      for (let attempt = 1; ; attempt++) {
        const current = await clientFor().getScale(target, ctx.signal);
        try {
          return await apply(current);
        } catch (error) {
          if (!(error instanceof ActionError) || error.status !== 409 || attempt >= CONFLICT_RETRIES) throw error;
          ctx.logger.debug('scale changed since read; reading again', { target: describeTarget(target), attempt });
        }
      }
    }

    // A token quoted back by a proxy in front of the API server must not reach the history.
    return withScrubbedErrors(secretsScrubber([config.token]), {
      name,
      type: 'scale',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      async handle(notification, ctx) {
        const firing = new Map<string, ScaleTarget>();
        const resolved = new Map<string, ScaleTarget>();
        const problems: string[] = [];
        let stale = 0;
        for (const alert of notification.alerts) {
          if (alert.status === 'firing' && resolvedAlerts.endedSince(alert.fingerprint, alert.startsAt)) {
            stale += 1; // resolved (and perhaps restored) since this notification was sent
            continue;
          }
          if (alert.status === 'resolved') resolvedAlerts.remember(alert.fingerprint, alert.endsAt ?? new Date());
          const found = scaleTargetOf(alert, templates);
          if ('problem' in found) problems.push(found.problem);
          else (alert.status === 'firing' ? firing : resolved).set(targetKey(found.target), found.target);
        }
        // A target that another alert of the group still fires for is not put back yet.
        for (const key of firing.keys()) resolved.delete(key);

        const outcomes: TargetOutcome[] = [];
        for (const target of firing.values()) outcomes.push(await scale(target, ctx));
        if (config.on_resolved === 'restore') for (const target of resolved.values()) outcomes.push(await restore(target, ctx));
        for (const outcome of outcomes) ctx.logger.info(`scale: ${outcome.outcome}`, { ...outcome, dryRun: config.dry_run });
        if (outcomes.length === 0 && problems.length > 0) {
          // Retrying cannot make a missing label appear.
          throw new ActionError(`nothing to scale: ${problems.join('; ')}`, { retryable: false });
        }
        const detail = outcomes.map((o) => `${o.target}: ${o.outcome}${o.from !== undefined ? ` ${o.from}→${o.to}` : ''}`);
        if (stale > 0) detail.push(`skipped ${stale} alert${stale === 1 ? '' : 's'} resolved since`);
        return {
          detail: [...detail, ...problems].join('; ') || 'nothing to do',
          data: { targets: outcomes, problems, skippedResolved: stale, dryRun: config.dry_run },
        };
      },
    });
  },
});

function parseReplicas(value: number | string): { relative: boolean; amount: number } {
  if (typeof value === 'number') return value < 0 ? { relative: true, amount: value } : { relative: false, amount: value };
  const relative = value.startsWith('+') || value.startsWith('-');
  return { relative, amount: Number(value) };
}
