import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { commonActionFields } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';

// `host:port`, or `[v6]:port`, as Alertmanager's smarthost: the port is not optional there either.
const SMARTHOST = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/;

/** The host and port of an Alertmanager `smarthost`, or undefined when it is not `host:port`. */
export function parseSmarthost(value: string): { host: string; port: number } | undefined {
  const match = SMARTHOST.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || !(port >= 1 && port <= 65_535)) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

// One address or a comma-separated list of them, each `name <a@b>` or `a@b`, as Alertmanager takes `to`.
const addressList = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `expected ${what}`)
    .refine((value) => value.split(',').every((part) => /[^\s@<>]+@[^\s@<>]+/.test(part)), `expected ${what}: name@example.com`);

/** Alertmanager's `tls_config` for the SMTP connection (its file paths relative to the config file). */
const tlsConfigSchema = z
  .object({
    ca_file: z.string().min(1).optional(),
    cert_file: z.string().min(1).optional(),
    key_file: z.string().min(1).optional(),
    /** The name the server's certificate must carry; the smarthost's host when absent. */
    server_name: z.string().min(1).optional(),
    insecure_skip_verify: z.boolean().default(false),
    min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
    max_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
  })
  .strict()
  .refine((tls) => (tls.cert_file === undefined) === (tls.key_file === undefined), {
    message: 'cert_file and key_file go together (a client certificate and its key)',
  });

/**
 * An Alertmanager `email_configs` entry with `type: email` added: its field names, its defaults
 * (`hello: localhost`, `require_tls: true`), and alertpipe's message fields (templates, folding).
 * `html`, `text` and the `headers` values are alertpipe (Liquid) templates, not Go templates.
 */
export const emailSchema = z
  .object({
    type: z.literal('email'),
    /** One address or several, comma-separated. */
    to: addressList('the address (or comma-separated addresses) to mail'),
    from: addressList('the sender address'),
    /** `host:port` of the SMTP server; port 465 means implicit TLS (SMTPS), as in Alertmanager. */
    smarthost: z.string().refine((v) => parseSmarthost(v) !== undefined, {
      // The environment's SMTP_URL, when it is no smtp:// URL, arrives here as a marker (never the URL: it holds a password).
      error: (issue) =>
        typeof issue.input === 'string' && issue.input.startsWith('SMTP_URL ')
          ? 'from the environment: SMTP_URL must be smtp://user:password@host:port or smtps://user:password@host:port'
          : 'expected host:port of the SMTP server (587 for STARTTLS, 465 for TLS from the start)',
    }),
    /** The name given in EHLO. */
    hello: z.string().trim().min(1).default('localhost'),
    auth_username: z.string().min(1).optional(),
    auth_password: secret(z.string().min(1)).optional(),
    /** The CRAM-MD5 secret. */
    auth_secret: secret(z.string().min(1)).optional(),
    /** The PLAIN mechanism's authorization identity. */
    auth_identity: z.string().min(1).optional(),
    /** STARTTLS is required (the default): a server that does not offer it is refused before any credential is sent. */
    require_tls: z.boolean().default(true),
    /** TLS from the first byte; absent: only on port 465. */
    force_implicit_tls: z.boolean().optional(),
    tls_config: tlsConfigSchema.optional(),
    /** Extra header templates; `Subject` replaces the default subject. */
    headers: z.record(z.string().regex(/^[!-9;-~]+$/, 'expected a header name'), z.string()).default({}),
    /** A template for the whole HTML part, in place of the default one. */
    html: z.string().optional(),
    /** A template for the whole text part, in place of the default one. */
    text: z.string().optional(),
    /** Alertmanager's opt-in threading: alertpipe always threads a group's mails, so it is accepted and changes nothing. */
    threading: z.object({ enabled: z.boolean().optional(), thread_by_date: z.string().optional() }).strict().optional(),
    ...chatMessageFields,
    ...commonActionFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    if ((config.auth_password || config.auth_secret) && !config.auth_username)
      ctx.addIssue({ code: 'custom', path: ['auth_username'], message: 'expected the user name that goes with auth_password' });
    const headers = Object.keys(config.headers).map((name) => name.toLowerCase());
    const duplicate = headers.find((name, i) => headers.indexOf(name) !== i);
    if (duplicate)
      ctx.addIssue({ code: 'custom', path: ['headers'], message: `header ${duplicate} is given twice (names are case-insensitive)` });
    // The threading headers are alertpipe's: one set by hand would split the group's thread.
    const reserved = headers.find((name) => ['message-id', 'in-reply-to', 'references'].includes(name));
    if (reserved)
      ctx.addIssue({ code: 'custom', path: ['headers'], message: `${reserved} is set by alertpipe to thread the group's mails` });
  });

export type EmailConfig = z.output<typeof emailSchema>;
