import { ActionError } from '../action-error.js';

/** What nodemailer attaches to its errors (see its `NodemailerError`). */
interface SmtpFailure {
  readonly message?: string;
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly command?: string;
  /** Node's code under nodemailer's own: `ERR_SSL_WRONG_VERSION_NUMBER`, `DEPTH_ZERO_SELF_SIGNED_CERT`, `ECONNREFUSED`. */
  readonly originalCode?: string;
}

// A TLS session that cannot be set up, whoever retries: a certificate that does not verify, a port that speaks no TLS.
const TLS_CODE = /^(?:ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

// Failures of the connection itself: the server may be restarting or the network away for a moment.
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'EABORT', 'ABORT_ERR']);

/**
 * An SMTP failure as delivery reads it. The server's reply decides (RFC 5321): a 4xx reply
 * (421 closing, 450/451 try later, 452 too many messages or no room: what servers answer when they
 * throttle) is transient and retried later; a 5xx reply (535 bad credentials, 550 mailbox refused,
 * 552 too big, 554 rejected) is permanent and not retried, since the same mail would get the same
 * answer. Without a reply: a lost or refused connection is retried; a TLS failure (a certificate
 * that does not verify, a server that does not offer STARTTLS when `require_tls` says it must, a
 * port that speaks no TLS) and missing credentials are permanent until the config changes.
 */
export function smtpError(error: unknown, smarthost: string): ActionError {
  const failure = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpFailure;
  const reason = (failure.response ?? failure.message ?? 'unknown error').replace(/\s+/g, ' ').trim();
  const excerpt = reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
  const code = failure.responseCode;
  if (code !== undefined && code >= 400 && code < 600) {
    const permanent = code >= 500;
    const verb = failure.command?.split(' ')[0]?.toUpperCase();
    const at = verb ? ` to ${verb}` : '';
    // nodemailer asks for STARTTLS even where it is not offered; say why it was asked.
    const why = verb === 'STARTTLS' ? ' (require_tls is true, the default, and the server does not take STARTTLS)' : '';
    return new ActionError(
      `SMTP server ${smarthost} answered ${code}${at}: ${excerpt}${why}${permanent ? ' (a permanent refusal: not retried)' : ' (transient: retried later)'}`,
      { retryable: !permanent },
    );
  }
  if (failure.code === 'ETLS' || TLS_CODE.test(failure.originalCode ?? '')) {
    return new ActionError(
      `TLS with SMTP server ${smarthost} failed: ${excerpt} (not retried: fix the server's certificate, tls_config or require_tls)`,
      {
        retryable: false,
      },
    );
  }
  if (failure.code !== undefined && CONNECTION_CODES.has(failure.code)) {
    return new ActionError(`SMTP server ${smarthost} unreachable: ${excerpt}`, { retryable: true });
  }
  if (failure.code === 'EAUTH' || failure.code === 'ENOAUTH' || failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE') {
    return new ActionError(`SMTP server ${smarthost} refused the mail: ${excerpt} (not retried)`, { retryable: false });
  }
  return new ActionError(`SMTP delivery through ${smarthost} failed: ${excerpt}`, { retryable: true });
}
