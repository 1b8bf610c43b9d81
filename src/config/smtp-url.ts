/**
 * The email action's connection fields from `SMTP_URL`: `smtp://user:pass@host:port` (STARTTLS,
 * required, port 587 when absent) or `smtps://…` (TLS from the first byte, port 465 when absent);
 * `?require_tls=false` for a relay without TLS (a local one). User and password are URL-decoded.
 * A value that is no such URL gives a smarthost the schema refuses, naming the variable, never its
 * value (it holds a password).
 */
export function smtpUrlFields(value: string): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { smarthost: 'SMTP_URL is not a URL' };
  }
  const implicit = url.protocol === 'smtps:';
  if (!implicit && url.protocol !== 'smtp:') return { smarthost: 'SMTP_URL is not an smtp:// or smtps:// URL' };
  const port = url.port || (implicit ? '465' : '587');
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return {
    smarthost: `${url.hostname}:${port}`,
    ...(implicit ? { force_implicit_tls: true } : {}),
    ...(url.searchParams.get('require_tls') === 'false' ? { require_tls: false } : {}),
    ...(user ? { auth_username: user } : {}),
    ...(password ? { auth_password: password } : {}),
  };
}

/** The sender when `EMAIL_FROM` is absent: the SMTP user when it is an address, else alertpipe at the server's domain. */
export function defaultSender(fields: Record<string, unknown>): string {
  const user = fields.auth_username;
  if (typeof user === 'string' && user.includes('@')) return user;
  const host = typeof fields.smarthost === 'string' ? fields.smarthost.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') : '';
  return `alertpipe@${/^[A-Za-z0-9.-]+\.[A-Za-z]+$/.test(host) ? host : 'localhost'}`;
}
