import { defaultSender, smtpUrlFields } from './smtp-url.js';
import { ConfigError } from '../lib/config-error.js';
import { DEFAULT_ENRICHERS, isBuiltinEnricher } from '../enrichers/builtin-enrichers.js';

/**
 * The config that the environment alone describes (PORT, PROMETHEUS_URL, SLACK_WEBHOOK_URL, the Slack
 * app's SLACK_BOT_TOKEN and SLACK_CHANNEL with SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, ALERTMANAGER_URL and SLACK_API_URL,
 * TEAMS_WEBHOOK_URL, DISCORD_WEBHOOK_URL, GOOGLE_CHAT_WEBHOOK_URL, TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID with
 * TELEGRAM_API_URL, MATTERMOST_WEBHOOK_URL, NTFY_URL, SMTP_URL with EMAIL_TO and EMAIL_FROM, PAGERDUTY_ROUTING_KEY and
 * PAGERDUTY_EVENTS_URL, AUTH_TOKEN, AUTH_USER and AUTH_PASSWORD,
 * DATA_DIR, DATABASE_URL, EXTERNAL_URL, DISABLE_ENRICHERS), before validation: every sink whose variable is set, plus the log, with no routes
 * (so every alert goes to all of them).
 */
export function envConfigInput(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const actions: Record<string, unknown> = { log: { type: 'log' } };
  if (env.SLACK_BOT_TOKEN || env.SLACK_CHANNEL) {
    // The Slack app; a missing half is reported by the schema (`channel`, `bot_token`).
    actions.slack = {
      type: 'slack',
      ...(env.SLACK_BOT_TOKEN ? { bot_token: env.SLACK_BOT_TOKEN } : {}),
      ...(env.SLACK_CHANNEL ? { channel: env.SLACK_CHANNEL } : {}),
      ...(env.SLACK_SIGNING_SECRET ? { signing_secret: env.SLACK_SIGNING_SECRET } : {}),
      ...(env.SLACK_APP_TOKEN ? { app_token: env.SLACK_APP_TOKEN } : {}),
      ...(env.SLACK_API_URL ? { api_url: env.SLACK_API_URL } : {}),
    };
  }
  if (env.SLACK_WEBHOOK_URL) actions[actions.slack ? 'slack_webhook' : 'slack'] = { type: 'slack', webhook_url: env.SLACK_WEBHOOK_URL };
  if (env.TEAMS_WEBHOOK_URL) actions.teams = { type: 'teams', webhook_url: env.TEAMS_WEBHOOK_URL };
  if (env.DISCORD_WEBHOOK_URL) actions.discord = { type: 'discord', webhook_url: env.DISCORD_WEBHOOK_URL };
  if (env.GOOGLE_CHAT_WEBHOOK_URL) actions.google_chat = { type: 'google_chat', webhook_url: env.GOOGLE_CHAT_WEBHOOK_URL };
  if (env.TELEGRAM_BOT_TOKEN || env.TELEGRAM_CHAT_ID) {
    // A missing half is reported by the schema (`bot_token`, `chat_id`).
    actions.telegram = {
      type: 'telegram',
      ...(env.TELEGRAM_BOT_TOKEN ? { bot_token: env.TELEGRAM_BOT_TOKEN } : {}),
      ...(env.TELEGRAM_CHAT_ID ? { chat_id: env.TELEGRAM_CHAT_ID } : {}),
      ...(env.TELEGRAM_API_URL ? { api_url: env.TELEGRAM_API_URL } : {}),
    };
  }
  if (env.MATTERMOST_WEBHOOK_URL) actions.mattermost = { type: 'mattermost', webhook_url: env.MATTERMOST_WEBHOOK_URL };
  // An ntfy topic's URL; a topic behind access control needs a config file for its token.
  if (env.NTFY_URL) actions.ntfy = { type: 'ntfy', url: env.NTFY_URL };
  if (env.PAGERDUTY_ROUTING_KEY) {
    actions.pagerduty = {
      type: 'pagerduty',
      routing_key: env.PAGERDUTY_ROUTING_KEY,
      ...(env.PAGERDUTY_EVENTS_URL ? { url: env.PAGERDUTY_EVENTS_URL } : {}),
    };
  }
  if (env.SMTP_URL || env.EMAIL_TO) {
    // Either alone is half an email action: the schema says which field is missing (`smarthost`, `to`).
    const smtp = env.SMTP_URL ? smtpUrlFields(env.SMTP_URL) : {};
    actions.email = { type: 'email', ...smtp, ...(env.EMAIL_TO ? { to: env.EMAIL_TO } : {}), from: env.EMAIL_FROM || defaultSender(smtp) };
  }
  const input: Record<string, unknown> = { actions };
  const server: Record<string, unknown> = {};
  if (env.PORT) server.listen = `:${env.PORT}`;
  if (env.EXTERNAL_URL) server.external_url = env.EXTERNAL_URL;
  const auth: Record<string, unknown> = {};
  if (env.AUTH_TOKEN) auth.bearer_token = env.AUTH_TOKEN;
  if (env.AUTH_USER || env.AUTH_PASSWORD) auth.basic = { username: env.AUTH_USER ?? '', password: env.AUTH_PASSWORD ?? '' };
  if (Object.keys(auth).length > 0) server.auth = auth;
  if (Object.keys(server).length > 0) input.server = server;
  if (env.PROMETHEUS_URL) input.prometheus = { url: env.PROMETHEUS_URL };
  const enrichers = enrichersLeftOn(env.DISABLE_ENRICHERS);
  if (env.PROMETHEUS_URL && enrichers) input.enrichers = enrichers;
  if (env.ALERTMANAGER_URL) input.alertmanager = { url: env.ALERTMANAGER_URL };
  const delivery: Record<string, unknown> = {};
  if (env.DATA_DIR) delivery.data_dir = env.DATA_DIR;
  // A database URL is the choice of the shared queue: every replica given it is one service.
  if (env.DATABASE_URL) Object.assign(delivery, { queue: 'postgres', postgres: { url: env.DATABASE_URL } });
  if (Object.keys(delivery).length > 0) input.delivery = delivery;
  return input;
}

/**
 * DISABLE_ENRICHERS (`graph,workload`, or `all`): the built-ins that run by default, less these.
 * Undefined when it is unset, so the defaults stay the defaults; an unknown name is refused rather
 * than ignored, since a misspelt name would leave on what someone meant to turn off.
 */
function enrichersLeftOn(value: string | undefined): string[] | undefined {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return undefined;
  if (names.length === 1 && names[0] === 'all') return [];
  const unknown = names.filter((name) => !isBuiltinEnricher(name));
  if (unknown.length > 0)
    throw new ConfigError('environment', [
      { path: 'DISABLE_ENRICHERS', message: `no built-in enricher ${unknown.join(', ')} (known: ${DEFAULT_ENRICHERS.join(', ')}, or all)` },
    ]);
  return DEFAULT_ENRICHERS.filter((name) => !names.includes(name));
}
