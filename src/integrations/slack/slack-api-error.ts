import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
  type WebAPIRequestError,
} from '@slack/web-api';
import { ActionError } from '../action-error.js';

// What a person must do for these; no retry helps until they have.
const NEEDS_A_PERSON: Readonly<Record<string, string>> = {
  invalid_auth: 'the bot token is not valid: copy the Bot User OAuth Token (xoxb-…) from the app\'s "OAuth & Permissions" page',
  not_authed: 'no bot token was sent: set bot_token (or SLACK_BOT_TOKEN)',
  account_inactive: 'the token belongs to a deleted user or a deactivated workspace: reinstall the app',
  token_revoked: 'the token was revoked: reinstall the app and use its new token',
  token_expired: 'the token expired: reinstall the app, or turn off token rotation',
  missing_scope: 'the app lacks a scope this call needs (chat:write, channels:read): add it and reinstall the app',
  channel_not_found: 'no channel of that name or ID is visible to the bot: check channel, or invite the bot into the private channel',
  not_in_channel: 'the bot is not a member of the channel: type /invite @<your app> in the channel',
  is_archived: 'the channel is archived: unarchive it or point channel elsewhere',
};

// Slack's own trouble, worth trying again (docs.slack.dev/reference/methods/chat.postMessage, errors).
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'team_added_to_org']);

/** The message is gone or too old to edit: post a fresh one instead. */
export const REPOST_ERRORS = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

/**
 * The error of a failed Web API call, as delivery reads errors. The client's own retries are off,
 * so this is the one place that decides: a 429 waits for its Retry-After; Slack's transient errors
 * and network failures are retried; an `ok: false` that names a wrong request (`invalid_auth`,
 * `channel_not_found`, `not_in_channel`, `invalid_blocks`…) fails once and says what to do.
 */
export function slackApiError(method: string, error: unknown): ActionError {
  const coded = error as { code?: unknown };
  if (coded.code === ErrorCode.PlatformError) {
    const code = (error as WebAPIPlatformError).data.error;
    const advice = NEEDS_A_PERSON[code];
    return new SlackPlatformError(`Slack ${method} answered ${code}${advice ? `: ${advice}` : ''}`, code, TRANSIENT.has(code));
  }
  if (coded.code === ErrorCode.RateLimitedError) {
    const seconds = (error as WebAPIRateLimitedError).retryAfter;
    return new ActionError(`Slack ${method} rate limited; retry after ${seconds} s`, {
      retryable: true,
      retryAfterMs: seconds * 1000,
      status: 429,
    });
  }
  if (coded.code === ErrorCode.HTTPError) {
    const http = error as WebAPIHTTPError;
    return ActionError.fromHttpStatus(`Slack ${method}`, http.statusCode, typeof http.body === 'string' ? http.body : '');
  }
  if (coded.code === ErrorCode.RequestError) {
    // The outbound layer's message already says what happened ("Slack unreachable: ECONNREFUSED").
    const original = (error as WebAPIRequestError).original;
    return new ActionError(`${original.message} (${method})`, { retryable: true });
  }
  // A 429 without a usable Retry-After, or anything else the client threw.
  return new ActionError(`Slack ${method} failed: ${error instanceof Error ? error.message : String(error)}`, {
    retryable: true,
    cause: error,
  });
}

/** Slack answered HTTP 200 with `ok: false` and this `error` code. */
export class SlackPlatformError extends ActionError {
  readonly code: string;

  constructor(message: string, code: string, retryable: boolean) {
    super(message, { retryable });
    this.name = 'SlackPlatformError';
    this.code = code;
  }
}
