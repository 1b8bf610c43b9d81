import { describe, expect, it } from 'vitest';
import type { SlackInteraction, SlackInteractionDeps } from '../../../../src/integrations/slack/slack-interactions-routes.js';
import { receiveSocketEnvelope } from '../../../../src/integrations/slack/slack-socket-clicks.js';
import type { SocketEnvelope } from '../../../../src/integrations/slack/slack-socket-mode.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';

const payload = {
  type: 'block_actions',
  user: { id: 'U0ALICE01', username: 'alice' },
  container: { channel_id: 'C0ALERTS1', message_ts: '1.000001' },
  actions: [{ action_id: 'silence_1h', value: 'ref-1' }],
};
const envelope = (id: string, retryAttempt = 0): SocketEnvelope => ({
  type: 'interactive',
  envelopeId: id,
  payload,
  retryAttempt,
  retryReason: retryAttempt === 0 ? '' : 'timeout',
});

function depsWith(firstSeen: SlackInteractionDeps['firstSeen']): { deps: SlackInteractionDeps; handled: SlackInteraction[] } {
  const handled: SlackInteraction[] = [];
  return {
    handled,
    deps: { signers: new Map(), sockets: [], firstSeen, handle: (click) => handled.push(click), logger: createSilentLogger() },
  };
}

describe('a Socket Mode envelope, acknowledged before it is handled', () => {
  it('is handled once when Slack sends it again after a lost ack', async () => {
    const seen = new Set<string>();
    const { deps, handled } = depsWith(async (key) => !seen.has(key) && Boolean(seen.add(key)));
    await receiveSocketEnvelope(deps, envelope('E1'), ['slack']);
    await receiveSocketEnvelope(deps, envelope('E1', 1), ['slack']);
    expect(handled.map((c) => [c.actionId, c.value, c.signedFor])).toEqual([['silence_1h', 'ref-1', ['slack']]]);
  });

  it('is still handled when the store cannot say whether it was seen: its ack went out, so it must not be lost', async () => {
    const { deps, handled } = depsWith(async () => {
      throw new Error('connection terminated unexpectedly');
    });
    await receiveSocketEnvelope(deps, envelope('E2'), ['slack']);
    expect(handled).toHaveLength(1);
  });

  it('lets envelopes other than interactions go, and ignores a payload that is no block_actions', async () => {
    const { deps, handled } = depsWith(async () => true);
    await receiveSocketEnvelope(deps, { ...envelope('E3'), type: 'events_api' }, ['slack']);
    await receiveSocketEnvelope(deps, { ...envelope('E4'), payload: { type: 'view_submission' } }, ['slack']);
    expect(handled).toEqual([]);
  });
});
