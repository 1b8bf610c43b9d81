/**
 * How each kind of Alertmanager receiver (`<x>_configs`) becomes an alertpipe action: the type it
 * becomes, the `global` keys it inherits when the entry omits them, the fields alertpipe names
 * differently, and Alertmanager's `send_resolved` default (alertpipe's is true for every type, so
 * a default of false is written out). Field names not listed here are kept as they are: the
 * receiver types added for Alertmanager's configs use its names. What a field cannot carry over is
 * decided against the target type's schema (translate-receiver.ts), not listed here.
 */
export interface ReceiverKind {
  /** The alertpipe action type; absent when alertpipe has no equivalent. */
  readonly type?: string;
  /** Why there is no equivalent, when `type` is absent. */
  readonly missing?: string;
  readonly sendResolvedDefault: boolean;
  /**
   * Receiver field to the `global` key it falls back to. A secret and its `_file` form are one
   * unit: the global pair is taken only when the entry has neither (as Alertmanager does).
   */
  readonly globals?: Readonly<Record<string, string>>;
  /** Alertmanager's field name to alertpipe's, for types whose schema predates the import. */
  readonly renames?: Readonly<Record<string, string>>;
  /** A note shown on every action of this kind. */
  readonly note?: string;
}

const SMTP_GLOBALS = {
  smarthost: 'smtp_smarthost',
  from: 'smtp_from',
  hello: 'smtp_hello',
  auth_username: 'smtp_auth_username',
  auth_password: 'smtp_auth_password',
  auth_password_file: 'smtp_auth_password_file',
  auth_secret: 'smtp_auth_secret',
  auth_secret_file: 'smtp_auth_secret_file',
  auth_identity: 'smtp_auth_identity',
  require_tls: 'smtp_require_tls',
  tls_config: 'smtp_tls_config',
  force_implicit_tls: 'smtp_force_implicit_tls',
};

const TEAMS_NOTE =
  'Teams: alertpipe posts an Adaptive Card to a Workflows webhook ("When a Teams webhook request is received"); title, summary and text are alertpipe templates';

/** Every `<x>_configs` key Alertmanager has, by that key. */
export const RECEIVER_KINDS: Readonly<Record<string, ReceiverKind>> = {
  email_configs: { type: 'email', sendResolvedDefault: false, globals: SMTP_GLOBALS },
  slack_configs: {
    type: 'slack',
    sendResolvedDefault: false,
    globals: {
      api_url: 'slack_api_url',
      api_url_file: 'slack_api_url_file',
      app_token: 'slack_app_token',
      app_token_file: 'slack_app_token_file',
      app_url: 'slack_app_url',
    },
    renames: { api_url: 'webhook_url', api_url_file: 'webhook_url_file', app_token: 'bot_token', app_token_file: 'bot_token_file' },
  },
  msteams_configs: {
    type: 'teams',
    sendResolvedDefault: true,
    note: `${TEAMS_NOTE}; an Office 365 connector URL (msteams_configs) no longer works: give the workflow's URL`,
  },
  msteamsv2_configs: { type: 'teams', sendResolvedDefault: true, note: TEAMS_NOTE },
  discord_configs: { type: 'discord', sendResolvedDefault: true },
  pagerduty_configs: {
    type: 'pagerduty',
    sendResolvedDefault: true,
    globals: { url: 'pagerduty_url' },
    renames: { service_key: 'routing_key', service_key_file: 'routing_key_file' },
  },
  webhook_configs: { type: 'webhook', sendResolvedDefault: true },
  opsgenie_configs: {
    type: 'opsgenie',
    sendResolvedDefault: true,
    globals: { api_url: 'opsgenie_api_url', api_key: 'opsgenie_api_key', api_key_file: 'opsgenie_api_key_file' },
  },
  victorops_configs: {
    type: 'victorops',
    sendResolvedDefault: true,
    globals: { api_url: 'victorops_api_url', api_key: 'victorops_api_key', api_key_file: 'victorops_api_key_file' },
  },
  telegram_configs: {
    type: 'telegram',
    sendResolvedDefault: true,
    globals: { api_url: 'telegram_api_url', bot_token: 'telegram_bot_token', bot_token_file: 'telegram_bot_token_file' },
  },
  webex_configs: { type: 'webex', sendResolvedDefault: true, globals: { api_url: 'webex_api_url' } },
  jira_configs: { type: 'jira', sendResolvedDefault: true, globals: { api_url: 'jira_api_url' } },
  rocketchat_configs: {
    type: 'rocketchat',
    sendResolvedDefault: false,
    globals: {
      api_url: 'rocketchat_api_url',
      token: 'rocketchat_token',
      token_file: 'rocketchat_token_file',
      token_id: 'rocketchat_token_id',
      token_id_file: 'rocketchat_token_id_file',
    },
  },
  mattermost_configs: {
    type: 'mattermost',
    sendResolvedDefault: true,
    globals: { webhook_url: 'mattermost_webhook_url', webhook_url_file: 'mattermost_webhook_url_file' },
  },
  pushover_configs: { type: 'pushover', sendResolvedDefault: true },
  sns_configs: { type: 'sns', sendResolvedDefault: true },
  incidentio_configs: { type: 'incidentio', sendResolvedDefault: true },
  // Not an Alertmanager receiver today; read the same way should a release add it.
  ntfy_configs: { type: 'ntfy', sendResolvedDefault: true },
  wechat_configs: { missing: 'alertpipe has no WeChat action', sendResolvedDefault: false },
};

/** A secret field and its `_file` form, as one unit of the global fallback. */
export function secretPairKey(field: string): string {
  return field.endsWith('_file') ? field.slice(0, -'_file'.length) : field;
}
