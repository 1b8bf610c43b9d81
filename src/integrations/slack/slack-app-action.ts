import { checkSlackMessage } from './slack-blocks.js';
import { slackAppMessage, type SlackAppMessage } from './slack-app-blocks.js';
import type { Action, ActionContext, ActionResult } from '../action.js';
import type { ActionDeps } from '../action-type.js';
import { chatMessageBuilder, type ChatMessageConfig } from '../chat/chat-message.js';
import { applyOncePerEpisode } from '../chat/first-post.js';
import { messageRefId, type MessageRef, type MessageRefStore } from '../../store/ports/message-refs.js';
import { createSlackApi, type SlackApi } from './slack-api.js';
import { REPOST_ERRORS, SlackPlatformError } from './slack-api-error.js';
import { uploadGraphs } from './slack-graph-upload.js';
import { checkSlackApp } from './check-slack-app.js';
import { createChannelTargets } from './slack-channel-target.js';
import { duration, nextEpisode, startEpisode, type EpisodeState, type EpisodeStep } from './slack-episode.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';

export interface SlackAppConfig extends ChatMessageConfig {
  readonly bot_token: string;
  readonly channel: string;
  readonly api_url: string;
  readonly signing_secret?: string | undefined;
  readonly app_token?: string | undefined;
  readonly fallback_channel?: string | undefined;
  readonly alertmanager_url?: string | undefined;
  readonly dedup_window: number;
  readonly send_resolved: boolean;
  readonly timeout: number;
}

/** What the interactions endpoint needs of a Slack app action: its API, its secrets, its messages. */
export interface SlackAppHandle {
  readonly action: string;
  /** The channel as configured (a name or an ID). */
  readonly channel: string;
  readonly api: SlackApi;
  readonly signingSecret: string | undefined;
  /** With an app-level token: its Socket Mode connection's URL, from `apps.connections.open`. */
  readonly socketMode?: { readonly appToken: string; open(signal: AbortSignal): Promise<string> };
  readonly alertmanagerUrl: string | undefined;
  /** Renders the message of this reference as its state now says. */
  render(ref: string, state: EpisodeState): SlackAppMessage;
  /** Runs `work` once no other change to this group's message is under way (a notification, a click). */
  exclusive<T>(groupKey: string, work: () => Promise<T>): Promise<T>;
}

declare module '../action.js' {
  interface ActionCapabilities {
    /** Receives clicks on its messages through `POST /slack/interactions` (slack-interactions-routes.ts). */
    readonly slackApp?: SlackAppHandle;
  }
}

// chat.postMessage: about one message a second per channel, short bursts above it; chat.update is
// Tier 3 (50 a minute). A job makes one post or update and at most one thread reply.
const SLACK_APP_RATE = { perSecond: 1, burst: 3 };

/**
 * The Slack app mode: one message per episode of a group, posted with `chat.postMessage` and edited
 * in place with `chat.update` as alerts join and resolve, the changes posted in its thread. The
 * message reference lives in the delivery store (`ctx.messageRefs`), so a restart still edits the
 * same message. The action takes the whole group every time (group dedup), since the message shows
 * the whole group. With several replicas, the first message of an episode is posted by the one
 * delivery that takes the store's first-post claim (`ctx.firstPostClaims`); the others edit it.
 */
export function createSlackAppAction(name: string, config: SlackAppConfig, deps: ActionDeps): Action {
  const messageOf = chatMessageBuilder(name, config, deps);
  const api = createSlackApi({ token: config.bot_token, apiUrl: config.api_url, timeoutMs: config.timeout, logger: deps.logger });
  const scrub = secretsScrubber([config.bot_token, ...[config.signing_secret, config.app_token].filter((s) => s !== undefined)]);
  const appApi =
    config.app_token && createSlackApi({ token: config.app_token, apiUrl: config.api_url, timeoutMs: config.timeout, logger: deps.logger });
  const targets = createChannelTargets(name, config, api, deps.logger);
  // A button is drawn only where its click can come back: signed over HTTP, or over Socket Mode.
  const buttons = config.signing_secret !== undefined || config.app_token !== undefined;
  // Without the store (a test, `alertpipe render`), references live as long as the action.
  const fallbackRefs = new Map<string, MessageRef>();
  const localRefs: MessageRefStore = {
    getMessageRef: async (id) => fallbackRefs.get(id),
    putMessageRef: async (ref) => void fallbackRefs.set(ref.id, ref),
  };
  // Two notifications of one group must not both find no message and both post: one at a time per group.
  const queues = new Map<string, Promise<unknown>>();

  async function exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = queues.get(key) ?? Promise.resolve();
    const run = before.catch(() => {}).then(work);
    queues.set(key, run);
    try {
      return await run;
    } finally {
      if (queues.get(key) === run) queues.delete(key);
    }
  }

  const render = (ref: string, state: EpisodeState): SlackAppMessage =>
    slackAppMessage(state.message, {
      ref,
      buttons,
      ...(state.resolvedAt === undefined
        ? {}
        : { resolved: { after: duration(state.resolvedAt - state.startedAt), at: state.resolvedAt } }),
      ...(state.silence ? { silence: state.silence } : {}),
      ...(state.ack ? { ack: state.ack } : {}),
    });

  async function deliver(notification: Parameters<Action['handle']>[0], refs: MessageRefStore, ctx: ActionContext): Promise<ActionResult> {
    const { signal } = ctx;
    let target = await targets.resolve(notification, signal);
    const id = messageRefId(name, config.channel, notification.groupKey);
    const built = messageOf(notification, ctx.logger, ctx.report);
    const withNote = (note: string | undefined) => (note === undefined ? built : { ...built, notes: [...built.notes, note] });
    const metadata = {
      event_type: 'alertpipe_group',
      event_payload: {
        action: name,
        group_key: notification.groupKey,
        fingerprints: notification.alerts.slice(0, 100).map((a) => a.fingerprint),
      },
    };
    const save = (ts: string, channel: string, state: EpisodeState): Promise<void> =>
      refs.putMessageRef({
        id,
        action: name,
        channel: config.channel,
        groupKey: notification.groupKey,
        channelId: channel,
        ts,
        state: state as unknown as Record<string, unknown>,
        updatedAt: Date.now(),
      });
    const stepAfter = (previous: MessageRef | undefined) =>
      nextEpisode(previous?.state as EpisodeState | undefined, notification, withNote(target.note));

    /**
     * A new top-level message, in the group's channel or, when Slack refuses that channel now
     * (the bot removed since it was looked up), in the fallback channel, saying so.
     */
    async function postTopLevel(
      step: Exclude<EpisodeStep, { kind: 'stale' }>,
    ): Promise<{ ts: string; channel: string; state: EpisodeState }> {
      try {
        const posted = await api.postMessage({ channel: target.channelId, ...render(id, step.state), metadata }, signal);
        return { ...posted, state: step.state };
      } catch (error) {
        const fallback = await targets.refused(target, error, signal);
        if (fallback === undefined) throw error;
        target = fallback;
        const state = { ...step.state, message: withNote(fallback.note) };
        const posted = await api.postMessage({ channel: fallback.channelId, ...render(id, state), metadata }, signal);
        return { ...posted, state };
      }
    }

    /** The message posted or edited and its reference saved. */
    async function placeMessage(previous: MessageRef | undefined) {
      let step = stepAfter(previous);
      if (step.kind === 'stale') return undefined;
      const body = render(id, step.state);
      ctx.report?.sent({ contentType: 'application/json', body });
      let ts: string;
      let channel = previous?.channelId ?? target.channelId;
      let outcome: string;
      if (step.kind === 'update' && previous !== undefined) {
        try {
          await api.update({ channel, ts: previous.ts, ...render(id, step.state), metadata }, signal);
          ts = previous.ts;
          outcome = 'updated';
        } catch (error) {
          if (!(error instanceof SlackPlatformError) || !REPOST_ERRORS.has(error.code)) throw error;
          // Deleted, too old to edit, or not ours: a fresh message carries the episode on.
          const posted = await postTopLevel(step);
          ({ ts, channel } = posted);
          step = { kind: 'update', state: posted.state };
          outcome = `posted anew (${error.code})`;
        }
      } else {
        const posted = await postTopLevel(step);
        ({ ts, channel } = posted);
        step = { kind: 'post', state: posted.state };
        outcome = 'posted';
      }
      // Saved before the replies: a retry after a failed reply edits this message and posts the same replies.
      await save(ts, channel, step.state);
      return { step, ts, channel, outcome };
    }

    // Another replica may be posting this episode's first message at once: the one that takes the
    // store's claim posts it; the others, once it is recorded, find it and edit it.
    const placed = await applyOncePerEpisode(
      { claims: ctx.firstPostClaims, id, timeoutMs: config.timeout, signal, logger: ctx.logger },
      () => refs.getMessageRef(id),
      (previous) => stepAfter(previous).kind === 'post',
      placeMessage,
    );
    if (placed === undefined) return { detail: 'older than what the message shows; not applied' };
    const { step, ts, channel, outcome } = placed;
    if (step.kind === 'update' && step.state.pendingReplies.length > 0) {
      await api.postMessage({ channel, thread_ts: ts, text: step.state.pendingReplies.join('\n') }, signal);
      await save(ts, channel, { ...step.state, pendingReplies: [] });
    }
    // Once per episode, with the message that starts it: a retry or a repeat updates, and uploads nothing.
    const graphs =
      step.kind === 'post' && notification.status === 'firing'
        ? await uploadGraphs(notification, {
            api,
            charts: deps.charts,
            channelId: channel,
            threadTs: ts,
            signal,
            logger: deps.logger,
            metrics: deps.metrics,
            action: name,
          })
        : { uploaded: 0, failed: 0 };
    const pictures =
      graphs.uploaded + graphs.failed === 0
        ? ''
        : `; ${graphs.uploaded} graph${graphs.uploaded === 1 ? '' : 's'} attached${graphs.failed > 0 ? `, ${graphs.failed} failed` : ''}`;
    return {
      detail: `${outcome} the message of ${notification.alerts.length} alert${notification.alerts.length === 1 ? '' : 's'}${pictures}${
        target.note === undefined ? '' : `; ${target.note}`
      }`,
      data: { channel, ts, replies: step.kind === 'update' ? step.state.pendingReplies : [], graphs },
    };
  }

  return {
    name,
    type: 'slack',
    sendResolved: config.send_resolved,
    timeoutMs: config.timeout,
    rateLimit: { key: `slack-app:${config.api_url}:${config.bot_token}:${config.channel}`, ...SLACK_APP_RATE },
    dedup: { scope: 'group', windowMs: config.dedup_window },
    async handle(notification, ctx) {
      try {
        return await exclusive(notification.groupKey, () => deliver(notification, ctx.messageRefs ?? localRefs, ctx));
      } catch (error) {
        throw scrubbedError(error, scrub);
      }
    },
    preview(notification) {
      const message = messageOf(notification);
      const id = messageRefId(name, config.channel, notification.groupKey);
      const body = render(id, startEpisode(notification, message));
      const problems = checkSlackMessage({ text: body.text, blocks: body.attachments[0].blocks });
      return { contentType: 'application/json', body: { channel: config.channel, ...body }, problems };
    },
    capabilities: {
      slackApp: {
        action: name,
        channel: config.channel,
        api,
        signingSecret: config.signing_secret,
        ...(appApi
          ? { socketMode: { appToken: config.app_token ?? '', open: (signal: AbortSignal) => appApi.openSocketUrl(signal) } }
          : {}),
        alertmanagerUrl: config.alertmanager_url,
        render,
        exclusive,
      },
      // A templated channel is known only per group: the start checks the fallback, if any.
      check: (signal) => checkSlackApp({ api, channel: targets.templated ? config.fallback_channel : config.channel }, signal),
    },
  };
}
