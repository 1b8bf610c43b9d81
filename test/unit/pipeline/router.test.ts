import { describe, expect, it } from 'vitest';
import { parseMatchers } from '../../../src/model/matchers.js';
import { routeAlerts, type Route } from '../../../src/pipeline/router.js';
import { alertWith } from '../../support/alerts.js';

const route = (matchers: string, actions: string[], extra: Partial<Route> = {}): Route => ({
  matchers: matchers ? parseMatchers(matchers) : [],
  actions,
  continue: false,
  ...extra,
});

const critical = alertWith({ alertname: 'A', severity: 'critical' });
const warning = alertWith({ alertname: 'B', severity: 'warning' });
const resolved = alertWith({ alertname: 'C', severity: 'critical' }, 'resolved');

describe('routeAlerts', () => {
  it('sends each alert to the first route it matches', () => {
    const { byAction } = routeAlerts([critical, warning], [route('severity="critical"', ['pager']), route('', ['slack'])]);
    expect(byAction.get('pager')).toEqual([critical]);
    expect(byAction.get('slack')).toEqual([warning]);
  });

  it('keeps looking after a route that says continue', () => {
    const { byAction } = routeAlerts([critical], [route('severity="critical"', ['pager'], { continue: true }), route('', ['slack'])]);
    expect([...byAction.keys()]).toEqual(['pager', 'slack']);
  });

  it("filters on each alert's own status", () => {
    const { byAction } = routeAlerts([critical, resolved], [route('', ['firing-only'], { status: 'firing' }), route('', ['rest'])]);
    expect(byAction.get('firing-only')).toEqual([critical]);
    expect(byAction.get('rest')).toEqual([resolved]);
  });

  it('reports alerts that no route took', () => {
    const { byAction, unrouted } = routeAlerts([critical, warning], [route('severity="critical"', ['pager'])]);
    expect(byAction.get('pager')).toEqual([critical]);
    expect(unrouted).toEqual([warning]);
  });

  it('lists an action once per alert even when two routes name it', () => {
    const { byAction } = routeAlerts([critical], [route('', ['slack'], { continue: true }), route('', ['slack'])]);
    expect(byAction.get('slack')).toEqual([critical]);
  });
});
