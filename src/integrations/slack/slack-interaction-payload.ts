import type { Logger } from '../../observability/logger.js';

/** A button click, as much of Slack's `block_actions` payload as alertpipe reads. */
export interface SlackInteraction {
  readonly actionId: string;
  /** The button's value: the message reference's id. */
  readonly value: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly teamDomain?: string;
  readonly channelId?: string;
  readonly messageTs?: string;
  /** Where to tell the clicker privately that something went wrong. */
  readonly responseUrl?: string;
  /**
   * The Slack app actions whose credentials the click came with (the signing secret that signed
   * it, or the app token whose socket it arrived on): the only ones whose messages it may change.
   */
  readonly signedFor: readonly string[];
}

/**
 * The click of an interaction payload, the same whichever way it came (`payload=` of a signed
 * `POST /slack/interactions`, or a Socket Mode envelope's `payload`): `undefined` when it is no
 * `block_actions` payload. One button is one click: Slack sends one action per `block_actions`
 * payload, and a payload made to hold 500 must not become 500 edits, so only the first is taken.
 */
export function clickOf(payload: unknown, signedFor: readonly string[], logger: Logger): { click?: SlackInteraction } | undefined {
  const interactions = interactionsOf(payload, signedFor);
  if (interactions === undefined) return undefined;
  if (interactions.length > 1)
    logger.warn('Slack interaction held several actions; only the first is handled', { actions: interactions.length });
  const [first] = interactions;
  return first === undefined ? {} : { click: first };
}

interface BlockActionsPayload {
  type?: unknown;
  user?: { id?: unknown; username?: unknown; name?: unknown };
  team?: { domain?: unknown };
  container?: { channel_id?: unknown; message_ts?: unknown };
  response_url?: unknown;
  actions?: Array<{ action_id?: unknown; value?: unknown }>;
}

function interactionsOf(value: unknown, signedFor: readonly string[]): SlackInteraction[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const payload = value as BlockActionsPayload;
  if (payload.type !== 'block_actions' || !Array.isArray(payload.actions)) return undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const userId = str(payload.user?.id);
  if (userId === undefined) return undefined;
  return payload.actions.flatMap((action) => {
    const actionId = str(action?.action_id);
    const value = str(action?.value);
    if (actionId === undefined || value === undefined) return [];
    const teamDomain = str(payload.team?.domain);
    const channelId = str(payload.container?.channel_id);
    const messageTs = str(payload.container?.message_ts);
    const responseUrl = str(payload.response_url);
    return [
      {
        actionId,
        value,
        user: { id: userId, name: str(payload.user?.username) ?? str(payload.user?.name) ?? userId },
        ...(teamDomain ? { teamDomain } : {}),
        ...(channelId ? { channelId } : {}),
        ...(messageTs ? { messageTs } : {}),
        ...(responseUrl ? { responseUrl } : {}),
        signedFor,
      },
    ];
  });
}
