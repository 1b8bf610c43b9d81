import { describe, expect, it } from 'vitest';
import { MAX_RESOLVED_KEPT, nextEpisode, ordinal, duration, type EpisodeState } from '../../../../src/integrations/slack/slack-episode.js';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';

const at = (minute: number, pods: Record<string, 'firing' | 'resolved'>, id = `n-${minute}`): EnrichedNotification => ({
  ...enriched(
    notificationOf(
      Object.entries(pods).map(([pod, status]) => alertWith({ alertname: 'A', pod }, status)),
      id,
    ),
  ),
  receivedAt: new Date(Date.UTC(2026, 10, 22, 12, minute)),
});
const step = (previous: EpisodeState | undefined, notification: EnrichedNotification) =>
  nextEpisode(previous, notification, buildMessage(notification, { maxAlerts: 10 }));
const stateOf = (result: ReturnType<typeof step>): EpisodeState => {
  if (result.kind === 'stale') throw new Error('stale');
  return result.state;
};

describe('episodes of a group', () => {
  it('leaves the message alone for a notification older than what it shows (a late retry)', () => {
    const newer = stateOf(step(undefined, at(5, { a: 'firing', b: 'firing' })));
    const resolved = stateOf(step(newer, at(9, { a: 'resolved', b: 'resolved' })));
    expect(step(resolved, at(7, { a: 'firing', b: 'firing' })).kind).toBe('stale');
  });

  it('gives a retried notification the replies decided the first time, not a "repeat"', () => {
    const first = stateOf(step(undefined, at(1, { a: 'firing' })));
    const grown = stateOf(step(first, at(2, { a: 'firing', b: 'firing' }, 'n-grow')));
    expect(grown.pendingReplies).toEqual(['🔥 a 2nd alert joined: pod=b']);
    // The edit went out, the reply failed; the retry finds the state saved with the reply pending.
    const retried = step(grown, at(2, { a: 'firing', b: 'firing' }, 'n-grow'));
    expect(retried.kind).toBe('update');
    expect(stateOf(retried).pendingReplies).toEqual(['🔥 a 2nd alert joined: pod=b']);
  });

  it('says an alert firing again after it resolved, and counts the episode from its first alert', () => {
    const first = stateOf(step(undefined, at(1, { a: 'firing', b: 'firing' })));
    const partly = stateOf(step(first, at(2, { a: 'resolved', b: 'firing' })));
    const again = stateOf(step(partly, at(3, { a: 'firing', b: 'firing' })));
    expect(again.pendingReplies).toEqual(['🔥 1 alert firing again']);
  });

  it('starts a new episode only when a fully resolved group fires again', () => {
    const first = stateOf(step(undefined, at(1, { a: 'firing' })));
    expect(step(first, at(2, { a: 'firing' })).kind).toBe('update');
    const resolved = stateOf(step(first, at(3, { a: 'resolved' })));
    expect(resolved.resolvedAt).toBeDefined();
    expect(step(resolved, at(4, { a: 'firing' })).kind).toBe('post');
  });

  it('keeps a bounded state through an episode that never resolves, still counting every alert it had', () => {
    let state = stateOf(step(undefined, at(0, { steady: 'firing', x0: 'firing' })));
    const churn = 2_000;
    for (let i = 1; i <= churn; i++)
      state = stateOf(step(state, at(i, { steady: 'firing', [`x${i - 1}`]: 'resolved', [`x${i}`]: 'firing' })));
    expect(Object.keys(state.alerts).length).toBeLessThanOrEqual(3 + MAX_RESOLVED_KEPT);
    expect(Object.values(state.alerts).filter((status) => status === 'firing')).toHaveLength(2);
    expect(state.pendingReplies).toEqual([`🔥 a ${ordinal(churn + 2)} alert joined: pod=x${churn}`, '✅ 1 alert resolved, 2 still firing']);
    expect(JSON.stringify(state).length).toBeLessThan(200_000);
  });

  it('writes ordinals and durations as people say them', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '111th',
    ]);
    expect([20_000, 25 * 60_000, 125 * 60_000, 50 * 3_600_000].map(duration)).toEqual([
      'less than a minute',
      '25 min',
      '2 h 5 min',
      '2 d 2 h',
    ]);
  });
});
