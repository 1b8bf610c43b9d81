import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { SecureVersion } from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';
import { ConfigError, type ConfigProblem } from '../../lib/config-error.js';
import { parseSmarthost, type EmailConfig } from './email-schema.js';

const TLS_VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/**
 * The SMTP client for one action, as Alertmanager's email notifier connects: implicit TLS on port
 * 465 (or with `force_implicit_tls`), else plain then STARTTLS, which `require_tls` (the default)
 * makes mandatory: a server that does not offer it gets no credentials and no mail. Without
 * `require_tls`, no STARTTLS at all, as Alertmanager. AUTH only when the server offers it and a user
 * is configured. One connection per mail: alerts are few, and a pooled connection would outlive a
 * server's idle timeout between them. Certificates are read once, here (relative to the config file).
 */
export function createSmtpTransport(name: string, config: EmailConfig, baseDir: string, timeoutMs: number): Transporter {
  const { host, port } = parseSmarthost(config.smarthost) ?? { host: '', port: 0 };
  const secure = config.force_implicit_tls ?? port === 465;
  const tls = config.tls_config;
  const problems: ConfigProblem[] = [];
  const read = (field: 'ca_file' | 'cert_file' | 'key_file'): Buffer | undefined => {
    const file = tls?.[field];
    if (file === undefined) return undefined;
    try {
      return readFileSync(path.resolve(baseDir, file));
    } catch (error) {
      problems.push({
        path: `actions.${name}.tls_config.${field}`,
        message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      return undefined;
    }
  };
  const ca = read('ca_file');
  const cert = read('cert_file');
  const key = read('key_file');
  if (problems.length > 0) throw new ConfigError('tls_config', problems);
  const minVersion = tls?.min_version ? TLS_VERSIONS[tls.min_version] : 'TLSv1.2';
  const maxVersion = tls?.max_version ? TLS_VERSIONS[tls.max_version] : undefined;
  const user = config.auth_username;
  const identity = config.auth_identity;
  const password = config.auth_password;
  return createTransport({
    host,
    port,
    secure,
    requireTLS: !secure && config.require_tls,
    ignoreTLS: !secure && !config.require_tls,
    name: config.hello,
    tls: {
      rejectUnauthorized: !(tls?.insecure_skip_verify ?? false),
      // SNI takes a name, never an address (RFC 6066); an address is still what the certificate is checked against.
      ...(tls?.server_name || !isIP(host) ? { servername: tls?.server_name ?? host } : {}),
      ...(minVersion ? { minVersion } : {}),
      ...(maxVersion ? { maxVersion } : {}),
      ...(ca ? { ca } : {}),
      ...(cert && key ? { cert, key } : {}),
    },
    // Each wait is bounded by the attempt's timeout: no SMTP exchange outlives its attempt.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    ...(user
      ? {
          auth: config.auth_secret
            ? { type: 'login' as const, user, pass: config.auth_secret, method: 'CRAM-MD5' }
            : { type: 'login' as const, user, pass: password ?? '' },
        }
      : {}),
    // PLAIN with an authorization identity (RFC 4616: identity NUL user NUL password), which
    // nodemailer's own PLAIN leaves empty; used only when `auth_identity` is set, as Go's PlainAuth.
    ...(user && identity && !config.auth_secret
      ? {
          customAuth: {
            PLAIN: async (ctx) => {
              const token = Buffer.from(`${identity}\u0000${user}\u0000${password ?? ''}`, 'utf8').toString('base64');
              const reply = await ctx.sendCommand(`AUTH PLAIN ${token}`);
              if (reply.status !== 235)
                return ctx.reject(
                  Object.assign(new Error(reply.text || reply.response), {
                    responseCode: reply.status,
                    response: reply.response,
                    code: 'EAUTH',
                  }),
                );
              return ctx.resolve();
            },
          },
        }
      : {}),
    logger: false,
    debug: false,
  });
}
