/**
 * The config that the environment alone describes, before validation: every sink whose variable
 * is set, plus the log, with no routes (so every alert goes to all of them).
 */
export function envConfigInput(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const actions: Record<string, unknown> = { log: { type: 'log' } };
  if (env.SLACK_WEBHOOK_URL) actions.slack = { type: 'slack', webhook_url: env.SLACK_WEBHOOK_URL };
  const input: Record<string, unknown> = { actions };
  if (env.PORT) input.server = { listen: `:${env.PORT}` };
  if (env.PROMETHEUS_URL) input.prometheus = { url: env.PROMETHEUS_URL };
  if (env.DATA_DIR) input.delivery = { data_dir: env.DATA_DIR };
  return input;
}
