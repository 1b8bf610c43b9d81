import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EscalationPolicy } from '../oncall/escalation-policy.js';
import type { OnCallLookup } from '../oncall/on-call.js';
import { recordIncidentEvent } from '../pipeline/escalation/incident-events.js';
import { prepareStep } from '../pipeline/escalation/prepare-step.js';
import type { DueStep, EscalationTimerStore } from '../store/ports/escalation-timers.js';
import type { HistoryStore } from '../store/ports/history.js';
import { pause, storeBackoffMs } from './store-backoff.js';

export interface EscalationTimersDeps {
  /** The history too: an episode whose chain stops says so on its group's latest notification. */
  readonly store: EscalationTimerStore & Pick<HistoryStore, 'getNotification' | 'recordEvent'>;
  /** The policies and the on-call lookup of the config in force, asked at each step. */
  readonly policies: () => ReadonlyMap<string, EscalationPolicy>;
  readonly onCall: () => OnCallLookup | undefined;
  readonly logger: Logger;
  readonly metrics: Pick<Metrics, 'escalationSteps' | 'escalationStepLateness'>;
  /** A step's notification is queued: wake delivery. */
  readonly onQueued: () => void;
  /**
   * The longest sleep with nothing due here: how soon an episode another replica began is seen
   * (that replica fires its own steps; this one takes them over should it die).
   */
  readonly maxIdleMs?: number;
  /** How long a claimed step is this process's to prepare before another may take it. */
  readonly leaseMs?: number;
  readonly now?: () => number;
}

export interface EscalationTimersLoop {
  start(): void;
  /** An episode began or walks again: look now rather than at the next wake-up. */
  kick(): void;
  /** Stops looking; a step being prepared finishes (or, unfired, is found again at the next start). */
  stop(): Promise<void>;
}

const DEFAULT_MAX_IDLE_MS = 5_000;
// Long enough to ask a calendar URL who is on call; short enough that a step whose process died
// while preparing it is taken over within seconds.
const DEFAULT_LEASE_MS = 10_000;
const CLAIM_BATCH = 20;
// A step due but held by another process's claim: looked at again this often, not in a tight loop.
const HELD_RETRY_MS = 1_000;

/**
 * Walks the escalation chains: sleeps until the store's next step falls due (or `maxIdleMs`, or a
 * kick), claims the due steps, prepares each (who is on call at that moment) and fires it, which
 * queues its notification and moves the episode on in one transaction, and only while the episode
 * is still triggered at that step: an acknowledgement on any replica wins. The step's notification
 * is then planned and delivered as any other (retries, limits, history). Due times are in the
 * store, so a step due while the process was down runs as soon as it is back.
 */
export function createEscalationTimersLoop(deps: EscalationTimersDeps): EscalationTimersLoop {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const maxIdleMs = deps.maxIdleMs ?? DEFAULT_MAX_IDLE_MS;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: AbortController | undefined;
  let kicked = false;
  let failures = 0;

  async function fire(due: DueStep): Promise<void> {
    const { incident } = due;
    const policy = deps.policies().get(incident.policy);
    if (policy === undefined) return stopChain(due);
    const at = now();
    const prepared = await prepareStep(due, policy, deps.onCall(), at);
    if (prepared === undefined) {
      logger.info('escalation step has nothing to deliver; not run', { incident: incident.id, step: incident.nextStep + 1 });
      return;
    }
    if (!(await store.fireStep(prepared))) {
      logger.info('escalation step not run: the episode moved on meanwhile', { incident: incident.id, step: incident.nextStep + 1 });
      return;
    }
    deps.metrics.escalationSteps.inc({ policy: policy.name });
    deps.metrics.escalationStepLateness.observe(Math.max(0, at - (incident.nextStepAt ?? at)) / 1000);
    logger.info('escalation step run', {
      incident: incident.id,
      policy: policy.name,
      step: prepared.notification.escalation?.step,
      round: prepared.notification.escalation?.round,
      actions: prepared.run.actions,
      notified: prepared.run.notified,
      lateMs: at - (incident.nextStepAt ?? at),
    });
    deps.onQueued();
  }

  /**
   * A reload removed the episode's policy: its chain stops where it is, in the store, so that it is
   * neither paged by a policy nobody configures any more nor claimed again every lease (which would
   * keep the loop waking for it, and push other policies' steps back). The episode stays open: an
   * acknowledgement or a resolve (by hand, or by the group) still ends it. Whoever stops it (one
   * replica, once) logs it and records it in the group's history; a policy of that name configured
   * again later walks the group's next episode, not this one.
   */
  async function stopChain({ incident }: DueStep): Promise<void> {
    const at = now();
    const stopped = await store.stopSteps(incident.id, incident.nextStep, at);
    if (stopped === undefined) return;
    logger.warn('escalation policy of an open episode is no longer configured; its chain stopped', {
      incident: incident.id,
      policy: incident.policy,
      step: incident.nextStep + 1,
    });
    const detail = `policy ${incident.policy} is no longer configured; no more steps run`;
    await recordIncidentEvent(store, stopped, { at, kind: 'escalation-stopped', policy: incident.policy, detail }, logger);
  }

  /** How long to sleep after a turn that claimed `claimed` steps. */
  async function delayAfter(claimed: number): Promise<number> {
    if (failures > 0) return storeBackoffMs(failures);
    const next = await store.nextStepDueAt();
    if (next === undefined) return maxIdleMs;
    const wait = next - now();
    // Due but nothing claimed: another process holds it.
    if (wait <= 0) return claimed > 0 ? 0 : HELD_RETRY_MS;
    return Math.min(wait, maxIdleMs);
  }

  async function turn(): Promise<number> {
    const due = await store.claimDueSteps(now(), CLAIM_BATCH, leaseMs);
    for (const step of due) {
      if (stopping) break;
      try {
        await fire(step);
      } catch (error) {
        // Its claim lapses and it is tried again; one bad step does not stop the others.
        logger.error('escalation step failed; tried again when its claim lapses', { incident: step.incident.id, error: String(error) });
      }
    }
    return due.length;
  }

  async function run(): Promise<void> {
    while (!stopping) {
      kicked = false;
      let delay: number;
      try {
        const claimed = await turn();
        failures = 0;
        delay = await delayAfter(claimed);
      } catch (error) {
        failures++;
        if (failures === 1) logger.error('escalation timers loop failed; backing off', { error: String(error) });
        delay = storeBackoffMs(failures);
      }
      if (stopping || kicked) continue;
      wake = new AbortController();
      await pause(delay, wake.signal);
      wake = undefined;
    }
  }

  return {
    start() {
      loop ??= run();
    },
    kick() {
      kicked = true;
      wake?.abort();
    },
    async stop() {
      stopping = true;
      wake?.abort();
      await loop;
    },
  };
}
