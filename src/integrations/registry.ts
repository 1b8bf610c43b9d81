import { z } from 'zod';
import type { Action } from './action.js';
import type { ActionDeps, ActionType } from './action-type.js';
import { discordActionType } from './discord/discord-action.js';
import { emailActionType } from './email/email-action.js';
import { execActionType } from './exec/exec-action.js';
import { googleChatActionType } from './google-chat/google-chat-action.js';
import { incidentioActionType } from './incidentio/incidentio-action.js';
import { jiraActionType } from './jira/jira-action.js';
import { logActionType } from './log/log-action.js';
import { mattermostActionType } from './mattermost/mattermost-action.js';
import { opsgenieActionType } from './opsgenie/opsgenie-action.js';
import { pagerdutyActionType } from './pagerduty/pagerduty-action.js';
import { rocketchatActionType } from './rocketchat/rocketchat-action.js';
import { ntfyActionType } from './ntfy/ntfy-action.js';
import { pushoverActionType } from './pushover/pushover-action.js';
import { scaleActionType } from './kubernetes/scale-action.js';
import { snsActionType } from './sns/sns-action.js';
import { slackActionType } from './slack/slack-action.js';
import { teamsActionType } from './teams/teams-action.js';
import { telegramActionType } from './telegram/telegram-action.js';
import { webexActionType } from './webex/webex-action.js';
import { victoropsActionType } from './victorops/victorops-action.js';
import { webhookActionType } from './webhook/webhook-action.js';
import { zulipActionType } from './zulip/zulip-action.js';

/**
 * Every action type alertpipe knows, by the `type` the config names. Adding one is a folder beside
 * this file and one line here; the config schema, the JSON Schema and the secret test follow
 * (docs/extending.md).
 */
const ACTION_TYPES = {
  log: logActionType,
  slack: slackActionType,
  teams: teamsActionType,
  discord: discordActionType,
  google_chat: googleChatActionType,
  telegram: telegramActionType,
  mattermost: mattermostActionType,
  rocketchat: rocketchatActionType,
  pagerduty: pagerdutyActionType,
  opsgenie: opsgenieActionType,
  victorops: victoropsActionType,
  incidentio: incidentioActionType,
  webhook: webhookActionType,
  email: emailActionType,
  exec: execActionType,
  scale: scaleActionType,
  webex: webexActionType,
  zulip: zulipActionType,
  jira: jiraActionType,
  pushover: pushoverActionType,
  ntfy: ntfyActionType,
  sns: snsActionType,
} as const;

type ActionSchema = (typeof ACTION_TYPES)[keyof typeof ACTION_TYPES]['schema'];

// Each schema has `type: z.literal(<its key>)`, so zod picks the one to apply by `type`.
export const actionConfigSchema = z.discriminatedUnion(
  'type',
  Object.values(ACTION_TYPES).map((type) => type.schema) as [ActionSchema, ...ActionSchema[]],
);

export type ActionConfig = z.output<typeof actionConfigSchema>;

export const actionTypeNames: readonly string[] = Object.keys(ACTION_TYPES);

/** Builds the action a validated config section describes. */
export function createAction(name: string, config: ActionConfig, deps: ActionDeps): Action {
  // The union is keyed by `type`, so the entry found accepts exactly this config.
  const type: ActionType<z.ZodType> = ACTION_TYPES[config.type];
  return type.create(name, config, deps);
}
