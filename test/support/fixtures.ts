import { readFileSync } from 'node:fs';

/** The real payloads in test/fixtures (see its README for where each comes from). */
export const FIXTURES = {
  alertmanagerGroup: 'alertmanager-0.25-firing-group.json',
  amExecutorPayload: 'am-executor-alert-payload.json',
  amExecutorIntegration: 'am-executor-integration-payload.json',
  amExecutorTrigger: 'am-executor-server-test-trigger.json',
  prometheusPush: 'prometheus-push-instancedown.json',
  singleAlert: 'single-alert-crashloop.json',
  v3NumericGroupKey: 'v3-numeric-groupkey.json',
} as const;

export type FixtureName = keyof typeof FIXTURES;

/** The fixture's bytes as text, exactly as a sender would POST them. */
export function fixtureText(name: FixtureName | string): string {
  const file = name in FIXTURES ? FIXTURES[name as FixtureName] : name;
  return readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8');
}

export function fixtureJson(name: FixtureName): unknown {
  return JSON.parse(fixtureText(name));
}
