import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSignedBySlack } from '../../../../src/integrations/slack/slack-signature.js';

// The example of docs.slack.dev's "Verifying requests from Slack": its secret, timestamp, body and signature.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY = Buffer.from(
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
);
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const NOW = Number(TIMESTAMP) + 10;

describe('Slack request signatures', () => {
  it("accepts Slack's documented example", () => {
    expect(isSignedBySlack([SECRET], { timestamp: TIMESTAMP, signature: SIGNATURE }, BODY, NOW)).toBe(true);
  });

  it('accepts a request signed with any of the configured secrets', () => {
    expect(isSignedBySlack(['another-apps-secret', SECRET], { timestamp: TIMESTAMP, signature: SIGNATURE }, BODY, NOW)).toBe(true);
  });

  it('refuses another secret, another body, and a changed timestamp', () => {
    expect(isSignedBySlack(['not-the-secret'], { timestamp: TIMESTAMP, signature: SIGNATURE }, BODY, NOW)).toBe(false);
    expect(isSignedBySlack([SECRET], { timestamp: TIMESTAMP, signature: SIGNATURE }, Buffer.concat([BODY, Buffer.from('&x=1')]), NOW)).toBe(
      false,
    );
    expect(isSignedBySlack([SECRET], { timestamp: String(Number(TIMESTAMP) + 1), signature: SIGNATURE }, BODY, NOW)).toBe(false);
  });

  it('refuses a correctly signed request more than five minutes old, or from the future', () => {
    const sign = (ts: number) => `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:`).update(BODY).digest('hex')}`;
    const now = 1_800_000_000;
    expect(isSignedBySlack([SECRET], { timestamp: String(now - 300), signature: sign(now - 300) }, BODY, now)).toBe(true);
    expect(isSignedBySlack([SECRET], { timestamp: String(now - 301), signature: sign(now - 301) }, BODY, now)).toBe(false);
    expect(isSignedBySlack([SECRET], { timestamp: String(now + 301), signature: sign(now + 301) }, BODY, now)).toBe(false);
  });

  it.each([
    ['no headers', { timestamp: undefined, signature: undefined }],
    ['no signature', { timestamp: TIMESTAMP, signature: undefined }],
    ['another version', { timestamp: TIMESTAMP, signature: SIGNATURE.replace('v0=', 'v1=') }],
    ['a short signature', { timestamp: TIMESTAMP, signature: 'v0=abcd' }],
    ['a timestamp that is not a number', { timestamp: '1531420618.5', signature: SIGNATURE }],
  ])('refuses %s without throwing', (_what, headers) => {
    expect(isSignedBySlack([SECRET], headers, BODY, NOW)).toBe(false);
  });

  it('refuses everything when no secret is configured', () => {
    expect(isSignedBySlack([], { timestamp: TIMESTAMP, signature: SIGNATURE }, BODY, NOW)).toBe(false);
  });
});
