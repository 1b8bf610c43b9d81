import { describe, expect, it } from 'vitest';
import type { Action, ActionCapabilities } from '../../../src/integrations/action.js';
import { checkActions } from '../../../src/integrations/action-checks.js';

const actionWith = (name: string, capabilities?: ActionCapabilities): Action => ({
  name,
  type: 'test',
  sendResolved: true,
  handle: async () => undefined,
  ...(capabilities === undefined ? {} : { capabilities }),
});

describe("the actions' start-up checks", () => {
  it('runs every declared check: problems at their path, warnings named by action, a throw a warning', async () => {
    const signals: AbortSignal[] = [];
    const actions = new Map(
      [
        actionWith('plain'),
        actionWith('fine', { check: async (signal) => (signals.push(signal), {}) }),
        actionWith('wrong', { check: async () => ({ problem: { field: 'bot_token', message: 'invalid_auth' } }) }),
        actionWith('down', { check: async () => ({ warning: 'the destination did not answer' }) }),
        actionWith('broken', {
          check: async () => {
            throw new Error('boom');
          },
        }),
      ].map((action) => [action.name, action]),
    );
    const { problems, warnings } = await checkActions(actions);
    expect(problems).toEqual([{ path: 'actions.wrong.bot_token', message: 'invalid_auth' }]);
    expect(warnings.sort()).toEqual(['actions.broken: its check failed (boom)', 'actions.down: the destination did not answer']);
    // Each check is bounded: it is handed a deadline's signal, cleared once it answered.
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });

  it('runs a start check at start only, never for check-config, and takes its answer as a warning', async () => {
    let connected = 0;
    const actions = new Map([
      ['mail', actionWith('mail', { startCheck: async () => (connected++, { warning: 'the mail server did not answer' }) })],
    ]);
    expect(await checkActions(actions, 'check-config')).toEqual({ problems: [], warnings: [] });
    expect(connected).toBe(0);
    expect(await checkActions(actions)).toEqual({ problems: [], warnings: ['actions.mail: the mail server did not answer'] });
    expect(connected).toBe(1);
  });

  it('checks nothing for actions that declare no check', async () => {
    expect(await checkActions(new Map([['plain', actionWith('plain')]]))).toEqual({ problems: [], warnings: [] });
  });
});
