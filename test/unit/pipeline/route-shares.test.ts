import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/integrations/action.js';
import { parseMatchers } from '../../../src/model/matchers.js';
import { routeShares } from '../../../src/pipeline/route-shares.js';
import type { Route } from '../../../src/pipeline/router.js';
import { alertWith } from '../../support/alerts.js';

const action = (name: string, extra: Partial<Action> = {}): Action => ({
  name,
  type: 'log',
  sendResolved: true,
  handle: async () => undefined,
  ...extra,
});
const actions = new Map([
  ['slack', action('slack')],
  ['pager', action('pager', { sendResolved: false })],
  ['command', action('command', { timing: 'before-ack' })],
]);
const routes: Route[] = [
  { matchers: parseMatchers('severity="critical"'), actions: ['pager', 'command'], continue: true },
  { matchers: [], actions: ['slack'], continue: false },
];
const firing = alertWith({ alertname: 'A', severity: 'critical' });
const resolved = alertWith({ alertname: 'B', severity: 'critical' }, 'resolved');

describe('routeShares: the route and filter stages every path shares', () => {
  it('routes each alert, then leaves resolved alerts out for an action without send_resolved', () => {
    const { shares } = routeShares([firing, resolved], routes, actions);
    expect(shares.get('slack')).toEqual([firing, resolved]);
    expect(shares.get('pager')).toEqual([firing]);
    expect(shares.get('command')).toEqual([firing, resolved]);
  });

  it('keeps only the actions of the path that asks: the queue, or the sender waiting', () => {
    expect([...routeShares([firing], routes, actions, 'after-ack').shares.keys()]).toEqual(['pager', 'slack']);
    expect([...routeShares([firing], routes, actions, 'before-ack').shares.keys()]).toEqual(['command']);
  });

  it('gives no share to an action all of whose alerts were filtered out, but still reports the routing', () => {
    const result = routeShares([resolved], routes, actions, 'after-ack');
    expect(result.shares.has('pager')).toBe(false);
    expect(result.byAction.get('pager')).toEqual([resolved]);
    expect(result.unrouted).toEqual([]);
  });
});
