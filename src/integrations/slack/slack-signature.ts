import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses to let a request older than this be replayed, and so do we (docs.slack.dev, "Verifying requests from Slack"). */
export const SLACK_SIGNATURE_MAX_AGE_S = 5 * 60;

/**
 * Whether a request comes from Slack: `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, with
 * the app's signing secret, of `v0:<X-Slack-Request-Timestamp>:<the raw body>`, and the timestamp
 * is within five minutes of now. Compared in constant time, against each configured secret (one
 * per Slack app). Anything missing or malformed is simply not from Slack.
 */
export function isSignedBySlack(
  secrets: readonly string[],
  headers: { readonly timestamp: string | undefined; readonly signature: string | undefined },
  rawBody: Buffer,
  nowS = Math.floor(Date.now() / 1000),
): boolean {
  return signingSecretOf(secrets, headers, rawBody, nowS) !== undefined;
}

/** Which of the secrets signed the request, as `isSignedBySlack` checks it; `undefined` for none. */
export function signingSecretOf(
  secrets: readonly string[],
  headers: { readonly timestamp: string | undefined; readonly signature: string | undefined },
  rawBody: Buffer,
  nowS = Math.floor(Date.now() / 1000),
): string | undefined {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return undefined;
  if (Math.abs(nowS - Number(timestamp)) > SLACK_SIGNATURE_MAX_AGE_S) return undefined;
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return undefined;
  const given = Buffer.from(signature.slice(3), 'hex');
  let matched: string | undefined;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest();
    // Every secret is tried, so the time taken does not tell which one matched.
    if (timingSafeEqual(expected, given)) matched = secret;
  }
  return matched;
}
