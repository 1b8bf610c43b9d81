import { secretParts } from '../lib/secret-parts.js';
import type { Action } from './action.js';
import { ActionError } from './action-error.js';

/**
 * Removes a credential URL from text, whole or in parts: a webhook URL's path or query is its
 * secret, and an upstream's error answer may quote either (Google Chat's `key` and `token`, the
 * path of a Discord or Teams webhook); `secretParts` says which parts.
 */
export function urlScrubber(url: string, mask = '<webhook>'): (text: string) => string {
  const secrets = secretParts(url).sort((a, b) => b.length - a.length);
  return (text) =>
    maskCutTail(
      secrets.reduce((out, secret) => out.split(secret).join(mask), text),
      secrets,
      mask,
    );
}

/**
 * Errors quote an upstream's answer cut at 200 characters: a secret the cut went through is no
 * longer whole, so the beginning of one at the very end of the text is masked too.
 */
function maskCutTail(text: string, secrets: readonly string[], mask: string): string {
  const ellipsis = text.endsWith('…') ? '…' : '';
  const body = text.slice(0, text.length - ellipsis.length);
  for (const secret of secrets) {
    for (let k = Math.min(secret.length - 1, body.length); k >= 4; k--) {
      if (body.endsWith(secret.slice(0, k))) return `${body.slice(0, body.length - k)}${mask}${ellipsis}`;
    }
  }
  return text;
}

/**
 * The same failure with every secret of the action removed from its message: what goes to the
 * history, the log and the metrics' sight. The cause is dropped, as it may quote the secret too.
 */
export function scrubbedError(error: unknown, scrub: (text: string) => string): Error {
  if (error instanceof ActionError) {
    return new ActionError(scrub(error.message), {
      retryable: error.retryable,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.status === undefined ? {} : { status: error.status }),
    });
  }
  return new Error(scrub(error instanceof Error ? error.message : String(error)));
}

/** One scrubber for several secrets (a URL and a token), each removed whole and in parts. */
export function secretsScrubber(secrets: readonly (string | undefined)[], mask = '<secret>'): (text: string) => string {
  const scrubbers = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).map((s) => urlScrubber(s, mask));
  return (text) => scrubbers.reduce((out, scrub) => scrub(out), text);
}

/** The action, its failures passed through `scrubbedError`. */
export function withScrubbedErrors(scrub: (text: string) => string, action: Action): Action {
  const handle = action.handle.bind(action);
  return {
    ...action,
    handle: (notification, ctx) =>
      handle(notification, ctx).catch((error: unknown) => {
        throw scrubbedError(error, scrub);
      }),
  };
}
