const SECRET_KEY = /(^|_)(token|password|secret|routing_key|webhook_url|api_key)$/i;

/**
 * Every value in the config that is a credential: Slack webhook URLs, routing keys, tokens,
 * passwords, and header values. The logger masks them wherever they appear.
 */
export function collectSecrets(config: unknown): string[] {
  const secrets: string[] = [];
  const visit = (value: unknown, key: string, underHeaders: boolean): void => {
    if (typeof value === 'string') {
      if (underHeaders || SECRET_KEY.test(key)) secrets.push(value);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [childKey, child] of Object.entries(value)) {
      visit(child, childKey, underHeaders || key === 'headers');
    }
  };
  visit(config, '', false);
  return secrets.filter((s) => s.length > 0);
}
