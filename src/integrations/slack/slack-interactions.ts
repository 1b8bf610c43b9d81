import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../observability/logger.js';
import { outboundRequest } from '../../outbound/outbound-request.js';
import { createSilenceClient } from '../../alertmanager/silence-client.js';
import type { MessageRef, MessageRefStore } from '../../store/ports/message-refs.js';
import { matcherText } from '../../alertmanager/silence-matchers.js';
import type { SlackAppHandle } from './slack-app-action.js';
import type { EpisodeState } from './slack-episode.js';
import { escapeMrkdwn } from './slack-mrkdwn.js';

/** A click, as the interactions endpoint hands it over (see ingest/slack-interactions-routes.ts). */
export interface Click {
  readonly actionId: string;
  readonly value: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly teamDomain?: string;
  readonly responseUrl?: string;
  /** The Slack app actions whose signing secret signed it (see slack-interactions-routes.ts). */
  readonly signedFor: readonly string[];
}

export interface ClickDeps {
  /** The Slack app actions, by name. */
  readonly apps: ReadonlyMap<string, SlackAppHandle>;
  readonly refs: MessageRefStore;
  readonly logger: Logger;
  /** Counts each click by its outcome (`done`, `failed`, `unknown`, `refused`, `unchanged`). */
  readonly count: (button: string, outcome: ClickOutcome) => void;
  /** After a Silence or Unsilence took effect: tells the history who did it, until when, with which matchers. */
  readonly silenced?: (ref: MessageRef, state: EpisodeState, change: SilenceChange) => Promise<void>;
  /** After an Acknowledge: tells PagerDuty and the history; returns lines for the thread. */
  readonly acknowledged?: (ref: MessageRef, state: EpisodeState, by: Click['user']) => Promise<string[]>;
  readonly timeoutMs: number;
  /** Aborts calls still running at shutdown, past the grace period. */
  readonly shutdownSignal?: AbortSignal;
  /**
   * How long a click on this action's message must wait for its channel's rate limit (0: go now,
   * its token taken), the same buckets its deliveries take from; absent, clicks are not paced.
   */
  readonly pace?: (action: string) => Promise<number>;
}

// A click waits this long at most for its channel's rate limit; past it, it goes and meets Slack's.
const MAX_CLICK_WAIT_MS = 10_000;

/** What a click changes in its message, decided outside the group's lock and applied under it. */
interface Change {
  readonly apply: (state: EpisodeState) => EpisodeState;
  readonly lines: readonly string[];
  readonly undo?: () => Promise<void>;
  /** Tells the history, once the change holds (a click that lost a race tells nothing). */
  readonly told?: () => Promise<void>;
}

/** A silence made or expired from a message's buttons. */
export interface SilenceChange {
  readonly kind: 'silenced' | 'unsilenced';
  readonly by: Click['user'];
  /** For `silenced`: until when, and the matchers, as Alertmanager shows them. */
  readonly until?: number;
  readonly matchers?: string;
}

const SILENCE_MS: Readonly<Record<string, number>> = { silence_1h: 3_600_000, silence_4h: 4 * 3_600_000 };

/**
 * `refused`: signed by another Slack app than the one that owns the message. `unchanged`: the
 * message already says what the click asks (silenced, acknowledged): the clicker is told, nothing
 * else happens, so a replay or a double click costs no update, no reply and no PagerDuty event.
 */
export type ClickOutcome = 'done' | 'failed' | 'unknown' | 'refused' | 'unchanged';

/**
 * What a button does, behind the 200 Slack already has: Silence creates a silence in Alertmanager
 * for the group's alerts, Unsilence expires it, Acknowledge marks the message (and PagerDuty, and
 * the history); then the message is edited to show it, and a line goes to its thread. A click that
 * fails is logged, counted (`alertpipe_slack_clicks_total{outcome="failed"}`) and told to the
 * person who clicked, privately through the click's response_url: never lost silently.
 */
export function createClickHandler(deps: ClickDeps): { handle(click: Click): Promise<void> } {
  async function apply(click: Click): Promise<ClickOutcome> {
    const found = await deps.refs.getMessageRef(click.value);
    const app = found === undefined ? undefined : deps.apps.get(found.action);
    if (found === undefined || app === undefined) {
      await tell(click, 'alertpipe no longer knows this message (its action was removed, or it is older than 30 days).');
      return 'unknown';
    }
    // A click proves only which app's secret signed it: it may change that app's messages alone.
    if (!click.signedFor.includes(found.action)) {
      deps.logger.warn('Slack click refused: signed by another Slack app than the one that posted the message', { action: found.action });
      return 'refused';
    }
    const already = alreadyDone(found.state as unknown as EpisodeState, click);
    if (already !== undefined) {
      await tell(click, already);
      return 'unchanged';
    }
    // Alertmanager and PagerDuty are asked outside the group's lock: one that hangs holds up this
    // click alone, never the group's next notification (which waits for the lock).
    const change = await act(app, found, found.state as unknown as EpisodeState, click);
    // The edit and its reply count against the channel's pace like a delivery's: clicks cannot flood it.
    await paced(found.action);
    const raced = await app.exclusive(found.groupKey, async (): Promise<string | undefined> => {
      // Read again inside the lock: a notification or another click may have changed the message meanwhile.
      const ref = (await deps.refs.getMessageRef(click.value)) ?? found;
      const before = ref.state as unknown as EpisodeState;
      const overtaken = alreadyDone(before, click);
      if (overtaken !== undefined) return overtaken;
      const state = change.apply(before);
      await app.api.update({ channel: ref.channelId, ts: ref.ts, ...app.render(ref.id, state) });
      await deps.refs.putMessageRef({ ...ref, state: state as unknown as Record<string, unknown>, updatedAt: Date.now() });
      await app.api.postMessage({ channel: ref.channelId, thread_ts: ref.ts, text: change.lines.join('\n') });
      return undefined;
    });
    if (raced === undefined) {
      // The silence holds whether or not the history takes the line: a failure here is logged, not told as a failed click.
      await change
        .told?.()
        .catch((error: unknown) => deps.logger.warn('could not record a Slack silence in the history', { error: String(error) }));
      return 'done';
    }
    // Another click did the same first: what this one made (a second silence) is taken back.
    await change.undo?.();
    await tell(click, raced);
    return 'unchanged';
  }

  /** What the message already says that makes this click change nothing, for the clicker; `undefined` when it changes something. */
  function alreadyDone(state: EpisodeState, click: Click): string | undefined {
    const silenced = state.silence !== undefined && state.silence.until > Date.now() ? state.silence : undefined;
    if (SILENCE_MS[click.actionId] !== undefined && silenced !== undefined)
      return `Already silenced by <@${silenced.by}> until ${new Date(silenced.until).toISOString()}; Unsilence first to silence anew.`;
    if (click.actionId === 'unsilence' && state.silence === undefined) return 'Nothing is silenced for this message.';
    if (click.actionId === 'acknowledge' && state.ack !== undefined) return `Already acknowledged by <@${state.ack.by}>.`;
    return undefined;
  }

  /**
   * Does what the click asks outside the message (Alertmanager, PagerDuty, the history) and says
   * how the message's state changes (`apply`, run under the group's lock on the state as it is
   * then), what goes to its thread, and how to take the outside change back if the click lost a race.
   */
  async function act(app: SlackAppHandle, ref: MessageRef, state: EpisodeState, click: Click): Promise<Change> {
    const who = `<@${click.user.id}>`;
    const duration = SILENCE_MS[click.actionId];
    const signal = deps.shutdownSignal;
    if (duration !== undefined || click.actionId === 'unsilence') {
      if (app.alertmanagerUrl === undefined)
        throw new Error('no Alertmanager to silence in: set alertmanager.url (ALERTMANAGER_URL), or alertmanager_url on the Slack action');
      const silences = createSilenceClient(app.alertmanagerUrl, { timeoutMs: deps.timeoutMs });
      if (duration === undefined) {
        if (state.silence === undefined) throw new Error('nothing is silenced'); // alreadyDone() answered this click
        await silences.expire(state.silence.id, signal);
        return {
          apply: ({ silence: _gone, ...rest }) => rest,
          lines: [`🔔 ${who} expired the silence`],
          told: async () => deps.silenced?.(ref, state, { kind: 'unsilenced', by: click.user }),
        };
      }
      if (state.matchers.length === 0)
        throw new Error('these alerts share no label, so no silence would hold only them: silence them in Alertmanager');
      const now = Date.now();
      const id = await silences.create(
        {
          matchers: state.matchers,
          startsAt: new Date(now),
          endsAt: new Date(now + duration),
          createdBy: `${click.user.name} (Slack ${click.user.id})`,
          comment: `Silenced from Slack by ${click.user.name}: ${permalink(ref, click.teamDomain)}`,
        },
        signal,
      );
      const silence = { id, by: click.user.id, until: now + duration, url: silences.silenceUrl(id) };
      const matchers = state.matchers.map(matcherText).join(', ');
      return {
        told: async () => deps.silenced?.(ref, state, { kind: 'silenced', by: click.user, until: silence.until, matchers }),
        apply: (current) => ({ ...current, silence }),
        lines: [`🔕 ${who} silenced ${escapeMrkdwn(matchers)} for ${duration / 3_600_000} h`],
        undo: () => silences.expire(id, signal),
      };
    }
    if (click.actionId === 'acknowledge') {
      const ack = { by: click.user.id, at: Date.now() };
      const more = deps.acknowledged ? await deps.acknowledged(ref, { ...state, ack }, click.user) : [];
      return { apply: (current) => ({ ...current, ack }), lines: [`👀 ${who} acknowledged`, ...more] };
    }
    throw new Error(`unknown button ${click.actionId}`);
  }

  async function paced(action: string): Promise<void> {
    if (deps.pace === undefined) return;
    const until = Date.now() + MAX_CLICK_WAIT_MS;
    for (let wait = await deps.pace(action); wait > 0 && Date.now() < until; wait = await deps.pace(action))
      await sleep(Math.min(wait, until - Date.now()), undefined, deps.shutdownSignal ? { signal: deps.shutdownSignal } : {});
  }

  async function tell(click: Click, text: string): Promise<void> {
    if (click.responseUrl === undefined) return;
    await outboundRequest({
      url: click.responseUrl,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      destination: 'Slack response_url',
      timeoutMs: deps.timeoutMs,
      maxResponseBytes: 64 * 1024,
    }).catch((error: unknown) => deps.logger.warn('could not tell the Slack user about a failed click', { error: String(error) }));
  }

  return {
    async handle(click) {
      try {
        const outcome = await apply(click);
        deps.count(click.actionId, outcome);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        deps.count(click.actionId, 'failed');
        deps.logger.error('Slack button click failed', { button: click.actionId, user: click.user.id, reason });
        // The reason may quote Alertmanager's answer, and with it the group's labels.
        await tell(click, escapeMrkdwn(`alertpipe could not ${click.actionId.replace('_', ' ')}: ${reason}`));
      }
    },
  };
}

/** The message's link, as Slack's "Copy link" gives it. */
function permalink(ref: MessageRef, domain: string | undefined): string {
  return `https://${domain ?? 'app'}.slack.com/archives/${ref.channelId}/p${ref.ts.replace('.', '')}`;
}
