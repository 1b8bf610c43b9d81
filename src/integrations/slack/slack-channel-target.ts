import type { Logger } from '../../observability/logger.js';
import type { EnrichedNotification } from '../../model/model.js';
import { compileFieldTemplates } from '../chat/field-templates.js';
import { SlackPlatformError } from './slack-api-error.js';
import type { SlackApi } from './slack-api.js';

/** Where a group's first message goes: the channel's ID, and a note for the message when it is the fallback. */
export interface ChannelTarget {
  /** The channel as rendered for the group (`#team-db`), or the fallback's name. */
  readonly channel: string;
  readonly channelId: string;
  readonly note?: string;
}

export interface ChannelTargets {
  /** Whether `channel` is a template, so that only a group says which channel it names. */
  readonly templated: boolean;
  resolve(notification: EnrichedNotification, signal: AbortSignal): Promise<ChannelTarget>;
  /**
   * `chat.postMessage` to `target` failed with `error`: when Slack refused the channel itself (the
   * bot was removed, the channel archived or deleted since it was looked up), the fallback channel,
   * the channel's cached ID forgotten; `undefined` for any other failure, without a fallback, or
   * when `target` was the fallback already.
   */
  refused(target: ChannelTarget, error: unknown, signal: AbortSignal): Promise<ChannelTarget | undefined>;
}

// The answers that say "this channel cannot take the message", which the fallback channel is for.
const UNUSABLE: Readonly<Record<string, string>> = {
  channel_not_found: 'does not exist, or is private without the bot in it',
  not_in_channel: 'does not have the bot in it',
  is_archived: 'is archived',
};

/**
 * The Slack app's channel, which may be a template over the group (`#team-{{ commonLabels.team }}`,
 * the message templates' engine and data), resolved to an ID through the API's cache. A channel
 * that renders to nothing, does not exist or lacks the bot sends the message to `fallback_channel`
 * with a log line and a note in the message saying why, whether it is found out on looking the
 * channel up or only when `chat.postMessage` refuses it (the bot removed after the lookup was
 * cached); without a fallback the delivery fails with Slack's reason, and nobody is left guessing
 * where the message went.
 */
export function createChannelTargets(
  action: string,
  config: { readonly channel: string; readonly fallback_channel?: string | undefined },
  api: SlackApi,
  logger: Logger,
): ChannelTargets {
  const template = compileFieldTemplates(action, { channel: config.channel }, { tryOnExamples: false });
  const templated = /\{\{|\{%/.test(config.channel);
  const fallback = config.fallback_channel;

  async function toFallback(channel: string, why: string, signal: AbortSignal): Promise<ChannelTarget> {
    if (fallback === undefined)
      throw new SlackPlatformError(`Slack channel ${channel} ${why}, and the action has no fallback_channel`, 'channel_not_found', false);
    logger.error('Slack channel unusable; the message goes to the fallback channel', { action, channel, reason: why, fallback });
    return { channel: fallback, channelId: await api.channelId(fallback, signal), note: `Posted in ${fallback}: ${channel} ${why}.` };
  }

  return {
    templated,
    async resolve(notification, signal) {
      let failure: string | undefined;
      const channel = template.render('channel', notification, (failed) => (failure = failed.reason)) ?? '';
      if (channel === '' || channel === '#') {
        const why = failure ?? `rendered to nothing for this group (channel: ${config.channel})`;
        return toFallback(config.channel, `could not be named: ${why}`, signal);
      }
      try {
        return { channel, channelId: await api.channelId(channel, signal) };
      } catch (error) {
        const why = error instanceof SlackPlatformError ? UNUSABLE[error.code] : undefined;
        // Without a fallback, Slack's own reason (with what to do) is the failure.
        if (why === undefined || fallback === undefined) throw error;
        return toFallback(channel, why, signal);
      }
    },
    async refused(target, error, signal) {
      const why = error instanceof SlackPlatformError ? UNUSABLE[error.code] : undefined;
      if (why === undefined || fallback === undefined || target.note !== undefined || target.channel === fallback) return undefined;
      // Looked up while the bot was in it; not so now: the next group looks again.
      api.forgetChannel(target.channel);
      return toFallback(target.channel, `${why} (chat.postMessage answered ${(error as SlackPlatformError).code})`, signal);
    },
  };
}
